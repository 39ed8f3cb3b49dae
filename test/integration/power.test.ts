/**
 * The power module, ONLY against a real Debian host booted with systemd-nspawn: schedule a reboot, see it,
 * cancel it; then power the container off for real. Never against this machine.
 *
 * Why poweroff and not reboot: systemd-nspawn --boot exits (status 133) when its container reboots and relies
 * on its service manager to start it again (systemd-nspawn@.service has RestartForceExitStatus=133). The test
 * harness does not restart it, so a reboot would look exactly like a poweroff here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/console.js';
import { debianHostAvailable, startManagedHost, type ManagedHost } from '../support/managed-host.js';
import { userWithRole } from '../support/users.js';

const available = debianHostAvailable();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!available.ok)(`power module on a real Debian host${available.ok ? '' : ` (skipped: ${available.why})`}`, () => {
  let host: ManagedHost;

  beforeAll(async () => {
    host = await startManagedHost();
  }, 180_000);

  afterAll(async () => {
    await host?.stop();
  }, 60_000);

  it('schedules a reboot for +60 minutes, shows it, and cancels it', async () => {
    expect(await host.result('power', 'status')).toMatchObject({ scheduled: null, init: 'systemd' });

    const before = Date.now();
    const planned = await host.result('power', 'reboot', { when: '+60' });
    expect(planned).toMatchObject({ action: 'reboot', immediate: false, scheduled: { action: 'reboot' } });
    const at = Date.parse(planned.scheduled.at);
    expect(at).toBeGreaterThanOrEqual(before + 59 * 60_000);
    expect(at).toBeLessThanOrEqual(Date.now() + 61 * 60_000);

    const status = await host.result('power', 'status');
    expect(status.scheduled).toEqual(planned.scheduled);
    expect((await host.debian.exec(['cat', '/run/systemd/shutdown/scheduled'])).stdout).toMatch(/MODE=reboot/);

    const cancelled = await host.result('power', 'cancel');
    expect(cancelled.cancelled).toEqual(planned.scheduled);
    expect((await host.result('power', 'status')).scheduled).toBeNull();
    expect((await host.debian.exec(['test', '-e', '/run/systemd/shutdown/scheduled'])).code).not.toBe(0);

    const again = await host.call('power', 'cancel');
    expect([again.status, again.body.error.code]).toEqual([404, 'not-found']);
  });

  it('schedules a shutdown at an ISO time and replaces it', async () => {
    const at = new Date(Date.now() + 3 * 3600_000).toISOString();
    const planned = await host.result('power', 'poweroff', { when: at });
    expect(planned.scheduled.action).toBe('poweroff');
    // Rounded up to the whole minute shutdown(8) takes.
    expect(Math.abs(Date.parse(planned.scheduled.at) - Date.parse(at))).toBeLessThan(61_000);
    await host.result('power', 'cancel');
    expect((await host.result('power', 'status')).scheduled).toBeNull();
  });

  it('refuses hostile and out-of-range times with invalid-params naming the field, and schedules nothing', async () => {
    const past = new Date(Date.now() - 60_000).toISOString();
    const tooFar = new Date(Date.now() + 8 * 24 * 3600_000).toISOString();
    for (const method of ['reboot', 'poweroff']) {
      for (const bad of ['-rf', ';reboot', '$(id)', '../', 'now\nreboot', 'x'.repeat(10_000), 'nöw', '+60 -k', past, tooFar, '+20000']) {
        const res = await host.call('power', method, { when: bad });
        expect([res.status, res.body.error?.code], `${method} ${JSON.stringify(bad.slice(0, 30))}`).toEqual([400, 'invalid-params']);
        expect(res.body.error.message).toMatch(/^when: /);
      }
    }
    expect((await host.result('power', 'status')).scheduled).toBeNull();
  });

  it('only administrators may reboot: a system operator and a viewer are refused, a viewer may read the state', async () => {
    const operator = await userWithRole(host.console, 'power-operator', 'system-operator');
    const viewer = await userWithRole(host.console, 'power-viewer', 'viewer');
    for (const client of [operator, viewer]) {
      const refused = await client.call(host.hostId, 'power', 'reboot', { when: '+30' });
      expect([refused.status, refused.body.error.code]).toEqual([403, 'forbidden']);
    }
    expect((await viewer.call(host.hostId, 'power', 'status', {})).status).toBe(200);
    expect((await host.result('power', 'status')).scheduled).toBeNull();
  });

  it('powers off now: the answer arrives, the agent goes offline and the container stops', async () => {
    const leader = host.debian.leaderPid;
    const result = await host.result('power', 'poweroff', { when: 'now' });
    expect(result).toEqual({ action: 'poweroff', immediate: true, scheduled: null });
    await waitFor('the host to go offline', async () => (await host.api.get(`/api/hosts/${host.hostId}`)).body.online === false, 60_000);
    await waitFor('the container to stop', () => !alive(leader), 60_000);
  }, 130_000);
});
