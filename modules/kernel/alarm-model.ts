import { z } from 'zod';

/**
 * Alarms as ISA-18.2 names them, shared by the console's alarm engine, its API and the web app. An alarm is one
 * rule applied to one source (a tag, a host); its state moves only through the transitions listed in
 * console/server/alarms/state-machine.ts, and every move is recorded with its time, cause and user.
 */

/** The states of an alarm. `normal` alarms are not listed by GET /api/alarms. */
export const alarmStates = [
  'normal',
  /** Condition active, nobody has acknowledged it. */
  'unacknowledged',
  /** Condition active, acknowledged. */
  'acknowledged',
  /** Condition cleared before anyone acknowledged it. */
  'returned-unacknowledged',
  /** The condition cleared, but the rule latches: the alarm stays until an operator resets it. */
  'latched',
  /** An operator shelved it for a limited time, with a reason. */
  'shelved',
  /** Suppressed by design: another condition (a pump not running) makes it meaningless. */
  'suppressed',
  /** Taken out of service (maintenance, a broken sensor), by someone, with a reason. */
  'out-of-service',
] as const;
export type AlarmState = (typeof alarmStates)[number];

export const alarmPriorities = ['critical', 'high', 'medium', 'low'] as const;
export type AlarmPriority = (typeof alarmPriorities)[number];

/** The fault grades site teams use, by priority: A needs someone now, C can wait for the day shift. */
export const faultGrade: Record<AlarmPriority, 'A' | 'B' | 'C'> = { critical: 'A', high: 'A', medium: 'B', low: 'C' };

/** What the condition is, as operators read it: which limit or state. */
export const alarmKinds = ['HH', 'H', 'L', 'LL', 'digital', 'rate-of-change', 'comm-loss', 'host-offline', 'metric', 'drift', 'recording-failed', 'audit-chain'] as const;
export type AlarmKind = (typeof alarmKinds)[number];

/** What caused a transition. */
export const transitionCauses = [
  'condition-active',
  'condition-cleared',
  'acknowledge',
  'shelve',
  'unshelve',
  'shelve-expired',
  'suppress',
  'unsuppress',
  'remove-from-service',
  'return-to-service',
  'reset',
] as const;
export type TransitionCause = (typeof transitionCauses)[number];

export const alarmSourceSchema = z.object({
  hostId: z.string().max(64).optional(),
  siteId: z.string().max(64).optional(),
  tag: z.string().max(64).optional(),
});
export type AlarmSource = z.infer<typeof alarmSourceSchema>;

export const alarmTransitionSchema = z.object({
  at: z.string(),
  from: z.enum(alarmStates),
  to: z.enum(alarmStates),
  cause: z.enum(transitionCauses),
  /** Who did it, for operator actions; absent for condition changes. */
  user: z.string().max(64).optional(),
  comment: z.string().max(1000).optional(),
  /** The value that caused it, for condition changes. */
  value: z.union([z.number(), z.boolean(), z.null()]).optional(),
});
export type AlarmTransition = z.infer<typeof alarmTransitionSchema>;

/** One alarm as GET /api/alarms lists it. */
export const alarmSchema = z.object({
  id: z.string(),
  ruleId: z.string(),
  state: z.enum(alarmStates),
  /** Whether the condition is active now (an acknowledged alarm may have cleared: it is then normal). */
  active: z.boolean(),
  priority: z.enum(alarmPriorities),
  kind: z.enum(alarmKinds),
  source: alarmSourceSchema,
  message: z.string().max(500),
  value: z.union([z.number(), z.boolean(), z.null()]),
  limit: z.union([z.number(), z.boolean(), z.null()]),
  raisedAt: z.string(),
  clearedAt: z.string().nullable(),
  acknowledgedAt: z.string().nullable(),
  acknowledgedBy: z.string().nullable(),
  shelvedUntil: z.string().nullable(),
});
export type Alarm = z.infer<typeof alarmSchema>;
