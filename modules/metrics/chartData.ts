/**
 * Shaping figures for uPlot: the console's history columns and the page's own 1 s live samples become
 * aligned arrays (times in seconds first). Pure, so it is tested without a browser.
 */
import type { MetricsSample } from '../kernel/metrics-sample.js';
import { seriesValues, type MetricSeries, type MetricsHistory } from './series.js';

export type Column = (number | null)[];

/** Live samples kept while the page is open: five minutes at 1 s. */
export const liveWindow = 300;

/** Append a sample to the live buffer, dropping the oldest beyond the window and any repeat of the same time. */
export function appendLive(buffer: readonly MetricsSample[], sample: MetricsSample): MetricsSample[] {
  if (buffer.length > 0 && buffer[buffer.length - 1]!.at === sample.at) return buffer as MetricsSample[];
  const next = [...buffer, sample];
  return next.length > liveWindow ? next.slice(next.length - liveWindow) : next;
}

/** [times, avg of each series…] from live samples; the first sample's rates are 0 and are left out. */
export function liveColumns(buffer: readonly MetricsSample[], series: readonly MetricSeries[]): [number[], ...Column[]] {
  const t = buffer.map((s) => Date.parse(s.at) / 1000);
  const values = buffer.map(seriesValues);
  return [t, ...series.map((name) => values.map((v) => v[name]))];
}

/** [times, avg of each series…] (and max where `withMax`), from a history answer. */
export function historyColumns(history: MetricsHistory, series: readonly MetricSeries[], withMax = false): [number[], ...Column[]] {
  const empty = history.t.map(() => null);
  const columns: Column[] = [];
  for (const name of series) {
    columns.push(history.series[name]?.avg ?? empty);
    if (withMax) columns.push(history.series[name]?.max ?? empty);
  }
  return [history.t, ...columns];
}
