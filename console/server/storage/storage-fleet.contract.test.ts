/**
 * The storage contract, continued: what the console keeps about its fleet beyond hosts themselves — SSH targets,
 * drift baselines and metrics history — run against every backend like storage.contract.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MetricValues } from '../../../modules/metrics/series.js';
import { againstSqlite, at, HOUR, host, NOW, sshTarget, token, type StorageUnderTest } from './storage-contract-support.js';
import type { HostRecord, MetricsInput, Storage } from './types.js';

export function fleetStorageContract(name: string, open: () => Promise<StorageUnderTest>): void {
  describe(`storage contract (fleet): ${name}`, () => {
    let storage: Storage;

    beforeEach(async () => {
      storage = (await open()).storage;
    });
    afterEach(async () => {
      await storage.close();
    });

    describe('drift baselines', () => {
      it('keeps one baseline per host, replaced by the next approval', async () => {
        expect(await storage.findBaseline('h1')).toBeUndefined();
        const first = { hostId: 'h1', facts: '{"facts":{}}', digest: `sha256:${'a'.repeat(64)}`, approvedBy: 'admin', approvedAt: at(0) };
        await storage.saveBaseline(first);
        expect(await storage.findBaseline('h1')).toEqual(first);
        const second = { ...first, facts: '{"facts":{"hostname":{"hostname":"x"}}}', digest: `sha256:${'b'.repeat(64)}`, approvedBy: 'rita', approvedAt: at(1) };
        await storage.saveBaseline(second);
        expect(await storage.findBaseline('h1')).toEqual(second);
        expect(await storage.findBaseline('h2')).toBeUndefined();
      });
    });

    describe('SSH hosts', () => {
      const sshHost = (id: string): HostRecord => ({ ...host(id, `ssh:${id}`), state: 'approved', connection: 'ssh' });

      it('creates the host and its target together, finds, lists and re-pins', async () => {
        await storage.createSshHost(sshHost('hs1'), sshTarget('hs1'));
        expect(await storage.findHost('hs1')).toMatchObject({ connection: 'ssh', publicKey: 'ssh:hs1' });
        expect(await storage.findSshTarget('hs1')).toEqual(sshTarget('hs1'));
        await storage.updateSshTarget('hs1', { hostKeyFingerprint: `SHA256:${'B'.repeat(43)}`, hostKeyType: 'ssh-rsa' });
        expect(await storage.listSshTargets()).toEqual([sshTarget('hs1', { hostKeyFingerprint: `SHA256:${'B'.repeat(43)}`, hostKeyType: 'ssh-rsa' })]);
      });

      it('refuses a second registration of one login on one server, leaving no host behind', async () => {
        await storage.createSshHost(sshHost('hs1'), sshTarget('hs1'));
        await expect(storage.createSshHost(sshHost('hs2'), sshTarget('hs2'))).rejects.toThrow();
        expect(await storage.findHost('hs2')).toBeUndefined();
      });

      it('forgets an SSH-only host with its target, but only the target of a host that has an agent', async () => {
        await storage.createSshHost(sshHost('hs1'), sshTarget('hs1'));
        await storage.createSshHost(sshHost('hs2'), sshTarget('hs2', { port: 2222 }));
        await storage.createEnrollmentToken(token('t1', { forHost: 'hs2' }));
        expect(await storage.convertToAgentHost('hs2', 'agent-key', 't1', at(1))).toBe(true);
        await storage.deleteSshTarget('hs1');
        await storage.deleteSshTarget('hs2');
        expect(await storage.findHost('hs1')).toBeUndefined();
        expect(await storage.findHost('hs2')).toMatchObject({ connection: 'agent', publicKey: 'agent-key', state: 'approved', enrolledWithToken: 't1' });
        expect(await storage.listSshTargets()).toEqual([]);
      });

      it('turns an SSH host into an agent host once per token, and only with a token issued for it', async () => {
        await storage.createSshHost(sshHost('hs1'), sshTarget('hs1'));
        await storage.createEnrollmentToken(token('t1', { forHost: 'hs1' }));
        await storage.createEnrollmentToken(token('t2'));
        expect(await storage.convertToAgentHost('hs1', 'agent-key', 't2', at(1))).toBe(false);
        expect(await storage.findHost('hs1')).toMatchObject({ connection: 'ssh' });
        expect(await storage.convertToAgentHost('hs1', 'agent-key', 't1', at(1))).toBe(true);
        expect(await storage.convertToAgentHost('hs1', 'other-key', 't1', at(2))).toBe(false);
        expect(await storage.findHostByPublicKey('agent-key')).toMatchObject({ id: 'hs1', connection: 'agent' });
        expect(await storage.findEnrollmentToken('t1')).toMatchObject({ usedByHost: 'hs1', forHost: 'hs1' });
      });
    });

    describe('metrics history', () => {
      const values = (cpu: number): MetricValues => ({ cpu, memory: 50, swap: 0, load1: cpu / 100, diskRead: 1000, diskWrite: 2000, netRx: 3, netTx: 4, diskWorst: 70 });
      const sample = (atMs: number, cpu: number): MetricsInput => ({
        atMs,
        values: values(cpu),
        sample: {
          at: new Date(atMs).toISOString(), cpu: { total: cpu, perCore: [cpu] }, load: [cpu / 100, 0, 0],
          memory: { total: 100, used: 50, available: 50, swapTotal: 0, swapUsed: 0 },
          disks: [{ mount: '/srv/"ü"', fs: 'ext4', total: 10, used: 7, readBytesPerSec: 1000, writeBytesPerSec: 2000 }],
          network: [{ interface: 'eth0', rxBytesPerSec: 3, txBytesPerSec: 4 }], temperatures: [], uptimeSeconds: 5,
        },
      });
      // An hour boundary, so samples fall into two minutes of one hour.
      const base = Math.floor(NOW / HOUR) * HOUR;

      it('stores samples, skips replays, and rolls them up into minutes and hours', async () => {
        expect(await storage.appendMetrics('h1', [sample(base, 10), sample(base + 10_000, 30), sample(base + 60_000, 20)])).toBe(3);
        // The agent replays after a reconnect: the same times again add nothing, not even to the rollups.
        expect(await storage.appendMetrics('h1', [sample(base + 10_000, 99), sample(base + 70_000, 40)])).toBe(1);
        await storage.appendMetrics('h2', [sample(base, 90)]);

        const raw = await storage.queryMetrics('h1', 'raw', base, base + HOUR);
        expect(raw.map((p) => [p.atMs, p.avg.cpu])).toEqual([[base, 10], [base + 10_000, 30], [base + 60_000, 20], [base + 70_000, 40]]);

        const minutes = await storage.queryMetrics('h1', 'minute', base, base + HOUR);
        expect(minutes.map((m) => [m.atMs, m.count, m.min.cpu, m.avg.cpu, m.max.cpu])).toEqual([
          [base, 2, 10, 20, 30],
          [base + 60_000, 2, 20, 30, 40],
        ]);
        const hours = await storage.queryMetrics('h1', 'hour', base - HOUR, base + HOUR);
        expect(hours).toHaveLength(1);
        expect(hours[0]).toMatchObject({ atMs: base, count: 4, min: { cpu: 10 }, avg: { cpu: 25 }, max: { cpu: 40 } });
        expect(hours[0]?.avg.diskWrite).toBe(2000);
        // The range is half-open and per host.
        expect(await storage.queryMetrics('h1', 'raw', base + 10_000, base + 60_000)).toHaveLength(1);
        expect(await storage.queryMetrics('h3', 'raw', base, base + HOUR)).toEqual([]);
      });

      it('keeps the newest whole sample per host, not pushed back by a replayed older one', async () => {
        await storage.appendMetrics('h1', [sample(base + 20_000, 5)]);
        await storage.appendMetrics('h1', [sample(base, 7)]);
        await storage.appendMetrics('h2', [sample(base, 8)]);
        const latest = await storage.latestMetrics();
        expect(latest.map((l) => [l.hostId, l.atMs, l.sample.cpu.total])).toEqual([['h1', base + 20_000, 5], ['h2', base, 8]]);
        expect(latest[0]?.sample.disks[0]?.mount).toBe('/srv/"ü"');
      });

      it('prunes each resolution by its own retention', async () => {
        await storage.appendMetrics('h1', [sample(base - 2 * HOUR, 1), sample(base, 2)]);
        const deleted = await storage.pruneMetrics({ raw: base - HOUR, minute: base - HOUR, hour: base - 3 * HOUR });
        expect(deleted).toEqual({ raw: 1, minute: 1, hour: 0 });
        expect(await storage.queryMetrics('h1', 'raw', 0, base + HOUR)).toHaveLength(1);
        expect(await storage.queryMetrics('h1', 'hour', 0, base + HOUR)).toHaveLength(2);
      });
    });

  });
}

againstSqlite(fleetStorageContract);
