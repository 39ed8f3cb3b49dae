import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { Alarm, AlarmPriority, AlarmState, AlarmTransition } from '../../../modules/kernel/alarm-model.js';
import { alarmReportSchema } from '../../../modules/kernel/alarm-report.js';
import { migrateToLatest } from '../storage/migrate.js';
import { createSqliteKysely } from '../storage/sqlite.js';
import { computeAlarmReport } from './report.js';
import { chatterBursts, percentile } from './report-measures.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function openDb(): Promise<Kysely<any>> {
  const folder = await mkdtemp(join(tmpdir(), 'gh-alarm-report-'));
  cleanups.push(() => rm(folder, { recursive: true, force: true }));
  const db = createSqliteKysely(join(folder, 'gatehouse.db'));
  await migrateToLatest(db);
  cleanups.push(() => db.destroy());
  return db;
}

const t0 = Date.parse('2026-11-23T00:00:00Z');
const minute = 60_000;
const day = { from: t0, to: t0 + 24 * 60 * minute };

interface AlarmSetup {
  id: string;
  siteId?: string;
  priority?: AlarmPriority;
  state?: AlarmState;
  active?: boolean;
  raisedAt?: number;
  shelvedUntil?: number;
}

async function addAlarm(db: Kysely<any>, setup: AlarmSetup): Promise<void> {
  const alarm: Alarm = {
    id: setup.id,
    ruleId: setup.id.split('@')[0] ?? setup.id,
    state: setup.state ?? 'normal',
    active: setup.active ?? false,
    priority: setup.priority ?? 'low',
    kind: 'H',
    source: { hostId: 'gw1', siteId: setup.siteId ?? 'north' },
    message: `Message of ${setup.id}`,
    value: 1,
    limit: 1,
    raisedAt: new Date(setup.raisedAt ?? t0).toISOString(),
    clearedAt: null,
    acknowledgedAt: null,
    acknowledgedBy: null,
    shelvedUntil: setup.shelvedUntil === undefined ? null : new Date(setup.shelvedUntil).toISOString(),
  };
  await db
    .insertInto('alarms')
    .values({ id: alarm.id, rule_id: alarm.ruleId, state: alarm.state, alarm: JSON.stringify(alarm), core: '{}', updated_at: t0 })
    .execute();
}

async function addTransition(db: Kysely<any>, alarmId: string, at: number, t: Omit<AlarmTransition, 'at'>): Promise<void> {
  const transition = { at: new Date(at).toISOString(), ...t };
  await db.insertInto('alarm_transitions').values({ alarm_id: alarmId, at: transition.at, transition: JSON.stringify(transition) }).execute();
}

const raise = (db: Kysely<any>, id: string, at: number) => addTransition(db, id, at, { from: 'normal', to: 'unacknowledged', cause: 'condition-active', value: 1 });
const clearUnacknowledged = (db: Kysely<any>, id: string, at: number) =>
  addTransition(db, id, at, { from: 'unacknowledged', to: 'returned-unacknowledged', cause: 'condition-cleared', value: 0 });
const reraise = (db: Kysely<any>, id: string, at: number) =>
  addTransition(db, id, at, { from: 'returned-unacknowledged', to: 'unacknowledged', cause: 'condition-active', value: 1 });
const acknowledge = (db: Kysely<any>, id: string, at: number, user = 'ana') =>
  addTransition(db, id, at, { from: 'unacknowledged', to: 'acknowledged', cause: 'acknowledge', user });

describe('the alarm report', () => {
  it('reports an empty period as quiet: load verdicts ok, shares and acknowledge times too few to judge, a bar for each 10 minutes', async () => {
    const db = await openDb();
    const report = alarmReportSchema.parse(await computeAlarmReport(db, { ...day, now: day.to }));
    expect(report.totals.annunciated).toBe(0);
    expect(report.totals.byPriority.map((p) => [p.priority, p.count, p.guidePercent])).toEqual([
      ['critical', 0, 2.5],
      ['high', 0, 2.5],
      ['medium', 0, 15],
      ['low', 0, 80],
    ]);
    expect(report.rate.average.value).toBe(0);
    expect(report.rate.peak.value).toBe(0);
    expect(report.rate.floodPercent.value).toBe(0);
    expect(report.rate.floods).toEqual([]);
    expect(report.rate.series.bucketMs).toBe(10 * minute);
    expect(report.rate.series.points).toHaveLength(144);
    expect(report.frequent.top).toEqual([]);
    expect(report.chattering.alarms).toEqual([]);
    expect(report.acknowledge).toMatchObject({ acknowledged: 0, notAcknowledged: 0, median: { value: null }, p90: { value: null } });
    expect(report.operatorPositions).toBe(1);
    const verdicts = [report.rate.average, report.rate.peak, report.rate.floodPercent, report.chattering.count, report.now.standingCount, report.now.staleCount].map((m) => m.verdict);
    expect(new Set(verdicts)).toEqual(new Set(['ok']));
    const tooFew = [report.totals.highPriorityShare, report.frequent.topShare, report.acknowledge.median, report.acknowledge.p90].map((m) => m.verdict);
    expect(new Set(tooFew)).toEqual(new Set(['too-few']));
  });

  it('finds a flood: more than 10 alarms at one site in a 10-minute period, not at a quiet site', async () => {
    const db = await openDb();
    await db.insertInto('sites').values([{ id: 'north', name: 'North', created_at: '2026-01-01T00:00:00.000Z' }, { id: 'south', name: 'South', created_at: '2026-01-01T00:00:00.000Z' }]).execute();
    const start = t0 + 60 * minute; // 01:00, a period boundary
    for (let i = 0; i < 12; i += 1) {
      await addAlarm(db, { id: `r${i}@gw1`, siteId: 'north' });
      await raise(db, `r${i}@gw1`, start + i * 30_000);
    }
    // The flood carries on into the next period with 11 more, then stops.
    for (let i = 0; i < 11; i += 1) await raise(db, `r${i}@gw1`, start + 10 * minute + i * 30_000);
    await addAlarm(db, { id: 's1@gw9', siteId: 'south' });
    await raise(db, 's1@gw9', start);

    const report = await computeAlarmReport(db, { ...day, now: day.to });
    expect(report.operatorPositions).toBe(2);
    expect(report.totals.annunciated).toBe(24);
    expect(report.rate.peak).toMatchObject({ value: 12, verdict: 'attention' });
    expect(report.rate.floods).toEqual([{ start: '2026-11-23T01:00:00.000Z', end: '2026-11-23T01:20:00.000Z', count: 23, siteId: 'north' }]);
    // 2 flooded periods of 144 × 2 positions.
    expect(report.rate.floodPercent.value).toBeCloseTo((2 / 288) * 100, 2);
    expect(report.rate.floodPercent.verdict).toBe('ok');
    expect(report.rate.average.value).toBeCloseTo(24 / 144 / 2, 2);
    const busiest = report.rate.series.points.find((p) => p.at === '2026-11-23T01:00:00.000Z');
    expect(busiest).toEqual({ at: '2026-11-23T01:00:00.000Z', count: 13, peak: 12 });

    // Two operators sharing every alarm see half each: no flood.
    const pooled = await computeAlarmReport(db, { ...day, operators: 2, now: day.to });
    expect(pooled.positionsFrom).toBe('request');
    expect(pooled.rate.peak.value).toBe(6.5);
    expect(pooled.rate.floods).toEqual([]);

    // The quiet site alone.
    const south = await computeAlarmReport(db, { ...day, siteId: 'south', now: day.to });
    expect(south.totals.annunciated).toBe(1);
    expect(south.operatorPositions).toBe(1);
    expect(south.rate.floods).toEqual([]);
  });

  it('counts chattering bursts: three raises within 60 s, a long chatter being one burst', async () => {
    expect(chatterBursts([0, 20_000, 40_000])).toBe(1);
    expect(chatterBursts([0, 40_000, 90_000])).toBe(0);
    expect(chatterBursts([0, 10_000, 20_000, 30_000, 40_000, 50_000])).toBe(1);
    expect(chatterBursts([0, 10_000, 20_000, 200_000, 210_000, 220_000])).toBe(2);

    const db = await openDb();
    await addAlarm(db, { id: 'chatter@gw1' });
    await addAlarm(db, { id: 'slow@gw1' });
    let at = t0 + 5 * minute;
    for (let i = 0; i < 3; i += 1) {
      await (i === 0 ? raise(db, 'chatter@gw1', at) : reraise(db, 'chatter@gw1', at));
      await clearUnacknowledged(db, 'chatter@gw1', at + 5_000);
      at += 20_000;
    }
    for (let i = 0; i < 3; i += 1) await raise(db, 'slow@gw1', t0 + (10 + i * 5) * minute);
    const report = await computeAlarmReport(db, { ...day, now: day.to });
    expect(report.chattering.alarms).toEqual([
      { alarmId: 'chatter@gw1', message: 'Message of chatter@gw1', priority: 'low', siteId: 'north', bursts: 1, raised: 3 },
    ]);
    expect(report.chattering.count).toMatchObject({ value: 1, verdict: 'attention' });
    // Raised three times and never acknowledged is one wait, not three (and one for the slow alarm).
    expect(report.acknowledge.notAcknowledged).toBe(2);
  });

  it('ranks the ten most frequent alarms and their share of the load', async () => {
    const db = await openDb();
    // Alarm a0 sounds 12 times, a1 11 times, ... a11 once: 78 in all.
    for (let i = 0; i < 12; i += 1) {
      await addAlarm(db, { id: `a${i}@gw1`, priority: i === 0 ? 'high' : 'low' });
      for (let n = 0; n < 12 - i; n += 1) await raise(db, `a${i}@gw1`, t0 + n * 60 * minute + i * minute);
    }
    const report = await computeAlarmReport(db, { ...day, now: day.to });
    expect(report.totals.annunciated).toBe(78);
    expect(report.frequent.distinctAlarms).toBe(12);
    expect(report.frequent.top.map((a) => [a.alarmId, a.count])).toEqual(Array.from({ length: 10 }, (_, i) => [`a${i}@gw1`, 12 - i]));
    expect(report.frequent.top[0]?.percent).toBeCloseTo((12 / 78) * 100, 1);
    expect(report.frequent.topShare).toMatchObject({ value: Number((((78 - 3) / 78) * 100).toFixed(2)), verdict: 'bad' });
    expect(report.totals.byPriority.find((p) => p.priority === 'high')?.count).toBe(12);
    expect(report.totals.highPriorityShare).toMatchObject({ value: 15.38, verdict: 'attention' });
  });

  it('measures the time to acknowledge: median and 90th percentile, and waits that ended without one', async () => {
    expect(percentile([60, 120, 180, 240], 50)).toBe(150);
    expect(percentile([60, 120, 180, 240], 90)).toBeCloseTo(222, 6);
    expect(percentile([42], 90)).toBe(42);
    expect(percentile([], 50)).toBeNull();

    const db = await openDb();
    const waits = [60, 120, 180, 240];
    for (const [i, wait] of waits.entries()) {
      await addAlarm(db, { id: `w${i}@gw1` });
      await raise(db, `w${i}@gw1`, t0 + i * 60 * minute);
      await acknowledge(db, `w${i}@gw1`, t0 + i * 60 * minute + wait * 1000);
    }
    // Cleared before anyone looked, acknowledged later: the wait runs from the raise.
    await addAlarm(db, { id: 'cleared@gw1' });
    await raise(db, 'cleared@gw1', t0 + 600 * minute);
    await clearUnacknowledged(db, 'cleared@gw1', t0 + 601 * minute);
    await addTransition(db, 'cleared@gw1', t0 + 605 * minute, { from: 'returned-unacknowledged', to: 'normal', cause: 'acknowledge', user: 'ben' });
    // Shelved instead of acknowledged, then re-raised when the shelve ended: two waits, neither acknowledged.
    await addAlarm(db, { id: 'shelved@gw1' });
    await raise(db, 'shelved@gw1', t0 + 700 * minute);
    await addTransition(db, 'shelved@gw1', t0 + 701 * minute, { from: 'unacknowledged', to: 'shelved', cause: 'shelve', user: 'ana', comment: 'sensor fouled' });
    await addTransition(db, 'shelved@gw1', t0 + 761 * minute, { from: 'shelved', to: 'unacknowledged', cause: 'shelve-expired' });
    // Acknowledged after the period ends.
    await addAlarm(db, { id: 'late@gw1' });
    await raise(db, 'late@gw1', day.to - minute);
    await acknowledge(db, 'late@gw1', day.to + minute);
    // Raised before the period: its acknowledge inside says nothing about a wait.
    await addAlarm(db, { id: 'before@gw1' });
    await raise(db, 'before@gw1', t0 - minute);
    await acknowledge(db, 'before@gw1', t0 + minute);

    const report = await computeAlarmReport(db, { ...day, now: day.to });
    expect(report.totals.annunciated).toBe(8);
    expect(report.acknowledge.acknowledged).toBe(5);
    expect(report.acknowledge.notAcknowledged).toBe(3);
    expect(report.acknowledge.median).toMatchObject({ value: 180, verdict: 'ok' });
    expect(report.acknowledge.p90).toMatchObject({ value: 276, verdict: 'ok' });
  });

  it('lists standing, stale, shelved and out-of-service alarms as they are now, with who, why and until when', async () => {
    const db = await openDb();
    const now = day.to;
    await addAlarm(db, { id: 'old@gw1', state: 'acknowledged', active: true, raisedAt: now - 30 * 60 * minute });
    await addAlarm(db, { id: 'new@gw1', state: 'unacknowledged', active: true, raisedAt: now - 60 * minute });
    await addAlarm(db, { id: 'other-site@gw9', siteId: 'south', state: 'unacknowledged', active: true, raisedAt: now - 48 * 60 * minute });
    await addAlarm(db, { id: 'shelf@gw1', state: 'shelved', active: true, raisedAt: now - 120 * minute, shelvedUntil: now + 60 * minute });
    await addTransition(db, 'shelf@gw1', now - 120 * minute, { from: 'normal', to: 'unacknowledged', cause: 'condition-active' });
    await addTransition(db, 'shelf@gw1', now - 60 * minute, { from: 'unacknowledged', to: 'shelved', cause: 'shelve', user: 'ana', comment: 'valve being replaced' });
    await addAlarm(db, { id: 'oos@gw1', state: 'out-of-service', raisedAt: now - 20 * 24 * 60 * minute });
    await addTransition(db, 'oos@gw1', now - 10 * 24 * 60 * minute, { from: 'normal', to: 'out-of-service', cause: 'remove-from-service', user: 'ben', comment: 'transmitter broken' });
    await addAlarm(db, { id: 'quiet@gw1', state: 'normal' });

    const report = await computeAlarmReport(db, { ...day, siteId: 'north', now });
    expect(report.now.standing.map((a) => a.alarmId)).toEqual(['old@gw1', 'new@gw1']);
    expect(report.now.stale.map((a) => a.alarmId)).toEqual(['old@gw1']);
    expect(report.now.staleCount).toMatchObject({ value: 1, verdict: 'ok' });
    expect(report.now.shelved).toEqual([
      {
        alarmId: 'shelf@gw1',
        message: 'Message of shelf@gw1',
        priority: 'low',
        siteId: 'north',
        state: 'shelved',
        since: new Date(now - 60 * minute).toISOString(),
        by: 'ana',
        reason: 'valve being replaced',
        until: new Date(now + 60 * minute).toISOString(),
      },
    ]);
    expect(report.now.shelvedCount).toMatchObject({ value: 1, verdict: 'ok' });
    expect(report.now.outOfService.map((a) => [a.alarmId, a.by, a.reason, a.until])).toEqual([['oos@gw1', 'ben', 'transmitter broken', null]]);
    expect(report.now.outOfServiceCount.verdict).toBe('attention');

    const everywhere = await computeAlarmReport(db, { ...day, now });
    expect(everywhere.now.stale.map((a) => a.alarmId)).toEqual(['other-site@gw9', 'old@gw1']);
  });

  it('reads a period of many transitions page by page, whatever order they were written in', async () => {
    const db = await openDb();
    await addAlarm(db, { id: 'busy@gw1' });
    // 6,000 raises written newest first (as a replay after a network cut might), 10 s apart.
    const rows = Array.from({ length: 6000 }, (_, i) => {
      const at = new Date(day.to - (i + 1) * 10_000).toISOString();
      return { alarm_id: 'busy@gw1', at, transition: JSON.stringify({ at, from: 'normal', to: 'unacknowledged', cause: 'condition-active' }) };
    });
    for (let i = 0; i < rows.length; i += 500) await db.insertInto('alarm_transitions').values(rows.slice(i, i + 500)).execute();
    const report = await computeAlarmReport(db, { ...day, now: day.to });
    expect(report.totals.annunciated).toBe(6000);
    expect(report.rate.peak.value).toBe(60);
    expect(report.chattering.alarms[0]).toMatchObject({ alarmId: 'busy@gw1', bursts: 1, raised: 6000 });
  });

  it('counts a re-raise when a hold lifts as an annunciation, and leaves out what stays held', async () => {
    const db = await openDb();
    await addAlarm(db, { id: 'held@gw1' });
    await addTransition(db, 'held@gw1', t0 + minute, { from: 'normal', to: 'suppressed', cause: 'suppress' });
    await addTransition(db, 'held@gw1', t0 + 2 * minute, { from: 'suppressed', to: 'suppressed', cause: 'condition-active', value: 1 });
    await addTransition(db, 'held@gw1', t0 + 3 * minute, { from: 'suppressed', to: 'unacknowledged', cause: 'unsuppress' });
    const report = await computeAlarmReport(db, { ...day, now: day.to });
    expect(report.totals.annunciated).toBe(1);
    expect(report.acknowledge.notAcknowledged).toBe(1);
  });
});
