import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TagSample } from '../../../modules/kernel/telemetry.js';
import { openStore, tempDataDir, type OpenStore } from './test-support.js';
import { startTelemetryUpkeep } from './upkeep.js';

const stream = 'a1b2c3d4';
const minute = 60_000;
const hour = 3_600_000;
const day = 86_400_000;
const t0 = Date.UTC(2026, 10, 24, 6, 0, 0);

let data: Awaited<ReturnType<typeof tempDataDir>>;
let o: OpenStore;
let seq = 0;

beforeEach(async () => {
  data = await tempDataDir();
  // The embedded default: the store writes through prepared statements on the SQLite handle.
  o = await openStore(data.file, 'sqlite');
  seq = 0;
});
afterEach(async () => {
  await o.close();
  await data.remove();
});

/** Send samples as an agent would: in batches of at most 1000, sequence numbers going up. */
async function send(samples: TagSample[]): Promise<void> {
  for (let i = 0; i < samples.length; i += 1000) await o.store.ingest('gw1', stream, [{ seq: seq++, samples: samples.slice(i, i + 1000) }]);
}

async function table(name: 'telemetry_minute' | 'telemetry_hour') {
  const rows = await o.tables.selectFrom(name).selectAll().orderBy('tag_id').orderBy('at').execute();
  return rows.map((r) => ({ ...r, at: Number(r.at) }));
}

describe('telemetry rollups', () => {
  it('keeps count, good count, min, average and max per minute and per hour, aligned to UTC', async () => {
    // flow: 1..6 every 10 s in 06:00, one of them stale; then 10 and 20 in 06:01. One comm-fault without a value.
    await send([
      ...[1, 2, 3, 4, 5, 6].map((v, i): TagSample => ({ tag: 'flow', ts: t0 + i * 10_000, value: v, quality: i === 2 ? 'stale' : 'good' })),
      { tag: 'flow', ts: t0 + minute + 5000, value: 10, quality: 'good' },
      { tag: 'flow', ts: t0 + minute + 15_000, value: 20, quality: 'good' },
      { tag: 'flow', ts: t0 + minute + 25_000, value: null, quality: 'comm-fault' },
    ]);
    expect(await o.store.rollup(t0 + 2 * hour)).toEqual({ minutes: 2, hours: 1 });
    const minutes = await table('telemetry_minute');
    expect(minutes.map(({ at, count, good_count, value_count, min, avg, max }) => ({ at, count, good_count, value_count, min, avg, max }))).toEqual([
      { at: t0, count: 6, good_count: 5, value_count: 6, min: 1, avg: 3.5, max: 6 },
      { at: t0 + minute, count: 3, good_count: 2, value_count: 2, min: 10, avg: 15, max: 20 },
    ]);
    const [h] = await table('telemetry_hour');
    expect(h).toMatchObject({ at: t0, count: 9, good_count: 7, value_count: 8, min: 1, max: 20 });
    expect(h!.avg).toBeCloseTo((1 + 2 + 3 + 4 + 5 + 6 + 10 + 20) / 8, 10);
  });

  it('is idempotent, leaves the running minute for later, and folds in late samples', async () => {
    await send([0, 1, 2].map((m): TagSample => ({ tag: 'level', ts: t0 + m * minute, value: m, quality: 'good' })));
    const now = t0 + 2 * minute + 30_000; // 06:02 is still running; the 06:00 hour too.
    expect(await o.store.rollup(now)).toEqual({ minutes: 2, hours: 0 });
    const once = { m: await table('telemetry_minute'), h: await table('telemetry_hour') };
    expect(once.m.map((r) => r.at)).toEqual([t0, t0 + minute]);
    expect(await o.store.rollup(now)).toEqual({ minutes: 0, hours: 0 });
    expect({ m: await table('telemetry_minute'), h: await table('telemetry_hour') }).toEqual(once);

    // A backlog replayed after a cut lands in 06:00, already rolled up: that minute is recomputed, not added to.
    await send([{ tag: 'level', ts: t0 + 30_000, value: 100, quality: 'good' }]);
    expect(await o.store.rollup(t0 + hour + 1000)).toEqual({ minutes: 2, hours: 1 });
    expect((await table('telemetry_minute')).map((r) => [r.at, r.count, r.max])).toEqual([
      [t0, 2, 100],
      [t0 + minute, 1, 1],
      [t0 + 2 * minute, 1, 2],
    ]);
    expect((await table('telemetry_hour')).map((r) => [r.at, r.count, r.avg])).toEqual([[t0, 4, (0 + 100 + 1 + 2) / 4]]);
    expect(await o.store.rollup(t0 + hour + 1000)).toEqual({ minutes: 0, hours: 0 });
  });

  it('prunes each resolution by its own retention', async () => {
    const now = t0 + 100 * day;
    await send([
      { tag: 'ph', ts: now - 95 * day, value: 7, quality: 'good' },
      { tag: 'ph', ts: now - 8 * day, value: 7.1, quality: 'good' },
      { tag: 'ph', ts: now - 1 * day, value: 7.2, quality: 'good' },
    ]);
    await o.store.rollup(now);
    expect(await o.store.prune(now)).toEqual({ raw: 2, minute: 1, hour: 0, losses: 0 });
    expect((await o.tables.selectFrom('telemetry_raw').select('value').execute()).map((r) => r.value)).toEqual([7.2]);
    expect((await table('telemetry_minute')).map((r) => r.avg)).toEqual([7.1, 7.2]);
    expect((await table('telemetry_hour')).map((r) => r.avg)).toEqual([7, 7.1, 7.2]);
    expect(await o.store.prune(now, { hourDays: 30 })).toEqual({ raw: 0, minute: 0, hour: 1, losses: 0 });
    expect(await o.store.prune(now)).toEqual({ raw: 0, minute: 0, hour: 0, losses: 0 });
  });
});

describe('telemetry upkeep', () => {
  it('rolls up on its own timer until stopped', async () => {
    const now = Date.now();
    await send([{ tag: 'level', ts: now - 5 * minute, value: 1, quality: 'good' }]);
    const stop = startTelemetryUpkeep(o.store, { rollupEveryMs: 50 });
    try {
      for (let i = 0; i < 400 && (await table('telemetry_minute')).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    } finally {
      await stop();
    }
    expect((await table('telemetry_minute')).map((r) => [r.count, r.avg])).toEqual([[1, 1]]);
  });
});

describe('telemetry trends', () => {
  // Three hours of one tag at 1 s, a ramp 0..10799, from 06:00.
  const ramp = (): TagSample[] => Array.from({ length: 3 * 3600 }, (_, i) => ({ tag: 'flow', ts: t0 + i * 1000, value: i, quality: 'good' }));

  it('picks raw, minute or hour so each series stays under maxPoints, and agrees before and after the rollup', async () => {
    await send(ramp());
    await send([{ tag: 'pump.running', ts: t0, value: true, quality: 'good' }]);
    const now = t0 + 3 * hour;

    const recent = await o.store.trend('gw1', ['flow', 'pump.running', 'never.sent'], now - 10 * minute, now, 2000, now);
    expect(recent.resolution).toBe('raw');
    expect(recent.series.map((s) => [s.tag, s.points.length])).toEqual([['flow', 600], ['pump.running', 0], ['never.sent', 0]]);
    expect(recent.series[0]!.points[0]).toEqual({ ts: now - 10 * minute, value: 10200, quality: 'good' });

    // Not rolled up yet: minute buckets come from raw on the fly.
    const before = await o.store.trend('gw1', ['flow'], t0, now, 2000, now);
    expect(before.resolution).toBe('minute');
    expect(before.series[0]!.points).toHaveLength(180);
    expect(before.series[0]!.points[1]).toEqual({ ts: t0 + minute, value: 89.5, min: 60, max: 119, quality: 'good' });
    await o.store.rollup(now);
    expect(await o.store.trend('gw1', ['flow'], t0, now, 2000, now)).toEqual(before);

    const coarse = await o.store.trend('gw1', ['flow'], t0, now, 100, now);
    expect(coarse.resolution).toBe('hour');
    expect(coarse.series[0]!.points.map((p) => [p.ts, p.value, p.min, p.max])).toEqual([
      [t0, 1799.5, 0, 3599],
      [t0 + hour, 5399.5, 3600, 7199],
      [t0 + 2 * hour, 8999.5, 7200, 10799],
    ]);

    // Two years in 100 points: hours merged into wider steps.
    const long = await o.store.trend('gw1', ['flow'], now - 729 * day, now, 100, now);
    expect(long.resolution).toBe('hour');
    expect(long.series[0]!.points).toHaveLength(1);
    expect(long.series[0]!.points[0]!.value).toBeCloseTo(5399.5, 6);
  });

  it('refuses more than 16 tags, bad names, and empty ranges', async () => {
    const tags = Array.from({ length: 17 }, (_, i) => `t${i}`);
    await expect(o.store.trend('gw1', tags, t0, t0 + hour)).rejects.toMatchObject({ code: 'invalid-params' });
    await expect(o.store.trend('gw1', ['=cmd'], t0, t0 + hour)).rejects.toMatchObject({ code: 'invalid-params' });
    await expect(o.store.trend('gw1', ['flow'], t0, t0)).rejects.toMatchObject({ code: 'invalid-params' });
    await expect(o.store.trend('gw1', ['flow'], t0, t0 + hour, 0)).rejects.toMatchObject({ code: 'invalid-params' });
  });
});
