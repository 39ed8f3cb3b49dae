/**
 * Metrics end to end: a real console and agent on this machine (reading figures is read-only, so this machine
 * is fine) — samples arrive unprompted and the history answers — and the snapshot inside the nspawn Debian host.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/console.js';
import { startFleet, type Fleet } from '../support/fleet.js';
import { debianHostAvailable, startManagedHost, type ManagedHost } from '../support/managed-host.js';

const hostile = ['-rf', ';reboot', '$(id)', '../x', 'a\nb', 'x'.repeat(10_000), 'ü'];

describe('metrics on a console with a local agent', () => {
  let fleet: Fleet;
  beforeAll(async () => {
    fleet = await startFleet({ name: 'metrics-host' });
  }, 60_000);
  afterAll(async () => {
    await fleet?.stop();
  });

  it('answers a snapshot with the figures other checks rely on', async () => {
    const res = await fleet.api.call(fleet.hostId, 'metrics', 'snapshot', {});
    expect(res.status).toBe(200);
    const snapshot = res.body.result;
    expect(snapshot.cpu.total).toBeGreaterThanOrEqual(0);
    expect(snapshot.cpu.perCore.length).toBeGreaterThan(0);
    expect(snapshot.load).toHaveLength(3);
    expect(snapshot.memory.total).toBeGreaterThan(snapshot.memory.used);
    expect(snapshot.disks.find((d: { mount: string }) => d.mount === '/')).toMatchObject({ fs: expect.any(String), total: expect.any(Number) });
    expect(Array.isArray(snapshot.network)).toBe(true);
    expect(snapshot.uptimeSeconds).toBeGreaterThan(0);
  });

  it('answers the inventory', async () => {
    const res = await fleet.api.call(fleet.hostId, 'metrics', 'inventory', {});
    expect(res.status).toBe(200);
    expect(res.body.result.os.kernel).not.toBe('');
    expect(res.body.result.cpu.cores).toBeGreaterThan(0);
    expect(res.body.result.memory.total).toBeGreaterThan(0);
  });

  it('stores the samples the agent pushes every 10 s and answers history and the fleet overview', async () => {
    const history = await waitFor(
      'a metrics sample in the history',
      async () => {
        const res = await fleet.api.get(`/api/hosts/${fleet.hostId}/metrics?range=1h&series=cpu,memory,diskWorst`);
        return res.status === 200 && res.body.t.length >= 1 ? res.body : undefined;
      },
      30_000,
    );
    expect(Object.keys(history.series).sort()).toEqual(['cpu', 'diskWorst', 'memory']);
    expect(history.series.memory.avg[0]).toBeGreaterThan(0);
    expect(history.t[0]).toBeGreaterThan(Date.now() / 1000 - 3600);
    expect(history.latest.memory.total).toBeGreaterThan(0);
    for (const range of ['24h', '7d', '30d']) {
      const res = await fleet.api.get(`/api/hosts/${fleet.hostId}/metrics?range=${range}`);
      expect(res.status).toBe(200);
      expect(res.body.t.length).toBeGreaterThanOrEqual(1);
    }

    const overview = await fleet.api.get('/api/fleet/metrics');
    expect(overview.status).toBe(200);
    const row = overview.body.hosts.find((h: { hostId: string }) => h.hostId === fleet.hostId);
    expect(row).toMatchObject({ name: 'metrics-host', online: true, health: expect.stringMatching(/^(ok|warning|critical)$/) });
    expect(row.memory).toBeGreaterThan(0);
  }, 40_000);

  it('refuses hostile params and queries with invalid-params naming the field', async () => {
    for (const value of hostile) {
      const call = await fleet.api.call(fleet.hostId, 'metrics', 'snapshot', { mount: value });
      expect(call.status).toBe(400);
      expect(call.body.error.code).toBe('invalid-params');
      const range = await fleet.api.get(`/api/hosts/${fleet.hostId}/metrics?range=${encodeURIComponent(value)}`);
      expect(range.status).toBe(400);
      expect(range.body.error).toMatchObject({ code: 'invalid-params', message: expect.stringContaining('range') });
      const series = await fleet.api.get(`/api/hosts/${fleet.hostId}/metrics?series=${encodeURIComponent(value.slice(0, 150))}`);
      expect(series.status).toBe(400);
      expect(series.body.error).toMatchObject({ code: 'invalid-params', message: expect.stringContaining('series') });
    }
    expect((await fleet.api.get('/api/hosts/h_nosuchhost/metrics')).status).toBe(404);
  });
});

describe('metrics on an agent whose policy leaves the module out', () => {
  let fleet: Fleet;
  beforeAll(async () => {
    fleet = await startFleet({ name: 'no-metrics', policy: { modules: ['process'] } });
  }, 60_000);
  afterAll(async () => {
    await fleet?.stop();
  });

  it('refuses the snapshot with policy-denied, and the overview shows no figures for it', async () => {
    const res = await fleet.api.call(fleet.hostId, 'metrics', 'snapshot', {});
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('policy-denied');
    const overview = await fleet.api.get('/api/fleet/metrics');
    expect(overview.body.hosts.find((h: { hostId: string }) => h.hostId === fleet.hostId)).toMatchObject({ health: 'no-data', cpu: null });
  });
});

describe.skipIf(!debianHostAvailable().ok)(`metrics inside a Debian host (needs systemd-nspawn: ${debianHostAvailable().ok ? 'available' : 'missing'})`, () => {
  let host: ManagedHost;
  beforeAll(async () => {
    host = await startManagedHost({ name: 'gh-metrics' });
  }, 180_000);
  afterAll(async () => {
    await host?.stop();
  });

  it('answers a snapshot and the inventory from inside the container', async () => {
    const snapshot = await host.result('metrics', 'snapshot');
    expect(snapshot.memory.total).toBeGreaterThan(0);
    expect(snapshot.cpu.perCore.length).toBeGreaterThan(0);
    expect(snapshot.uptimeSeconds).toBeGreaterThanOrEqual(0);
    // What the agent reports is what the container's own /proc says.
    const [uptime] = (await host.debian.exec(['cat', '/proc/uptime'])).stdout.split(' ');
    expect(Math.abs(snapshot.uptimeSeconds - Number(uptime))).toBeLessThan(120);
    const inventory = await host.result('metrics', 'inventory');
    expect(inventory.os.codename).toBe('bookworm');
  }, 60_000);
});
