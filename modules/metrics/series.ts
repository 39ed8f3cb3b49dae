/**
 * The figures kept as history, one number each per sample: what the console stores, rolls up and charts.
 * Shared by the console (storage, routes) and the page, so a series has one name everywhere.
 */
import type { MetricsSample } from '../kernel/metrics-sample.js';

export const metricSeries = ['cpu', 'memory', 'swap', 'load1', 'diskRead', 'diskWrite', 'netRx', 'netTx', 'diskWorst'] as const;
export type MetricSeries = (typeof metricSeries)[number];
export type MetricValues = Record<MetricSeries, number>;

/** Chart ranges the history route answers, with the span each covers. */
export const metricRanges = { '1h': 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 } as const;
export type MetricRange = keyof typeof metricRanges;

const percentOf = (part: number, whole: number): number => (whole > 0 ? Math.round((part / whole) * 1000) / 10 : 0);

/** The history figures of one sample: percentages for CPU, memory, swap and the fullest disk; sums for I/O. */
export function seriesValues(sample: MetricsSample): MetricValues {
  const sum = <T>(items: T[], pick: (item: T) => number) => items.reduce((total, item) => total + pick(item), 0);
  return {
    cpu: sample.cpu.total,
    memory: percentOf(sample.memory.used, sample.memory.total),
    swap: percentOf(sample.memory.swapUsed, sample.memory.swapTotal),
    load1: sample.load[0],
    diskRead: sum(sample.disks, (d) => d.readBytesPerSec),
    diskWrite: sum(sample.disks, (d) => d.writeBytesPerSec),
    netRx: sum(sample.network, (n) => n.rxBytesPerSec),
    netTx: sum(sample.network, (n) => n.txBytesPerSec),
    diskWorst: sample.disks.reduce((worst, d) => Math.max(worst, percentOf(d.used, d.total)), 0),
  };
}

/** `GET /api/hosts/:id/metrics`: columns ready for uPlot, times in seconds; null marks a gap in the data. */
export interface MetricsHistory {
  hostId: string;
  range: MetricRange;
  /** Seconds between points: 10 (raw), 60, 900 or 3600. */
  stepSeconds: number;
  fromMs: number;
  toMs: number;
  t: number[];
  series: Partial<Record<MetricSeries, { avg: (number | null)[]; min: (number | null)[]; max: (number | null)[] }>>;
}

/** How a host stands in the fleet overview, worst first. */
export type FleetHealth = 'offline' | 'critical' | 'warning' | 'ok' | 'no-data' | 'pending';

/** One row of `GET /api/fleet/metrics`. */
export interface FleetMetricsRow {
  hostId: string;
  name: string;
  online: boolean;
  state: string;
  health: FleetHealth;
  /** ISO time of the newest sample, or null when none came yet. */
  at: string | null;
  cpu: number | null;
  memory: number | null;
  load1: number | null;
  cpuCount: number | null;
  diskWorst: number | null;
  diskWorstMount: string | null;
}
