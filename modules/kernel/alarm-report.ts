import { z } from 'zod';
import { alarmPriorities } from './alarm-model.js';

/**
 * The alarm system's health report (GET /api/alarm-report): the performance measures ISA-18.2 (clause 16) and
 * EEMUA 191 ask managers to watch, for one period, each with its target and a verdict. The console computes it
 * (console/server/alarms/report.ts, which documents how each figure is counted); the web page prints it.
 */

/** How a measure compares with its target: `ok` meets it, `attention` is past it, `bad` is far past it. */
/** `too-few`: too few alarms in the period for the figure to mean anything (a top-10 share of 2 alarms is 100 %). */
export const verdicts = ['ok', 'attention', 'bad', 'too-few'] as const;
export type Verdict = (typeof verdicts)[number];

/** One figure with the target it is read against, in words (`≤ 1 per 10 min (EEMUA 191)`), and the verdict. */
export const measureSchema = z.object({
  /** Null when the period gives nothing to measure (no alarm acknowledged: no time to acknowledge). */
  value: z.number().nullable(),
  target: z.string(),
  verdict: z.enum(verdicts),
});
export type Measure = z.infer<typeof measureSchema>;

/** Where an alarm comes from and what it says, from its current record. */
const alarmIdentity = {
  alarmId: z.string(),
  message: z.string(),
  /** Null when the alarm has no record any more (its rule was deleted). */
  priority: z.enum(alarmPriorities).nullable(),
  siteId: z.string().nullable(),
};

export const priorityShareSchema = z.object({
  priority: z.enum(alarmPriorities),
  count: z.number().int(),
  /** Of all annunciated alarms, 0–100. */
  percent: z.number(),
  /** EEMUA 191's guide for this priority, 0–100 (critical and high share the 5 %). */
  guidePercent: z.number(),
});
export type PriorityShare = z.infer<typeof priorityShareSchema>;

/** A run of 10-minute periods with more than 10 alarms at one operator position (a site, or all when pooled). */
export const floodPeriodSchema = z.object({
  start: z.string(),
  end: z.string(),
  count: z.number().int(),
  /** Null when operator positions are pooled (the `operators` option) or the alarms have no site. */
  siteId: z.string().nullable(),
});
export type FloodPeriod = z.infer<typeof floodPeriodSchema>;

export const frequentAlarmSchema = z.object({ ...alarmIdentity, count: z.number().int(), percent: z.number() });
export type FrequentAlarm = z.infer<typeof frequentAlarmSchema>;

export const chatteringAlarmSchema = z.object({
  ...alarmIdentity,
  /** Times it was raised three or more times within 60 s. */
  bursts: z.number().int(),
  /** Times it was raised in the period, bursts or not. */
  raised: z.number().int(),
});
export type ChatteringAlarm = z.infer<typeof chatteringAlarmSchema>;

export const standingAlarmSchema = z.object({ ...alarmIdentity, state: z.string(), raisedAt: z.string() });
export type StandingAlarm = z.infer<typeof standingAlarmSchema>;

/** A shelved or out-of-service alarm, with who put it there, why, since when and (shelved) until when. */
export const heldAlarmSchema = z.object({
  ...alarmIdentity,
  state: z.enum(['shelved', 'out-of-service']),
  since: z.string().nullable(),
  by: z.string().nullable(),
  reason: z.string().nullable(),
  until: z.string().nullable(),
});
export type HeldAlarm = z.infer<typeof heldAlarmSchema>;

/** Alarms per 10 minutes over the period, for the chart; wide periods are grouped into longer bars. */
export const rateSeriesSchema = z.object({
  /** Width of each bar, ms: 10 minutes, or more so a long period stays at a few hundred bars. */
  bucketMs: z.number().int(),
  points: z.array(
    z.object({
      /** ISO start of the bar. */
      at: z.string(),
      /** Alarms annunciated within the bar, every position together. */
      count: z.number().int(),
      /** The busiest 10 minutes within the bar, per operator position: what the flood line (10) is read against. */
      peak: z.number(),
    }),
  ),
});
export type RateSeries = z.infer<typeof rateSeriesSchema>;

export const alarmReportSchema = z.object({
  from: z.string(),
  to: z.string(),
  generatedAt: z.string(),
  siteId: z.string().nullable(),
  /** Operator positions the rates are divided among: one per site unless the request named a number. */
  operatorPositions: z.number().int(),
  positionsFrom: z.enum(['sites', 'request']),
  totals: z.object({
    /** Alarms presented to an operator: every move into `unacknowledged` (see report.ts). */
    annunciated: z.number().int(),
    byPriority: z.array(priorityShareSchema),
    /** The share of critical and high alarms against EEMUA's 5 %. */
    highPriorityShare: measureSchema,
  }),
  rate: z.object({
    /** Average alarms per 10 minutes per operator position. */
    average: measureSchema,
    /** The busiest 10 minutes at any position. */
    peak: measureSchema,
    /** Share of 10-minute periods (per position) with more than 10 alarms, 0–100. */
    floodPercent: measureSchema,
    floods: z.array(floodPeriodSchema),
    /** Flood periods found, when more than the list holds. */
    floodCount: z.number().int(),
    series: rateSeriesSchema,
  }),
  frequent: z.object({
    top: z.array(frequentAlarmSchema),
    /** What the top 10 make of all annunciated alarms, 0–100. */
    topShare: measureSchema,
    /** Different alarms annunciated in the period. */
    distinctAlarms: z.number().int(),
  }),
  chattering: z.object({ alarms: z.array(chatteringAlarmSchema), count: measureSchema }),
  acknowledge: z.object({
    /** Seconds. */
    median: measureSchema,
    /** Seconds; the verdict is read on this one. */
    p90: measureSchema,
    acknowledged: z.number().int(),
    /** Raised in the period and not acknowledged before it ended (or shelved, suppressed, taken out of service first). */
    notAcknowledged: z.number().int(),
  }),
  /** As the alarms stand when the report is made, not at the period's end: the database keeps only the present. */
  now: z.object({
    standing: z.array(standingAlarmSchema),
    standingCount: measureSchema,
    stale: z.array(standingAlarmSchema),
    staleCount: measureSchema,
    shelved: z.array(heldAlarmSchema),
    shelvedCount: measureSchema,
    outOfService: z.array(heldAlarmSchema),
    outOfServiceCount: measureSchema,
  }),
});
export type AlarmReport = z.infer<typeof alarmReportSchema>;

/** GET /api/alarm-report query: times in ms since the epoch; `operators` overrides one position per site. */
export const alarmReportQuerySchema = z.object({
  from: z.coerce.number().int().nonnegative().optional(),
  to: z.coerce.number().int().nonnegative().optional(),
  site: z.string().min(1).max(64).optional(),
  operators: z.coerce.number().int().min(1).max(1000).optional(),
});
export type AlarmReportQuery = z.infer<typeof alarmReportQuerySchema>;
