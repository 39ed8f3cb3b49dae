/**
 * The trend page's state and data: which tags and which span the URL asks for (so a trend can be shared as a
 * link), and the console's series laid out as uPlot columns, with gaps kept as gaps.
 */
import type { Trend } from '../../../../modules/modbus/site-api.js';

export const trendRanges = ['1h', '24h', '7d', '30d'] as const;
export type TrendRange = (typeof trendRanges)[number];

export const rangeMs: Record<TrendRange, number> = { '1h': 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 };
export const rangeLabel: Record<TrendRange, string> = { '1h': '1 h', '24h': '24 h', '7d': '7 d', '30d': '30 d' };
/** How often a range that ends now is fetched again: the finer the range, the sooner a new point shows. */
export const rangeRefreshMs: Record<TrendRange, number> = { '1h': 10_000, '24h': 60_000, '7d': 300_000, '30d': 600_000 };

/** The console accepts up to 16 tags in one trend. */
export const maxTrendTags = 16;
/** Two y axes at most, one per unit: a third unit would need a third scale nobody can read. */
export const maxUnits = 2;

export interface TrendView {
  tags: string[];
  range: TrendRange;
  /** A span zoomed into, ms since the epoch; absent when the view ends now. */
  zoom?: { from: number; to: number };
}

const tagPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Read the view from `?tags=a,b&range=24h&from=…&to=…`; anything malformed falls back to a default. */
export function parseTrendView(search: URLSearchParams): TrendView {
  const tags = [...new Set((search.get('tags') ?? '').split(',').map((t) => t.trim()).filter((t) => tagPattern.test(t)))].slice(0, maxTrendTags);
  const rangeText = search.get('range');
  const range = (trendRanges as readonly string[]).includes(rangeText ?? '') ? (rangeText as TrendRange) : '1h';
  const from = Number(search.get('from'));
  const to = Number(search.get('to'));
  const zoom = search.has('from') && search.has('to') && Number.isSafeInteger(from) && Number.isSafeInteger(to) && from >= 0 && to > from ? { from, to } : undefined;
  return zoom ? { tags, range, zoom } : { tags, range };
}

/** The search string for a view (without '?'); commas are kept readable. */
export function trendViewSearch(view: TrendView): string {
  const params = new URLSearchParams();
  if (view.tags.length) params.set('tags', view.tags.join(','));
  params.set('range', view.range);
  if (view.zoom) {
    params.set('from', String(Math.round(view.zoom.from)));
    params.set('to', String(Math.round(view.zoom.to)));
  }
  return params.toString().replace(/%2C/g, ',');
}

/** The link to a tag's trend, for clicking a value on the site page. */
export function trendLink(siteId: string, tags: string[], range: TrendRange = '1h'): string {
  return `/sites/${encodeURIComponent(siteId)}/trend?${trendViewSearch({ tags, range })}`;
}

/** The span a view shows: the zoomed span, or the range up to `now`. */
export function viewWindow(view: TrendView, now: number): { from: number; to: number } {
  return view.zoom ?? { from: now - rangeMs[view.range], to: now };
}

/** The units of `tags` in order of first appearance; the chart gives the first two an axis each. */
export function unitsOf(units: readonly string[]): string[] {
  return [...new Set(units)];
}

export type ColumnValue = number | null | undefined;

export interface TrendColumn {
  tag: string;
  unit: string;
  role: 'value' | 'min' | 'max';
  values: ColumnValue[];
}

export interface TrendColumns {
  /** Seconds since the epoch, ascending, shared by every column. */
  times: number[];
  columns: TrendColumn[];
  /** Whether min/max bands exist (bucketed resolutions). */
  banded: boolean;
}

const bucketMs: Record<Trend['resolution'], number | undefined> = { raw: undefined, minute: 60_000, hour: 3_600_000 };

interface Cell {
  value: number | null;
  min?: number | null;
  max?: number | null;
}

/**
 * Lay the console's series on one time axis. uPlot draws `null` as a gap and steps over `undefined`, so a time
 * only another tag has is `undefined` (the line carries on) while a missing reading is `null` (the line breaks).
 * Bucketed series get a `null` where buckets are missing, so an outage shows as a hole, not a straight line.
 */
export function trendColumns(trend: Trend): TrendColumns {
  const banded = trend.resolution !== 'raw';
  const bucket = bucketMs[trend.resolution];
  const cells = trend.series.map((series) => {
    const byTime = new Map<number, Cell>();
    let previous: number | undefined;
    for (const point of [...series.points].sort((a, b) => a.ts - b.ts)) {
      if (bucket !== undefined && previous !== undefined && point.ts - previous > 2 * bucket) {
        byTime.set(previous + bucket, { value: null, min: null, max: null });
      }
      const value = point.value;
      byTime.set(point.ts, { value, min: value === null ? null : (point.min ?? value), max: value === null ? null : (point.max ?? value) });
      previous = point.ts;
    }
    return byTime;
  });
  const timesMs = [...new Set(cells.flatMap((byTime) => [...byTime.keys()]))].sort((a, b) => a - b);
  const columns: TrendColumn[] = [];
  trend.series.forEach((series, index) => {
    const byTime = cells[index]!;
    const column = (pick: (cell: Cell) => ColumnValue): ColumnValue[] => timesMs.map((t) => {
      const cell = byTime.get(t);
      return cell === undefined ? undefined : pick(cell);
    });
    columns.push({ tag: series.tag, unit: series.unit, role: 'value', values: column((c) => c.value) });
    if (banded) {
      columns.push({ tag: series.tag, unit: series.unit, role: 'min', values: column((c) => c.min) });
      columns.push({ tag: series.tag, unit: series.unit, role: 'max', values: column((c) => c.max) });
    }
  });
  return { times: timesMs.map((t) => t / 1000), columns, banded };
}

export const resolutionLabel: Record<Trend['resolution'], string> = {
  raw: 'every reading',
  minute: '1-minute averages, band = min–max',
  hour: '1-hour averages, band = min–max',
};
