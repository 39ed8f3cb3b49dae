import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { metricSeries, type MetricValues } from '../../../modules/metrics/series.js';
import { bucketStart, downsample, hourMs, mergeBuckets, minuteMs, pointBucket, type MetricBucket } from './rollup.js';
import { compareWorstFirst, fleetHealth, toColumns } from './history.js';

const values = (n: number): MetricValues => Object.fromEntries(metricSeries.map((s) => [s, n])) as MetricValues;

function rollupOf(samples: { atMs: number; v: number }[], sizeMs: number): MetricBucket[] {
  return downsample(samples.map((s) => pointBucket(s.atMs, values(s.v))), sizeMs);
}

describe('metrics rollups', () => {
  it('aligns buckets to UTC minutes and hours', () => {
    const t = Date.UTC(2026, 0, 1, 10, 37, 12, 345);
    expect(bucketStart(t, minuteMs)).toBe(Date.UTC(2026, 0, 1, 10, 37));
    expect(bucketStart(t, hourMs)).toBe(Date.UTC(2026, 0, 1, 10));
  });

  it('keeps count, min, average and max of each bucket', () => {
    const base = Date.UTC(2026, 0, 1);
    const buckets = rollupOf([{ atMs: base, v: 10 }, { atMs: base + 10_000, v: 30 }, { atMs: base + 60_000, v: 5 }], minuteMs);
    expect(buckets.map((b) => [b.atMs, b.count, b.min.cpu, b.avg.cpu, b.max.cpu])).toEqual([
      [base, 2, 10, 20, 30],
      [base + minuteMs, 1, 5, 5, 5],
    ]);
  });

  it('weights averages by count when merging', () => {
    const a: MetricBucket = { atMs: 0, count: 3, min: values(1), avg: values(2), max: values(3) };
    const b: MetricBucket = { atMs: 0, count: 1, min: values(10), avg: values(10), max: values(10) };
    expect(mergeBuckets(a, b)).toMatchObject({ count: 4, min: { cpu: 1 }, avg: { cpu: 4 }, max: { cpu: 10 } });
  });

  it('gives the same hour from minutes as from the raw samples (property)', () => {
    const base = Date.UTC(2026, 0, 1);
    fc.assert(
      fc.property(fc.array(fc.record({ offset: fc.integer({ min: 0, max: 3 * hourMs - 1 }), v: fc.double({ min: 0, max: 100, noNaN: true }) }), { minLength: 1, maxLength: 200 }), (raw) => {
        const samples = raw.map((r) => ({ atMs: base + r.offset, v: r.v })).sort((x, y) => x.atMs - y.atMs);
        const direct = rollupOf(samples, hourMs);
        const viaMinutes = downsample(rollupOf(samples, minuteMs), hourMs);
        expect(viaMinutes.map((b) => [b.atMs, b.count, b.min.cpu, b.max.cpu])).toEqual(direct.map((b) => [b.atMs, b.count, b.min.cpu, b.max.cpu]));
        viaMinutes.forEach((b, i) => expect(b.avg.cpu).toBeCloseTo(direct[i]!.avg.cpu, 6));
        expect(direct.reduce((n, b) => n + b.count, 0)).toBe(samples.length);
      }),
    );
  });
});

describe('history columns for uPlot', () => {
  it('puts times in seconds and breaks the line at a gap', () => {
    const base = Date.UTC(2026, 0, 1);
    const buckets = [0, 10_000, 20_000, 120_000].map((o, i) => pointBucket(base + o, values(i)));
    const history = toColumns('h1', '1h', 10_000, base, base + hourMs, buckets, ['cpu']);
    expect(history.t).toEqual([0, 10, 20, 30, 120].map((s) => base / 1000 + s));
    expect(history.series.cpu?.avg).toEqual([0, 1, 2, null, 3]);
    expect(Object.keys(history.series)).toEqual(['cpu']);
  });
});

describe('fleet overview order', () => {
  const row = (name: string, over: Partial<Parameters<typeof fleetHealth>[0]>) => {
    const base = { hostId: name, name, online: true, state: 'approved', at: 'x', cpu: 10, memory: 10, load1: 0, cpuCount: 2, diskWorst: 10, diskWorstMount: '/', ...over };
    return { ...base, health: fleetHealth(base) };
  };

  it('puts offline hosts first, then critical and warning, then the busiest', () => {
    const rows = [
      row('calm', {}),
      row('busy', { cpu: 60 }),
      row('full-disk', { diskWorst: 95 }),
      row('gone', { online: false }),
      row('warm', { memory: 85 }),
      row('new', { state: 'pending', online: false }),
      row('silent', { cpu: null, memory: null, diskWorst: null }),
    ].sort(compareWorstFirst);
    expect(rows.map((r) => [r.name, r.health])).toEqual([
      ['gone', 'offline'],
      ['full-disk', 'critical'],
      ['warm', 'warning'],
      ['busy', 'ok'],
      ['calm', 'ok'],
      ['silent', 'no-data'],
      ['new', 'pending'],
    ]);
  });
});
