/**
 * The arithmetic of the alarm report (report.ts), kept free of the database so each measure can be tested on
 * plain numbers: 10-minute rates per operator position, flood periods, chattering bursts, percentiles, and the
 * targets each figure is read against.
 */
import type { Measure, Verdict } from '../../../modules/kernel/alarm-report.js';

export const tenMinutes = 10 * 60_000;

/**
 * The targets, from ISA-18.2 (table 16) and EEMUA 191 where they give one; where they do not (time to
 * acknowledge, how long an alarm may stay shelved or out of service) the figure is Gatehouse's and says so.
 */
export const targets = {
  /** EEMUA 191: ≤ 1 per 10 min very likely acceptable, ≤ 2 manageable, beyond that demanding. */
  averageRate: { ok: 1, attention: 2, text: '≤ 1 per 10 min per operator (EEMUA 191: ≤ 2 manageable)' },
  /** EEMUA 191 after an upset: under 10 manageable, 20 and more hard to cope with. */
  peakRate: { ok: 10, attention: 20, text: '≤ 10 in any 10 min (EEMUA 191: 20 or more is hard to cope with)' },
  /** ISA-18.2: under about 1 % of 10-minute periods in flood. */
  floodPercent: { ok: 1, attention: 5, text: '< 1 % of 10-minute periods with more than 10 alarms (ISA-18.2)' },
  /** EEMUA 191's guide is 5 % critical and high; twice that is still within reach of a rationalisation. */
  highPriorityShare: { ok: 10, attention: 25, text: '≈ 5 % critical and high, 15 % medium, 80 % low (EEMUA 191)' },
  /** ISA-18.2: the top 10 make about 1 % to 5 % of the load at most; badly run systems see 25 % to 95 %. */
  topShare: { ok: 5, attention: 25, text: '≤ 5 % of all alarms from the 10 most frequent (ISA-18.2)' },
  /** ISA-18.2: none, and a plan for any that chatter. */
  chattering: { ok: 0, attention: 3, text: 'none (ISA-18.2)' },
  /** Gatehouse's figure: nine in ten acknowledged within 10 minutes. ISA-18.2 gives no number. */
  acknowledgeP90S: { ok: 600, attention: 1800, text: '90 % within 10 min (Gatehouse)' },
  acknowledgeMedianS: { ok: 300, attention: 900, text: '≤ 5 min (Gatehouse)' },
  /** ISA-18.2: fewer than 5 stale (standing over 24 h) alarms on any day. */
  stale: { ok: 4, attention: 10, text: '< 5 alarms standing for more than 24 h (ISA-18.2)' },
  /** EEMUA 191: fewer than 10 standing alarms in steady operation. */
  standing: { ok: 9, attention: 20, text: '< 10 standing alarms (EEMUA 191)' },
  shelvedHours: { ok: 24, text: 'none shelved for more than 24 h (Gatehouse)' },
  outOfServiceDays: { ok: 7, attention: 30, text: 'none out of service for more than 7 days (Gatehouse)' },
} as const;

/** `ok` up to `ok`, `attention` up to `attention`, `bad` beyond. */
export function verdictAtMost(value: number, limits: { ok: number; attention: number }): Verdict {
  if (value <= limits.ok) return 'ok';
  return value <= limits.attention ? 'attention' : 'bad';
}

export function measure(value: number | null, target: string, verdict: Verdict): Measure {
  return { value: value === null ? null : round(value), target, verdict };
}

/** Two decimals: enough for a rate of 0.04 per 10 minutes, short enough to read in JSON. */
export function round(value: number): number {
  return Math.round(value * 100) / 100;
}

export function percent(part: number, whole: number): number {
  return whole === 0 ? 0 : round((part / whole) * 100);
}

/** The p-th percentile (0–100) by linear interpolation between ranks, as spreadsheets do; null for no values. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = (p / 100) * (sorted.length - 1);
  const below = Math.floor(rank);
  const lower = sorted[below] as number;
  const upper = sorted[Math.min(below + 1, sorted.length - 1)] as number;
  return lower + (upper - lower) * (rank - below);
}

/**
 * How often an alarm chattered: a burst is three raises within 60 s; raises that follow the last one within
 * 60 s belong to the same burst, so an alarm chattering for an hour is one burst, not sixty.
 */
export function chatterBursts(times: readonly number[], windowMs = 60_000, raises = 3): number {
  let bursts = 0;
  let i = 0;
  while (i + raises - 1 < times.length) {
    if ((times[i + raises - 1] as number) - (times[i] as number) <= windowMs) {
      bursts += 1;
      let j = i + raises - 1;
      while (j + 1 < times.length && (times[j + 1] as number) - (times[j] as number) <= windowMs) j += 1;
      i = j + 1;
    } else {
      i += 1;
    }
  }
  return bursts;
}

/**
 * Alarms counted into clock-aligned 10-minute periods per operator position (ISA-18.2 counts fixed periods,
 * where the engine's live flood alarm slides its window: a flood split 6 + 5 across two periods shows there,
 * not here). `divisor` spreads a pooled count over several operators.
 */
export class TenMinuteCounts {
  /** Start of period 0: `from` rounded down to the 10 minutes. */
  readonly origin: number;
  readonly periods: number;
  readonly #counts = new Map<string, Map<number, number>>();

  constructor(
    from: number,
    to: number,
    readonly divisor = 1,
  ) {
    this.origin = Math.floor(from / tenMinutes) * tenMinutes;
    this.periods = Math.max(1, Math.ceil((to - this.origin) / tenMinutes));
  }

  add(position: string, at: number): void {
    const period = Math.floor((at - this.origin) / tenMinutes);
    let counts = this.#counts.get(position);
    if (!counts) this.#counts.set(position, (counts = new Map()));
    counts.set(period, (counts.get(period) ?? 0) + 1);
  }

  /** The busiest period at any position, per operator. */
  peak(): number {
    let peak = 0;
    for (const counts of this.#counts.values()) for (const count of counts.values()) peak = Math.max(peak, count / this.divisor);
    return peak;
  }

  /** Periods (per position) with more than `limit` alarms per operator. */
  floodedPeriods(limit = 10): number {
    let flooded = 0;
    for (const counts of this.#counts.values()) for (const count of counts.values()) if (count / this.divisor > limit) flooded += 1;
    return flooded;
  }

  /** Runs of consecutive flooded periods per position, oldest first, with the alarms they held. */
  floods(limit = 10): { position: string; start: number; end: number; count: number }[] {
    const floods: { position: string; start: number; end: number; count: number }[] = [];
    for (const [position, counts] of this.#counts) {
      const flooded = [...counts].filter(([, count]) => count / this.divisor > limit).sort((a, b) => a[0] - b[0]);
      let run: { position: string; start: number; end: number; count: number } | undefined;
      let last = Number.NaN;
      for (const [period, count] of flooded) {
        if (run && period === last + 1) {
          run.end += tenMinutes;
          run.count += count;
        } else {
          run = { position, start: this.origin + period * tenMinutes, end: this.origin + (period + 1) * tenMinutes, count };
          floods.push(run);
        }
        last = period;
      }
    }
    return floods.sort((a, b) => a.start - b.start || a.position.localeCompare(b.position));
  }

  /** Bars of `bucketMs` (a multiple of 10 min) from the origin: alarms in each, and its busiest 10 min per operator. */
  series(bucketMs: number): { at: number; count: number; peak: number }[] {
    const perBar = bucketMs / tenMinutes;
    const bars = Array.from({ length: Math.ceil(this.periods / perBar) }, (_, i) => ({ at: this.origin + i * bucketMs, count: 0, peak: 0 }));
    for (const counts of this.#counts.values()) {
      for (const [period, count] of counts) {
        const bar = bars[Math.floor(period / perBar)];
        if (!bar) continue;
        bar.count += count;
        bar.peak = Math.max(bar.peak, round(count / this.divisor));
      }
    }
    return bars;
  }
}

/** Bar widths for the chart, narrowest first: the first that keeps a period within `maxBars` is used. */
const barWidths = [1, 3, 6, 18, 36, 72, 144, 1008].map((periods) => periods * tenMinutes);

export function barWidth(periods: number, maxBars = 400): number {
  return barWidths.find((width) => Math.ceil((periods * tenMinutes) / width) <= maxBars) ?? (barWidths.at(-1) as number);
}
