import { z } from 'zod';
import { alarmPriorities } from './alarm-model.js';

/**
 * Alarm rules as engineers write them (the API, the rules page, the console's database): one schema for the
 * console's engine (console/server/alarms/rules.ts evaluates them) and the web app's editor.
 */

export const ruleNameSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:/-]*$/, 'letters, digits and _ . : / - only');

/**
 * What a rule watches: one host, every gateway of a site, or every host of the fleet (`allHosts`, for disk, memory,
 * load, host offline, drift and failed recordings everywhere). A host target may name its site too (hostId wins).
 */
const targetSchema = z
  .object({ hostId: ruleNameSchema.optional(), siteId: ruleNameSchema.optional(), allHosts: z.literal(true).optional() })
  .strict()
  .refine((t) => (t.allHosts === true ? t.hostId === undefined && t.siteId === undefined : t.hostId !== undefined || t.siteId !== undefined), 'a rule targets one host (hostId), a site (siteId) or every host (allHosts: true)');

const seconds = (max: number) => z.number().int().min(0).max(max);

const base = {
  id: ruleNameSchema,
  /** What operators read in the alarm list; a default is made from the rule when absent. */
  message: z.string().min(1).max(300).optional(),
  priority: z.enum(alarmPriorities),
  /** Hold the alarm in `latched` after acknowledge and clear, until someone resets it. */
  latching: z.boolean().default(false),
  /** The longest an operator may shelve this alarm; 0 forbids shelving. Default 8 hours (one shift). */
  maxShelveMinutes: z.number().int().min(0).max(7 * 24 * 60).default(480),
  target: targetSchema,
  /** Suppressed by design while this tag (on the same host) equals the value: P-101.running false → no FT-101 low flow. */
  suppressedWhen: z.object({ tag: ruleNameSchema, equals: z.union([z.boolean(), z.number().finite()]) }).strict().optional(),
};

const delays = {
  /** The condition must hold this long (sample time) before it counts as active. */
  onDelayS: seconds(86_400).default(0),
  /** The condition must be gone this long (sample time) before it counts as cleared. */
  offDelayS: seconds(86_400).default(0),
};

const threshold = {
  limit: z.enum(['HH', 'H', 'L', 'LL']),
  setpoint: z.number().finite(),
  /** The alarm clears only once the value is back past the setpoint by this much (in engineering units). */
  deadband: z.number().finite().min(0).default(0),
  ...delays,
};

export const limitRuleSchema = z.object({ ...base, type: z.literal('limit'), tag: ruleNameSchema, ...threshold }).strict();
export const metricRuleSchema = z.object({ ...base, type: z.literal('metric'), metric: ruleNameSchema, ...threshold }).strict();
export const digitalRuleSchema = z.object({ ...base, type: z.literal('digital'), tag: ruleNameSchema, alarmWhen: z.boolean(), ...delays }).strict();
export const rateRuleSchema = z
  .object({
    ...base,
    type: z.literal('rate-of-change'),
    tag: ruleNameSchema,
    /** Engineering units per minute, measured between the oldest and the newest sample of the window. */
    ratePerMinute: z.number().finite().positive(),
    windowS: z.number().int().min(1).max(3600),
    direction: z.enum(['rise', 'fall', 'either']).default('either'),
  })
  .strict();
export const commLossRuleSchema = z
  .object({
    ...base,
    type: z.literal('comm-loss'),
    /** The device's poll period and how many may pass without a good sample. */
    periodS: z.number().int().min(1).max(86_400),
    periods: z.number().int().min(1).max(1000).default(3),
    /** The tags read through this device or gateway; empty means every tag of the host. Their alarms are inhibited. */
    tags: z.array(ruleNameSchema).max(10_000).default([]),
    /**
     * The device's comm-status tag as the gateway reports it (`<device>.comm`, true while it answers): false raises
     * at once, true counts as a good sample. The gateway knows first; the silence limit then only has to cover a
     * gateway that stops reporting, and must be longer than its refresh interval (report by exception).
     */
    commTag: ruleNameSchema.optional(),
  })
  .strict();
export const hostOfflineRuleSchema = z
  .object({ ...base, type: z.literal('host-offline'), heartbeatS: z.number().int().min(1).max(86_400), missed: z.number().int().min(1).max(1000).default(3) })
  .strict();
export const driftRuleSchema = z.object({ ...base, type: z.literal('drift') }).strict();
/** A terminal session went unrecorded or was refused for want of a recording (the console feeds it). */
export const recordingFailedRuleSchema = z.object({ ...base, type: z.literal('recording-failed') }).strict();
/** The audit log's hash chain does not verify (checked at start and daily; the console is host `console`). */
export const auditChainRuleSchema = z.object({ ...base, type: z.literal('audit-chain') }).strict();

/** The tags the console feeds its own conditions under: no gateway tag can look like these. */
export const consoleConditionTags = {
  'recording-failed': 'gatehouse:recording-failed',
  'audit-chain': 'gatehouse:audit-chain',
  /** True for an instant at each login outside the working hours (config `loginHours`); a `digital` rule watches it. */
  'login-off-hours': 'gatehouse:login-off-hours',
} as const;
/** The console's own figures, fed as metrics of host `console` for `metric` rules: failed logins in the last 10 minutes. */
export const consoleMetrics = { loginFailures: 'gatehouse:login-failures' } as const;
/** The host id the console's own alarms (audit chain) are raised on. */
export const consoleHostId = 'console';

export const alarmRuleSchema = z.discriminatedUnion('type', [
  limitRuleSchema,
  metricRuleSchema,
  digitalRuleSchema,
  rateRuleSchema,
  commLossRuleSchema,
  hostOfflineRuleSchema,
  driftRuleSchema,
  recordingFailedRuleSchema,
  auditChainRuleSchema,
]);
export type AlarmRule = z.infer<typeof alarmRuleSchema>;
export type AlarmRuleInput = z.input<typeof alarmRuleSchema>;
