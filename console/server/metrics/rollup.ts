/**
 * The maths of metrics history: samples fall into fixed time buckets (a minute, an hour) that keep the count,
 * minimum, average and maximum of each series. Buckets merge exactly (the average weighted by count), so an
 * hour built from minutes equals an hour built from the raw samples, and a chart can re-bucket either.
 */
import { metricSeries, type MetricValues } from '../../../modules/metrics/series.js';

export const minuteMs = 60_000;
export const hourMs = 3_600_000;

export interface MetricBucket {
  /** Start of the bucket, ms since the epoch (for a raw sample: its own time). */
  atMs: number;
  count: number;
  min: MetricValues;
  avg: MetricValues;
  max: MetricValues;
}

/** The start of the bucket of `sizeMs` that holds `atMs`, aligned to the epoch (so to UTC minutes and hours). */
export function bucketStart(atMs: number, sizeMs: number): number {
  return Math.floor(atMs / sizeMs) * sizeMs;
}

/** A bucket holding one sample. */
export function pointBucket(atMs: number, values: MetricValues): MetricBucket {
  return { atMs, count: 1, min: { ...values }, avg: { ...values }, max: { ...values } };
}

/** Two buckets as one; the result starts at `atMs`. Averages are weighted by how many samples each holds. */
export function mergeBuckets(a: MetricBucket | undefined, b: MetricBucket, atMs = a?.atMs ?? b.atMs): MetricBucket {
  if (!a || a.count === 0) return { ...b, atMs, min: { ...b.min }, avg: { ...b.avg }, max: { ...b.max } };
  const count = a.count + b.count;
  const min = {} as MetricValues;
  const avg = {} as MetricValues;
  const max = {} as MetricValues;
  for (const series of metricSeries) {
    min[series] = Math.min(a.min[series], b.min[series]);
    max[series] = Math.max(a.max[series], b.max[series]);
    avg[series] = (a.avg[series] * a.count + b.avg[series] * b.count) / count;
  }
  return { atMs, count, min, avg, max };
}

/** Re-bucket a time-ordered list into buckets of `sizeMs` (a 7-day chart from minutes, in 15-minute steps). */
export function downsample(buckets: readonly MetricBucket[], sizeMs: number): MetricBucket[] {
  const out: MetricBucket[] = [];
  for (const bucket of buckets) {
    const start = bucketStart(bucket.atMs, sizeMs);
    const last = out[out.length - 1];
    if (last && last.atMs === start) out[out.length - 1] = mergeBuckets(last, bucket, start);
    else out.push(mergeBuckets(undefined, bucket, start));
  }
  return out;
}
