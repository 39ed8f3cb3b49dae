/**
 * The console's metrics history: stores the samples agents push (hub `metrics` events), answers chart and
 * overview queries, and prunes by the configured retention. Samples of one host are written in order, one
 * batch at a time, so rollups never race.
 */
import type { MetricsSample } from '../../../modules/kernel/metrics-sample.js';
import {
  metricRanges,
  metricSeries,
  seriesValues,
  type FleetHealth,
  type FleetMetricsRow,
  type MetricRange,
  type MetricSeries,
  type MetricsHistory,
} from '../../../modules/metrics/series.js';
import type { AgentHub } from '../agents/hub.js';
import type { HostDirectory } from '../hosts.js';
import { log } from '../log.js';
import type { LatestMetrics, MetricsResolution, Storage } from '../storage/types.js';
import { downsample, hourMs, minuteMs, type MetricBucket } from './rollup.js';

const dayMs = 86_400_000;

export interface MetricsRetention {
  rawDays: number;
  minuteDays: number;
  hourDays: number;
}

/** A sample dated further ahead than this is refused: a wrong clock on a host must not poison its history. */
const maxFutureSkewMs = 5 * 60_000;
/** Retention runs this often (and once at start). */
const pruneEveryMs = hourMs;

/** Which stored resolution draws each range, and at what step. 7 d re-buckets minutes to 15 minutes (672 points). */
const plan: Record<MetricRange, { resolution: MetricsResolution; stepMs: number }> = {
  '1h': { resolution: 'raw', stepMs: 10_000 },
  '24h': { resolution: 'minute', stepMs: minuteMs },
  '7d': { resolution: 'minute', stepMs: 15 * minuteMs },
  '30d': { resolution: 'hour', stepMs: hourMs },
};

/** Above these a figure is a warning or critical in the overview. */
const warnAt = 75;
const criticalAt = 90;

export class MetricsHistoryService {
  readonly #storage: Storage;
  readonly #hosts: HostDirectory;
  readonly #hub: AgentHub;
  readonly #retention: MetricsRetention;
  readonly #writes = new Map<string, Promise<void>>();
  #latest: Map<string, LatestMetrics> | undefined;
  #pruner: NodeJS.Timeout | undefined;

  constructor(options: { storage: Storage; hosts: HostDirectory; hub: AgentHub; retention: MetricsRetention }) {
    this.#storage = options.storage;
    this.#hosts = options.hosts;
    this.#hub = options.hub;
    this.#retention = options.retention;
    this.#hub.on('metrics', (hostId, samples) => this.#enqueue(hostId, samples));
  }

  start(): void {
    void this.prune();
    this.#pruner = setInterval(() => void this.prune(), pruneEveryMs);
    this.#pruner.unref();
  }

  /** Wait for pending writes (tests, shutdown). */
  async flush(): Promise<void> {
    await Promise.all(this.#writes.values());
  }

  stop(): void {
    clearInterval(this.#pruner);
  }

  async prune(now = Date.now()): Promise<void> {
    try {
      const deleted = await this.#storage.pruneMetrics({
        raw: now - this.#retention.rawDays * dayMs,
        minute: now - this.#retention.minuteDays * dayMs,
        hour: now - this.#retention.hourDays * dayMs,
      });
      if (deleted.raw + deleted.minute + deleted.hour > 0) log.info('metrics history pruned', deleted);
    } catch (err) {
      log.warn('metrics retention failed', { message: (err as Error).message });
    }
  }

  #enqueue(hostId: string, samples: MetricsSample[]): void {
    const previous = this.#writes.get(hostId) ?? Promise.resolve();
    const next = previous.then(() => this.#store(hostId, samples));
    this.#writes.set(hostId, next);
    void next.finally(() => {
      if (this.#writes.get(hostId) === next) this.#writes.delete(hostId);
    });
  }

  async #store(hostId: string, samples: MetricsSample[]): Promise<void> {
    const now = Date.now();
    const inputs = samples
      .map((sample) => ({ atMs: Date.parse(sample.at), values: seriesValues(sample), sample }))
      .filter((input) => Number.isFinite(input.atMs) && input.atMs <= now + maxFutureSkewMs);
    try {
      await this.#storage.appendMetrics(hostId, inputs);
      const newest = inputs.reduce<(typeof inputs)[number] | undefined>((a, b) => (!a || b.atMs > a.atMs ? b : a), undefined);
      const latest = await this.#latestMap();
      if (newest && (latest.get(hostId)?.atMs ?? 0) < newest.atMs) latest.set(hostId, { hostId, atMs: newest.atMs, sample: newest.sample });
    } catch (err) {
      log.warn('could not store metrics', { host: hostId, message: (err as Error).message });
    }
  }

  async #latestMap(): Promise<Map<string, LatestMetrics>> {
    this.#latest ??= new Map((await this.#storage.latestMetrics()).map((l) => [l.hostId, l]));
    return this.#latest;
  }

  /** The newest whole sample of a host, or undefined. */
  async latest(hostId: string): Promise<LatestMetrics | undefined> {
    return (await this.#latestMap()).get(hostId);
  }

  /** A host's history over `range` ending now, as uPlot columns. */
  async history(hostId: string, range: MetricRange, series: readonly MetricSeries[], now = Date.now()): Promise<MetricsHistory> {
    const { resolution, stepMs } = plan[range];
    const toMs = now + 1;
    const fromMs = now - metricRanges[range];
    let buckets = await this.#storage.queryMetrics(hostId, resolution, fromMs, toMs);
    if (resolution !== 'raw' && stepMs !== (resolution === 'minute' ? minuteMs : hourMs)) buckets = downsample(buckets, stepMs);
    return toColumns(hostId, range, stepMs, fromMs, toMs, buckets, series);
  }

  /** Every host with its latest figures, worst first. */
  async fleet(): Promise<FleetMetricsRow[]> {
    const [hosts, latest] = await Promise.all([this.#hosts.list(), this.#latestMap()]);
    const rows = hosts
      .filter((host) => host.state !== 'revoked')
      .map((host): FleetMetricsRow => {
        const last = latest.get(host.id);
        const values = last ? seriesValues(last.sample) : undefined;
        const worstDisk = last?.sample.disks.reduce<{ mount: string; percent: number } | undefined>((worst, d) => {
          const percent = d.total > 0 ? (d.used / d.total) * 100 : 0;
          return !worst || percent > worst.percent ? { mount: d.mount, percent } : worst;
        }, undefined);
        const row: Omit<FleetMetricsRow, 'health'> = {
          hostId: host.id,
          name: host.name,
          online: host.online,
          state: host.state,
          at: last ? new Date(last.atMs).toISOString() : null,
          cpu: values?.cpu ?? null,
          memory: values?.memory ?? null,
          load1: values?.load1 ?? null,
          cpuCount: last?.sample.cpu.perCore.length ?? host.status?.cpuCount ?? null,
          diskWorst: values?.diskWorst ?? null,
          diskWorstMount: worstDisk?.mount ?? null,
        };
        return { ...row, health: fleetHealth(row) };
      });
    return rows.sort(compareWorstFirst);
  }
}

/** Health from state and figures: an approved host that is offline is the worst news. */
export function fleetHealth(row: Omit<FleetMetricsRow, 'health'>): FleetHealth {
  if (row.state === 'pending') return 'pending';
  if (!row.online) return 'offline';
  if (row.cpu === null) return 'no-data';
  const worst = Math.max(row.cpu, row.memory ?? 0, row.diskWorst ?? 0);
  if (worst >= criticalAt) return 'critical';
  if (worst >= warnAt) return 'warning';
  return 'ok';
}

const healthRank: Record<FleetHealth, number> = { offline: 0, critical: 1, warning: 2, ok: 3, 'no-data': 4, pending: 5 };

/** Worst first: by health, then by the highest of CPU, memory and fullest disk, then by name. */
export function compareWorstFirst(a: FleetMetricsRow, b: FleetMetricsRow): number {
  const peak = (r: FleetMetricsRow) => Math.max(r.cpu ?? -1, r.memory ?? -1, r.diskWorst ?? -1);
  return healthRank[a.health] - healthRank[b.health] || peak(b) - peak(a) || a.name.localeCompare(b.name);
}

/** Buckets → uPlot columns; a gap longer than three steps gets a null point so the line breaks there. */
export function toColumns(
  hostId: string,
  range: MetricRange,
  stepMs: number,
  fromMs: number,
  toMs: number,
  buckets: readonly MetricBucket[],
  series: readonly MetricSeries[],
): MetricsHistory {
  const wanted = series.length > 0 ? series : metricSeries;
  const t: number[] = [];
  const columns = Object.fromEntries(wanted.map((s) => [s, { avg: [] as (number | null)[], min: [] as (number | null)[], max: [] as (number | null)[] }]));
  const push = (atMs: number, bucket: MetricBucket | undefined) => {
    t.push(Math.round(atMs / 1000));
    for (const s of wanted) {
      const column = columns[s]!;
      column.avg.push(bucket ? round(bucket.avg[s]) : null);
      column.min.push(bucket ? round(bucket.min[s]) : null);
      column.max.push(bucket ? round(bucket.max[s]) : null);
    }
  };
  let previous: number | undefined;
  for (const bucket of buckets) {
    if (previous !== undefined && bucket.atMs - previous > 3 * stepMs) push(previous + stepMs, undefined);
    push(bucket.atMs, bucket);
    previous = bucket.atMs;
  }
  return { hostId, range, stepSeconds: stepMs / 1000, fromMs, toMs, t, series: columns };
}

const round = (n: number): number => Math.round(n * 100) / 100;
