/**
 * Trend queries: one series per tag over a time range, at the finest resolution whose points per tag stay
 * under the caller's limit — raw samples, else minute rollups, else hour rollups (merged into wider steps when
 * even hours are too many). Buckets the roller has not reached yet (the running minute or hour, or marks left
 * by late samples) are computed from raw on the fly, so a trend never lags the roller.
 */
import { sql } from 'kysely';
import { bucketStart, hourMs, minuteMs } from '../metrics/rollup.js';
import type { TelemetryRetention } from './rollup.js';
import { qualityName, type RollupRow, type TelemetryDb } from './tables.js';

export type TrendResolution = 'raw' | 'minute' | 'hour';

export interface TrendPoint {
  /** Sample time, or the start of the bucket (ms since the epoch). */
  ts: number;
  /** The sample's value (booleans as 0/1), or the bucket's average; null when there was none. */
  value: number | null;
  min?: number;
  max?: number;
  /** A sample's quality; for a bucket, `good` (all samples good), `mixed`, or `bad` (none good). */
  quality?: string;
}

export interface Trend {
  resolution: TrendResolution;
  series: { tag: string; points: TrendPoint[] }[];
}

export const maxTrendTags = 16;
export const defaultTrendPoints = 2000;

const dayMs = 86_400_000;

/** `tags` are the requested names with their ids (undefined: the host never sent that tag, so no points). */
export async function queryTrend(
  db: TelemetryDb,
  hostId: string,
  tags: readonly { name: string; id: number | undefined }[],
  fromMs: number,
  toMs: number,
  maxPoints: number,
  now: number,
  retention: TelemetryRetention,
): Promise<Trend> {
  const known = tags.filter((t): t is { name: string; id: number } => t.id !== undefined);
  const span = toMs - fromMs;
  let resolution: TrendResolution;
  if (fromMs >= now - retention.rawDays * dayMs && (await rawFits(db, known, fromMs, toMs, maxPoints))) resolution = 'raw';
  else if (span / minuteMs <= maxPoints && fromMs >= now - retention.minuteDays * dayMs) resolution = 'minute';
  else resolution = 'hour';

  if (resolution === 'raw') {
    const series = [];
    for (const tag of tags) {
      const rows = tag.id === undefined ? [] : await db
        .selectFrom('telemetry_raw')
        .select(['ts', 'value', 'quality'])
        .where('tag_id', '=', tag.id)
        .where('ts', '>=', fromMs)
        .where('ts', '<', toMs)
        .orderBy('ts')
        .execute();
      series.push({ tag: tag.name, points: rows.map((r) => ({ ts: Number(r.ts), value: r.value, quality: qualityName(r.quality) })) });
    }
    return { resolution, series };
  }

  const size = resolution === 'minute' ? minuteMs : hourMs;
  const pendingFrom = await firstPendingBucket(db, hostId, size, now);
  const start = bucketStart(fromMs, size);
  const byTag = new Map<number, RollupRow[]>();
  if (known.length > 0) {
    const stored = await db
      .selectFrom(resolution === 'minute' ? 'telemetry_minute' : 'telemetry_hour')
      .selectAll()
      .where('tag_id', 'in', known.map((t) => t.id))
      .where('at', '>=', start)
      .where('at', '<', Math.min(toMs, pendingFrom))
      .orderBy('tag_id')
      .orderBy('at')
      .execute();
    const fresh = pendingFrom < toMs ? await bucketsFromRaw(db, known.map((t) => t.id), Math.max(start, pendingFrom), toMs, size) : [];
    for (const row of [...stored.map(normalise), ...fresh]) {
      const list = byTag.get(row.tag_id) ?? [];
      list.push(row);
      byTag.set(row.tag_id, list);
    }
  }
  // Even hours may be too many (two years is 17,520): merge them into the smallest whole number of hours that fits.
  const step = Math.max(size, Math.ceil(span / maxPoints / size) * size);
  const series = tags.map((tag) => {
    let rows = (tag.id === undefined ? [] : byTag.get(tag.id) ?? []).sort((a, b) => Number(a.at) - Number(b.at));
    if (step > size) rows = mergeInto(rows, step);
    return { tag: tag.name, points: rows.map(toPoint) };
  });
  return { resolution, series };
}

/** Whether every tag has at most `maxPoints` raw samples in the range; reads at most maxPoints + 1 keys a tag. */
async function rawFits(db: TelemetryDb, tags: readonly { id: number }[], fromMs: number, toMs: number, maxPoints: number): Promise<boolean> {
  for (const tag of tags) {
    const row = await db
      .selectFrom((eb) =>
        eb.selectFrom('telemetry_raw').select('ts').where('tag_id', '=', tag.id).where('ts', '>=', fromMs).where('ts', '<', toMs).limit(maxPoints + 1).as('sampled'),
      )
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    if (Number(row?.n ?? 0) > maxPoints) return false;
  }
  return true;
}

/** The start of the oldest bucket of `size` whose stored rollup may be out of date for this host. */
async function firstPendingBucket(db: TelemetryDb, hostId: string, size: number, now: number): Promise<number> {
  const marks = await db
    .selectFrom('telemetry_pending')
    .select(['resolution', (eb) => eb.fn.min('at').as('first')])
    .where('host_id', '=', hostId)
    .groupBy('resolution')
    .execute();
  let first = bucketStart(now, size);
  for (const mark of marks) {
    if (mark.first === null || mark.first === undefined) continue;
    // A pending minute also leaves its hour out of date.
    first = Math.min(first, bucketStart(Number(mark.first as number | string), size));
  }
  return first;
}

/** Buckets of `size` computed straight from raw rows (the same sums the roller stores). */
async function bucketsFromRaw(db: TelemetryDb, tagIds: number[], fromMs: number, toMs: number, size: number): Promise<RollupRow[]> {
  const at = sql<number>`(ts / ${sql.lit(size)}) * ${sql.lit(size)}`;
  const rows = await db
    .selectFrom('telemetry_raw')
    .where('tag_id', 'in', tagIds)
    .where('ts', '>=', fromMs)
    .where('ts', '<', toMs)
    .groupBy(['tag_id', at])
    .select((eb) => [
      'tag_id',
      at.as('at'),
      eb.fn.countAll<number>().as('count'),
      eb.fn.sum<number>(eb.case().when('quality', '=', 0).then(1).else(0).end()).as('good_count'),
      eb.fn.count<number>('value').as('value_count'),
      eb.fn.min<number | null>('value').as('min'),
      eb.fn.avg<number | null>('value').as('avg'),
      eb.fn.max<number | null>('value').as('max'),
    ])
    .execute();
  return rows.map(normalise);
}

function normalise(r: Record<string, unknown>): RollupRow {
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    tag_id: Number(r.tag_id),
    at: Number(r.at),
    count: Number(r.count),
    good_count: Number(r.good_count ?? 0),
    value_count: Number(r.value_count),
    min: num(r.min),
    avg: num(r.avg),
    max: num(r.max),
  };
}

/** Merge time-ordered buckets into buckets of `step` (averages weighted by how many values each held). */
export function mergeInto(rows: readonly RollupRow[], step: number): RollupRow[] {
  const out: RollupRow[] = [];
  for (const row of rows) {
    const at = bucketStart(Number(row.at), step);
    const last = out[out.length - 1];
    if (!last || last.at !== at) {
      out.push({ ...row, at });
      continue;
    }
    const values = last.value_count + row.value_count;
    last.avg = values === 0 ? null : ((last.avg ?? 0) * last.value_count + (row.avg ?? 0) * row.value_count) / values;
    last.min = minOf(last.min, row.min);
    last.max = maxOf(last.max, row.max);
    last.count += row.count;
    last.good_count += row.good_count;
    last.value_count = values;
  }
  return out;
}

const minOf = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.min(a, b));
const maxOf = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));

/** How trustworthy a bucket is, from how many of its samples were good. */
export function bucketQuality(count: number, good: number): 'good' | 'mixed' | 'bad' {
  return good >= count ? 'good' : good === 0 ? 'bad' : 'mixed';
}

function toPoint(row: RollupRow): TrendPoint {
  const point: TrendPoint = { ts: Number(row.at), value: row.avg, quality: bucketQuality(row.count, row.good_count) };
  if (row.min !== null) point.min = row.min;
  if (row.max !== null) point.max = row.max;
  return point;
}
