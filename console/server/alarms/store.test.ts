import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Alarm } from '../../../modules/kernel/alarm-model.js';
import { AckLinks } from '../notify/ack-link.js';
import { migrateToLatest } from '../storage/migrate.js';
import { createSqliteKysely } from '../storage/sqlite.js';
import { normalCore, transition } from './state-machine.js';
import { AlarmStore } from './store.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function openStore(dir?: string): Promise<{ store: AlarmStore; dir: string; close(): Promise<void> }> {
  const folder = dir ?? (await mkdtemp(join(tmpdir(), 'gh-alarms-')));
  if (!dir) cleanups.push(() => rm(folder, { recursive: true, force: true }));
  const db = createSqliteKysely(join(folder, 'gatehouse.db'));
  await migrateToLatest(db);
  const close = () => db.destroy();
  cleanups.push(close);
  return { store: new AlarmStore(db), dir: folder, close };
}

const raisedAt = Date.parse('2026-11-24T03:12:00Z');

function alarmFrom(id: string, core: ReturnType<typeof normalCore>): Alarm {
  return {
    id,
    ruleId: 'r-level-low',
    state: core.state,
    active: core.active,
    priority: 'high',
    kind: 'L',
    source: { hostId: 'h1', siteId: 'demo', tag: 'LT-201.level' },
    message: 'Clear-water tank level low',
    value: 0.4,
    limit: 0.5,
    raisedAt: new Date(core.raisedAt ?? raisedAt).toISOString(),
    clearedAt: core.clearedAt === null ? null : new Date(core.clearedAt).toISOString(),
    acknowledgedAt: core.acknowledgedAt === null ? null : new Date(core.acknowledgedAt).toISOString(),
    acknowledgedBy: core.acknowledgedBy,
    shelvedUntil: core.shelvedUntil === null ? null : new Date(core.shelvedUntil).toISOString(),
  };
}

describe('the alarm store', () => {
  it('keeps an alarm, its core and its transitions across a reopen, and lists only alarms that are not normal', async () => {
    const first = await openStore();
    const raised = transition(normalCore(), { type: 'condition-active', value: 0.4 }, raisedAt);
    await first.store.saveAlarm(alarmFrom('r-level-low@h1', raised.core), raised.core, raised.transitions);
    const acked = transition(raised.core, { type: 'acknowledge', user: 'ana', comment: 'on my way' }, raisedAt + 60_000);
    await first.store.saveAlarm(alarmFrom('r-level-low@h1', acked.core), acked.core, acked.transitions);
    await first.close();

    const again = await openStore(first.dir);
    const loaded = await again.store.loadAlarms();
    expect(loaded).toHaveLength(1);
    expect(loaded[0]?.core).toEqual(acked.core);
    expect((await again.store.currentAlarms()).map((a) => [a.id, a.state, a.acknowledgedBy])).toEqual([['r-level-low@h1', 'acknowledged', 'ana']]);
    const history = await again.store.history('r-level-low@h1');
    expect(history.map((t) => [t.from, t.to, t.cause, t.user])).toEqual([
      ['normal', 'unacknowledged', 'condition-active', undefined],
      ['unacknowledged', 'acknowledged', 'acknowledge', 'ana'],
    ]);

    const cleared = transition(acked.core, { type: 'condition-cleared', value: 0.9 }, raisedAt + 120_000);
    await again.store.saveAlarm(alarmFrom('r-level-low@h1', cleared.core), cleared.core, cleared.transitions);
    expect(await again.store.currentAlarms()).toEqual([]);
    expect(await again.store.history('r-level-low@h1')).toHaveLength(3);
  });

  it('keeps every notification attempt for its alarm, oldest first', async () => {
    const { store } = await openStore();
    const attempt = { notificationId: 'n1', alarmId: 'a1', event: 'raised' as const, channel: 'sms', recipient: 'Ana', attempt: 1, at: raisedAt, status: 'will-retry' as const, detail: 'gateway answered 503', nextAttemptAt: raisedAt + 30_000 };
    await store.record(attempt);
    await store.record({ ...attempt, attempt: 2, at: raisedAt + 30_000, status: 'delivered', detail: '200', nextAttemptAt: null });
    await store.record({ ...attempt, alarmId: 'a2' });
    expect((await store.forAlarm('a1')).map((a) => [a.attempt, a.status])).toEqual([
      [1, 'will-retry'],
      [2, 'delivered'],
    ]);
  });

  it('backs single-use acknowledge links: redeemed once, then refused', async () => {
    const { store } = await openStore();
    let now = raisedAt;
    const links = new AckLinks({ publicOrigin: 'https://console.example', store, now: () => now });
    const url = await links.createAckLink({ alarmId: 'r-level-low@h1', recipient: 'ana@example.org', expiresAt: raisedAt + 3_600_000 });
    const token = url.pathname.split('/').pop() ?? '';
    now += 60_000;
    expect(await links.redeemAckLink(token, now)).toEqual({ alarmId: 'r-level-low@h1', recipient: 'ana@example.org' });
    await expect(links.redeemAckLink(token, now)).rejects.toMatchObject({ code: 'conflict' });
    expect(await store.pruneAckLinks(raisedAt + 2 * 3_600_000)).toBe(1);
  });
});
