/**
 * The service module against a real systemd: a Debian host booted with systemd-nspawn, an agent inside it, and
 * a test unit installed there. Every change is checked with systemctl inside the container, not with the agent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { debianHostAvailable, startManagedHost, type ManagedHost } from '../support/managed-host.js';
import { readModuleStream } from '../support/module-stream.js';
import { userWithRole } from '../support/users.js';

const available = debianHostAvailable();
const unit = 'gatehouse-test.service';
const unitText = `[Unit]
Description=Gatehouse test ticker

[Service]
ExecStart=/bin/sh -c 'while true; do echo tick; sleep 1; done'

[Install]
WantedBy=multi-user.target
`;

/** A module's stream through the console's generic stream route, read until `until` says so or it ends. */
function readStream(host: ManagedHost, module: string, stream: string, params: unknown, until: (text: string) => boolean, controller = new AbortController()) {
  return readModuleStream(host, module, stream, params, { until, controller });
}

const hostile = ['-rf', ';reboot', '$(id)', '../etc/passwd', 'a\nb.service', 'x'.repeat(10_000), 'naïve.service', '-x.service', '--help.service', 'ssh.service;id', '', 'ssh'];

describe.skipIf(!available.ok)(`service module on a real systemd host${available.ok ? '' : ` (skipped: ${available.why})`}`, () => {
  let host: ManagedHost;
  const isActive = async () => (await host.debian.exec(['systemctl', 'is-active', unit])).stdout.trim();
  const isEnabled = async () => (await host.debian.exec(['systemctl', 'is-enabled', unit])).stdout.trim();

  beforeAll(async () => {
    host = await startManagedHost();
    // Under /usr/local/lib, not /etc: masking puts a link to /dev/null in /etc/systemd/system, where a unit's own
    // file would be in the way (systemd refuses to mask it there).
    await host.debian.exec(['mkdir', '-p', '/usr/local/lib/systemd/system']);
    await host.debian.exec(['sh', '-c', 'cat > /usr/local/lib/systemd/system/gatehouse-test.service'], { input: unitText });
    await host.debian.exec(['systemctl', 'daemon-reload']);
  }, 180_000);

  afterAll(async () => {
    await host?.stop();
  }, 60_000);

  it('lists units with state, sub-state, enablement and description, including the test unit', async () => {
    const { units, manager } = await host.result('service', 'list');
    expect(manager).toBe('systemd');
    const test = units.find((u: any) => u.name === unit);
    expect(test).toMatchObject({ name: unit, active: 'inactive', enabled: 'disabled', description: 'Gatehouse test ticker' });
    const ssh = units.find((u: any) => u.name === 'ssh.service');
    expect(ssh).toMatchObject({ active: 'active', sub: 'running', enabled: 'enabled' });
    expect(ssh.description).not.toBe('');
    const onlyTimers = await host.result('service', 'list', { types: ['timer'] });
    expect(onlyTimers.units.every((u: any) => u.name.endsWith('.timer'))).toBe(true);
  });

  it('starts, restarts and stops the unit, as systemctl inside the host confirms', async () => {
    const started = await host.result('service', 'start', { unit });
    expect(started).toMatchObject({ unit, active: 'active', sub: 'running' });
    expect(await isActive()).toBe('active');
    const before = (await host.debian.exec(['systemctl', 'show', '--property=MainPID', '--value', unit])).stdout.trim();
    await host.result('service', 'restart', { unit });
    const after = (await host.debian.exec(['systemctl', 'show', '--property=MainPID', '--value', unit])).stdout.trim();
    expect(after).not.toBe(before);
    expect(await isActive()).toBe('active');
    const details = await host.result('service', 'details', { unit });
    expect(details).toMatchObject({ unit, active: 'active', fragmentPath: '/usr/local/lib/systemd/system/gatehouse-test.service' });
    expect(details.mainPid).toBe(Number(after));
    expect(details.activeSince).toMatch(/^\d{4}-/);
    const stopped = await host.result('service', 'stop', { unit });
    expect(stopped.active).toBe('inactive');
    expect(await isActive()).toBe('inactive');
  });

  it('enables, disables, masks and unmasks the unit', async () => {
    expect((await host.result('service', 'enable', { unit })).enabled).toBe('enabled');
    expect(await isEnabled()).toBe('enabled');
    expect((await host.result('service', 'disable', { unit })).enabled).toBe('disabled');
    expect(await isEnabled()).toBe('disabled');
    expect((await host.result('service', 'mask', { unit })).enabled).toBe('masked');
    expect(await isEnabled()).toBe('masked');
    const refused = await host.call('service', 'start', { unit });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.body.error.message).toMatch(/masked/i);
    expect(await isActive()).not.toBe('active');
    await host.result('service', 'unmask', { unit });
    expect(await isEnabled()).toBe('disabled');
  });

  it('shows the unit file text', async () => {
    const { text } = await host.result('service', 'unitFile', { unit });
    expect(text).toContain('# /usr/local/lib/systemd/system/gatehouse-test.service');
    expect(text).toContain("ExecStart=/bin/sh -c 'while true; do echo tick; sleep 1; done'");
  });

  it('answers not-found for a unit that does not exist', async () => {
    const res = await host.call('service', 'start', { unit: 'no-such-unit-here.service' });
    expect(res.body.error.code).toBe('not-found');
    expect(res.body.error.message).toMatch(/no-such-unit-here/);
    expect((await host.call('service', 'details', { unit: 'no-such-unit-here.service' })).body.error.code).toBe('not-found');
  });

  it('reads the journal: last N lines of a unit, by priority, since a time', async () => {
    await host.result('service', 'start', { unit });
    const since = new Date(Date.now() - 60_000).toISOString();
    await new Promise((r) => setTimeout(r, 2500));
    const { entries } = await host.result('service', 'journal', { unit, lines: 5 });
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.length).toBeLessThanOrEqual(5);
    expect(entries.some((e: any) => e.message === 'tick')).toBe(true);
    expect(entries.every((e: any) => e.unit === unit)).toBe(true);
    // "tick" is logged at info (6); asking for warning and worse leaves it out.
    const warnings = await host.result('service', 'journal', { unit, lines: 50, priority: 'warning' });
    expect(warnings.entries.some((e: any) => e.message === 'tick')).toBe(false);
    const recent = await host.result('service', 'journal', { unit, lines: 500, since });
    expect(recent.entries.every((e: any) => e.time >= since.slice(0, 19))).toBe(true);
    const future = await host.result('service', 'journal', { unit, since: new Date(Date.now() + 3_600_000).toISOString() });
    expect(future.entries).toEqual([]);
  });

  it('follows the journal live over the stream route and stops journalctl when cancelled', async () => {
    await host.result('service', 'start', { unit });
    const marker = `gatehouse-follow-${Date.now()}`;
    const controller = new AbortController();
    const reading = readStream(host, 'service', 'follow', {}, (text) => text.includes(marker), controller);
    // A line written after the follow began arrives while the stream is open.
    await new Promise((r) => setTimeout(r, 1500));
    await host.debian.exec(['systemd-cat', '--identifier=gatehouse-test', 'echo', marker]);
    const ticks = readStream(host, 'service', 'follow', { unit }, (text) => (text.match(/"message":"tick"/g) ?? []).length >= 2);
    const [followed, ticked] = await Promise.all([reading, ticks]);
    expect(followed.status).toBe(200);
    expect(ticked.status).toBe(200);
    const entries = ticked.text.trim().split('\n').map((line) => JSON.parse(line));
    expect(entries.filter((e) => e.message === 'tick').length).toBeGreaterThanOrEqual(2);
    expect(followed.text).toContain(marker);
    // Cancelled: no journalctl --follow is left running inside the host.
    let left = 'x';
    for (let i = 0; i < 50 && left !== ''; i++) {
      await new Promise((r) => setTimeout(r, 200));
      left = (await host.debian.exec(['sh', '-c', 'for p in /proc/[0-9]*; do [ "$(cat $p/comm 2>/dev/null)" = journalctl ] && echo $p; done; true'])).stdout.trim();
    }
    expect(left).toBe('');
    await host.result('service', 'stop', { unit });
  }, 60_000);

  it('refuses hostile unit names before any program runs, for every method and the stream', async () => {
    const methods = ['details', 'unitFile', 'start', 'stop', 'restart', 'reload', 'enable', 'disable', 'mask', 'unmask'];
    for (const method of methods) {
      for (const name of hostile.slice(0, 6)) {
        const res = await host.call('service', method, { unit: name });
        expect(res.status, `${method} ${JSON.stringify(name).slice(0, 40)}`).toBe(400);
        expect(res.body.error.code).toBe('invalid-params');
        expect(res.body.error.message).toMatch(/^unit:/);
      }
    }
    expect((await host.call('service', 'journal', { unit: '$(id)' })).body.error.message).toMatch(/^unit:/);
    expect((await host.call('service', 'journal', { since: 'yesterday; reboot' })).body.error.message).toMatch(/^since:/);
    const stream = await readStream(host, 'service', 'follow', { unit: '-rf' }, () => true);
    expect(stream.status).toBe(400);
    expect(stream.body.error.code).toBe('invalid-params');
    // Nothing reached the host: the system is still up and the unit list is intact.
    expect((await host.debian.exec(['systemctl', 'is-system-running'])).stdout.trim()).toMatch(/running|degraded/);
  });

  it('relays only download streams, and checks modules and streams by name', async () => {
    const upload = await host.api.get(`/api/hosts/${host.hostId}/streams/file/upload?params=%7B%7D`);
    expect(upload.body.error.code).toBe('not-supported');
    expect((await host.api.get(`/api/hosts/${host.hostId}/streams/nope/follow`)).body.error.code).toBe('unknown-module');
    // A stream that changes the host is never opened by a GET (a link or an <img> cannot install anything).
    const byGet = await host.api.get(`/api/hosts/${host.hostId}/streams/package/install?params=${encodeURIComponent('{"names":["hello"]}')}`);
    expect(byGet.status).toBe(400);
    expect(byGet.body.error.message).toMatch(/POST/);
    // …and a POST from a foreign origin is refused before anything runs.
    const foreign = await host.api.request('POST', `/api/hosts/${host.hostId}/streams/package/refresh`, undefined, { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect((await host.api.get(`/api/hosts/${host.hostId}/streams/service/constructor`)).body.error.code).toBe('unknown-method');
    expect((await host.api.get(`/api/hosts/${host.hostId}/streams/service/follow?params=%7Bnot-json`)).body.error.code).toBe('invalid-params');
  });

  it('lets a viewer read and follow but not start, a system operator start, and audits the follow', async () => {
    const viewer = await userWithRole(host.console, 'vera', 'viewer');
    const operator = await userWithRole(host.console, 'otto', 'system-operator');
    expect((await viewer.call(host.hostId, 'service', 'list')).status).toBe(200);
    const refused = await viewer.call(host.hostId, 'service', 'start', { unit });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
    expect(await isActive()).not.toBe('active');
    const session = (await viewer.get('/api/session')).body;
    expect(session.user?.permissions ?? session.permissions).toContain('service.read');
    expect(session.user?.permissions ?? session.permissions).not.toContain('service.control');
    const started = await operator.call(host.hostId, 'service', 'start', { unit });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    expect(await isActive()).toBe('active');
    await operator.call(host.hostId, 'service', 'stop', { unit });
    // The follow stream: one entry when it was requested and one when it ended (cancelled by the reader).
    const audit = await host.api.get(`/api/audit?action=service.follow&limit=50`);
    const phases = audit.body.entries.map((e: any) => e.phase);
    expect(phases).toContain('requested');
    expect(phases).toContain('completed');
  });

  it("refuses to stop the agent's own unit", async () => {
    const agentUnit = (await host.debian.exec(['sh', '-c', 'systemctl list-units --type=service --no-legend | grep -o "gatehouse[^ ]*\\.service" | head -1'])).stdout.trim();
    expect(agentUnit).not.toBe('');
    // The list names it, so the page can leave out what would be refused.
    const list = await host.call('service', 'list', {});
    expect(list.body.result.agentUnit).toBe(agentUnit);
    const res = await host.call('service', 'stop', { unit: agentUnit });
    expect(res.body.error.code).toBe('forbidden');
    expect((await host.debian.exec(['systemctl', 'is-active', agentUnit])).stdout.trim()).toBe('active');
  });
});
