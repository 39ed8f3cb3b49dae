import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditTrail } from '../audit.js';
import { openSqliteStorage } from '../storage/sqlite.js';
import type { KyselyStorage } from '../storage/kysely-storage.js';
import { MaintenanceWindows, OPEN_WINDOWS_MAX } from './maintenance.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

const t0 = Date.parse('2026-11-24T08:00:00Z');
const hour = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();
const ana = { username: 'ana', address: '10.0.0.7' };

/** A clock the test moves by hand. */
function clock(start = t0) {
  const state = { now: start };
  return { now: () => state.now, set: (ms: number) => (state.now = ms), state };
}

async function open(dir?: string, at = clock()): Promise<{ windows: MaintenanceWindows; storage: KyselyStorage; dir: string; at: ReturnType<typeof clock>; close(): Promise<void> }> {
  const folder = dir ?? (await mkdtemp(join(tmpdir(), 'gh-maintenance-')));
  if (!dir) cleanups.push(() => rm(folder, { recursive: true, force: true }));
  const storage = await openSqliteStorage(join(folder, 'gatehouse.db'));
  const close = () => storage.close();
  cleanups.push(close);
  const windows = new MaintenanceWindows({ db: storage.db, audit: new AuditTrail(storage), now: at.now });
  await windows.start();
  return { windows, storage, dir: folder, at, close };
}

describe('maintenance windows', () => {
  it('silences a host, its tag group or its site only between from (inclusive) and to (exclusive)', async () => {
    const { windows } = await open();
    const host = await windows.create(ana, { scope: { kind: 'host', hostId: 'gw1' }, from: iso(t0), to: iso(t0 + 2 * hour), reason: 'PLC firmware update' });
    const group = await windows.create(ana, { scope: { kind: 'group', tag: 'chlorine' }, from: iso(t0 + hour), to: iso(t0 + 3 * hour), reason: 'dosing pump swap' });
    const site = await windows.create(ana, { scope: { kind: 'site', siteId: 'plant-1' }, from: iso(t0 + 4 * hour), to: iso(t0 + 5 * hour), reason: 'power work' });

    expect(host.id).toMatch(/^mw_/);
    expect(windows.activeFor({ hostId: 'gw1' }, [], t0)?.id).toBe(host.id);
    expect(windows.activeFor({ hostId: 'gw1' }, [], t0 - 1)).toBeNull();
    expect(windows.activeFor({ hostId: 'gw1' }, [], t0 + 2 * hour - 1)?.id).toBe(host.id);
    expect(windows.activeFor({ hostId: 'gw1' }, [], t0 + 2 * hour)).toBeNull();
    expect(windows.activeFor({ hostId: 'gw2' }, [], t0)).toBeNull();

    expect(windows.activeFor({ hostId: 'gw2' }, ['field-gateway', 'chlorine'], t0 + hour)?.id).toBe(group.id);
    expect(windows.activeFor({ hostId: 'gw2' }, ['field-gateway'], t0 + hour)).toBeNull();
    // In two windows at once: the one that lasts longer answers, so "paused until" is not cut short.
    expect(windows.activeFor({ hostId: 'gw1' }, ['chlorine'], t0 + 90 * 60_000)?.id).toBe(group.id);

    expect(windows.activeFor({ hostId: 'gw9', siteId: 'plant-1' }, [], t0 + 4 * hour)?.id).toBe(site.id);
    expect(windows.activeFor({ siteId: 'plant-1' }, [], t0 + 5 * hour)).toBeNull();
    expect(windows.activeFor({ siteId: 'plant-2' }, [], t0 + 4 * hour)).toBeNull();
    // A source without a site is not in a site's window; one without a host not in a host's.
    expect(windows.activeFor({}, [], t0 + 4 * hour)).toBeNull();
    expect(windows.activeFor({ siteId: 'gw1' }, [], t0)).toBeNull();
  });

  it('lists current, upcoming and past windows in a useful order, and keeps them across a restart', async () => {
    const first = await open();
    const a = await first.windows.create(ana, { scope: { kind: 'host', hostId: 'gw1' }, from: iso(t0 - hour), to: iso(t0 + 3 * hour), reason: 'a' });
    const b = await first.windows.create(ana, { scope: { kind: 'host', hostId: 'gw2' }, from: iso(t0 - hour), to: iso(t0 + hour), reason: 'b' });
    const c = await first.windows.create(ana, { scope: { kind: 'site', siteId: 'plant-1' }, from: iso(t0 + 5 * hour), to: iso(t0 + 6 * hour), reason: 'c' });
    const d = await first.windows.create(ana, { scope: { kind: 'group', tag: 'pumps' }, from: iso(t0 + 2 * hour), to: iso(t0 + 6 * hour), reason: 'd' });

    expect(first.windows.list({ state: 'current' }).map((w) => w.id)).toEqual([b.id, a.id]);
    expect(first.windows.list({ state: 'upcoming' }).map((w) => w.id)).toEqual([d.id, c.id]);
    expect(first.windows.list({ state: 'past' })).toEqual([]);

    first.at.set(t0 + 4 * hour);
    expect(first.windows.list({ state: 'current' }).map((w) => w.id)).toEqual([d.id]);
    expect(first.windows.list({ state: 'past' }).map((w) => w.id)).toEqual([a.id, b.id]);
    expect(first.windows.list().map((w) => w.id)).toEqual([d.id, c.id, a.id, b.id]);
    await first.close();

    const again = await open(first.dir, first.at);
    expect(again.windows.list().map((w) => w.id)).toEqual([d.id, c.id, a.id, b.id]);
    expect(again.windows.list({ state: 'upcoming' })[0]).toEqual(c);
    expect(again.windows.activeFor({ hostId: 'x' }, ['pumps'], t0 + 4 * hour)?.reason).toBe('d');
  });

  it('ends a running window now and deletes an upcoming one, auditing both', async () => {
    const { windows, storage, at } = await open();
    const running = await windows.create(ana, { scope: { kind: 'host', hostId: 'gw1' }, from: iso(t0), to: iso(t0 + 2 * hour), reason: 'valve work' });
    const upcoming = await windows.create(ana, { scope: { kind: 'site', siteId: 'plant-1' }, from: iso(t0 + 3 * hour), to: iso(t0 + 4 * hour), reason: 'later' });
    at.set(t0 + 30 * 60_000);

    const ended = await windows.end(ana, running.id);
    expect(ended.to).toBe(iso(t0 + 30 * 60_000));
    expect(windows.activeFor({ hostId: 'gw1' }, [], t0 + 30 * 60_000)).toBeNull();
    // What happened before the end was still inside it.
    expect(windows.activeFor({ hostId: 'gw1' }, [], t0 + 10 * 60_000)?.id).toBe(running.id);
    expect(windows.list({ state: 'past' }).map((w) => w.id)).toEqual([running.id]);

    expect((await windows.end(ana, upcoming.id)).id).toBe(upcoming.id);
    expect(windows.list()).toHaveLength(1);
    await expect(windows.end(ana, upcoming.id)).rejects.toMatchObject({ code: 'not-found' });
    await expect(windows.end(ana, running.id)).rejects.toMatchObject({ code: 'conflict' });

    const audit = (await storage.queryAudit({ limit: 10 })).filter((e) => e.action.startsWith('alarm.maintenance.'));
    expect(audit.map((e) => [e.action, e.user, e.address, e.phase, e.result]).reverse()).toEqual([
      ['alarm.maintenance.create', 'ana', '10.0.0.7', 'event', 'ok'],
      ['alarm.maintenance.create', 'ana', '10.0.0.7', 'event', 'ok'],
      ['alarm.maintenance.end', 'ana', '10.0.0.7', 'event', 'ok'],
      ['alarm.maintenance.end', 'ana', '10.0.0.7', 'event', 'ok'],
    ]);
    expect(audit.at(-1)?.hostId).toBe('gw1');
    expect(audit.at(-1)?.detail).toContain('valve work');
    expect(audit[0]?.detail).toContain('cancelled before it started');

    // Two "End now" clicks at once: one ends it, the other is told so, and only one is audited.
    const twice = await windows.create(ana, { scope: { kind: 'host', hostId: 'gw3' }, from: iso(t0), to: iso(t0 + hour), reason: 'twice' });
    const outcomes = await Promise.allSettled([windows.end(ana, twice.id), windows.end(ana, twice.id)]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(outcomes.find((o) => o.status === 'rejected')).toMatchObject({ reason: { code: 'conflict' } });
    expect((await storage.queryAudit({ limit: 10 })).filter((e) => e.action === 'alarm.maintenance.end' && e.detail?.startsWith(twice.id))).toHaveLength(1);

    // A restart sees the early ends, and not the deleted window.
    await windows.start();
    expect(windows.list().map((w) => [w.id, w.to]).sort()).toEqual(
      [
        [running.id, iso(t0 + 30 * 60_000)],
        [twice.id, iso(t0 + 30 * 60_000)],
      ].sort(),
    );
  });

  it('refuses bad requests with invalid-params naming the key, and stores nothing', async () => {
    const { windows } = await open();
    const ok = { scope: { kind: 'host', hostId: 'gw1' }, from: iso(t0), to: iso(t0 + hour), reason: 'work' };
    const refused = async (request: unknown, key: string) => {
      const error = await windows.create(ana, request).then(
        () => null,
        (err: unknown) => err,
      );
      expect(error).toMatchObject({ code: 'invalid-params' });
      expect((error as Error).message.startsWith(`${key}:`)).toBe(true);
    };
    await refused({ ...ok, scope: { kind: 'planet', name: 'earth' } }, 'scope.kind');
    await refused({ ...ok, scope: { kind: 'host' } }, 'scope.hostId');
    await refused({ ...ok, scope: { kind: 'group', tag: '../etc' } }, 'scope.tag');
    await refused({ ...ok, scope: { kind: 'site', siteId: 'plant-1', hostId: 'gw1' } }, 'scope');
    await refused({ ...ok, to: iso(t0 - hour) }, 'to');
    await refused({ ...ok, to: ok.from }, 'to');
    await refused({ ...ok, to: iso(t0 + 40 * 24 * hour) }, 'to');
    await refused({ ...ok, from: '2026-11-24 08:00' }, 'from');
    await refused({ ...ok, from: iso(t0 - 3 * hour), to: iso(t0 - hour) }, 'to'); // ends in the past
    await refused({ ...ok, reason: '   ' }, 'reason');
    await refused({ ...ok, reason: 'x'.repeat(1001) }, 'reason');
    await refused({ ...ok, extra: true }, 'body');
    await refused(null, 'body');
    await refused('{"scope":1}', 'body');
    expect(windows.list()).toEqual([]);
    await expect(windows.end(ana, 'mw_nothing')).rejects.toMatchObject({ code: 'not-found' });
  });

  it('keeps a reason with control characters as plain text (pages render it as text)', async () => {
    const { windows } = await open();
    const reason = 'pump\u0000 \u001b[31mred\u001b[0m <script>alert(1)</script>';
    const window = await windows.create(ana, { scope: { kind: 'host', hostId: 'gw1' }, from: iso(t0), to: iso(t0 + hour), reason });
    await windows.start();
    expect(windows.list()[0]?.reason).toBe(window.reason);
  });

  it('keeps only the 200 most recently ended windows in memory', async () => {
    const { windows, at } = await open();
    for (let i = 0; i < 205; i += 1) {
      await windows.create(ana, { scope: { kind: 'host', hostId: `gw${i}` }, from: iso(t0), to: iso(t0 + (i + 1) * 60_000), reason: `w${i}` });
    }
    at.set(t0 + 24 * hour);
    const past = windows.list({ state: 'past' });
    expect(past).toHaveLength(200);
    expect(past[0]?.reason).toBe('w204');
    expect(past.at(-1)?.reason).toBe('w5');
    await windows.start();
    expect(windows.list({ state: 'past' })).toHaveLength(200);
  });

  it('bounds how many windows may be open at once', async () => {
    const { windows } = await open();
    for (let i = 0; i < OPEN_WINDOWS_MAX; i += 1) {
      await windows.create(ana, { scope: { kind: 'host', hostId: `gw${i}` }, from: iso(t0 + hour), to: iso(t0 + 2 * hour), reason: `w${i}` });
    }
    const more = { scope: { kind: 'host', hostId: 'gw-extra' }, from: iso(t0 + hour), to: iso(t0 + 2 * hour), reason: 'one more' };
    await expect(windows.create(ana, more)).rejects.toMatchObject({ code: 'conflict' });
    await windows.end(ana, windows.list({ state: 'upcoming' })[0]?.id ?? '');
    await expect(windows.create(ana, more)).resolves.toMatchObject({ reason: 'one more' });
  });
});
