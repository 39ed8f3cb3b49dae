import { z } from 'zod';
import { alarmPriorities, type AlarmKind } from '../../../modules/kernel/alarm-model.js';
import type { TagSample } from '../../../modules/kernel/telemetry.js';
import type { ConditionValue } from './state-machine.js';

/**
 * Alarm rules (what engineers write once and apply to many hosts and sites) and their pure evaluation: a rule and
 * the condition's state so far, plus one input (a sample, a heartbeat, a drift count, a clock tick), give the
 * next condition state and, when it changed, the time it changed at. Time is the samples' own `ts`, so data
 * replayed after a network cut raises alarms at the times things happened.
 *
 * - Samples older than the newest one already seen for the condition are ignored (out of order: a late sample
 *   must not undo what a newer one established).
 * - A `stale` or `comm-fault` sample neither raises nor clears a limit, digital or rate alarm: the comm-loss rule
 *   is what speaks for a silent device.
 */

const name = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:/-]*$/, 'letters, digits and _ . : / - only');

const targetSchema = z
  .object({ hostId: name.optional(), siteId: name.optional() })
  .strict()
  .refine((t) => t.hostId !== undefined || t.siteId !== undefined, 'a rule targets a host or a site');

const seconds = (max: number) => z.number().int().min(0).max(max);

const base = {
  id: name,
  /** What operators read in the alarm list; a default is made from the rule when absent. */
  message: z.string().min(1).max(300).optional(),
  priority: z.enum(alarmPriorities),
  /** Hold the alarm in `latched` after acknowledge and clear, until someone resets it. */
  latching: z.boolean().default(false),
  /** The longest an operator may shelve this alarm; 0 forbids shelving. Default 8 hours (one shift). */
  maxShelveMinutes: z.number().int().min(0).max(7 * 24 * 60).default(480),
  target: targetSchema,
  /** Suppressed by design while this tag (on the same host) equals the value: P-101.running false → no FT-101 low flow. */
  suppressedWhen: z.object({ tag: name, equals: z.union([z.boolean(), z.number().finite()]) }).strict().optional(),
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

export const limitRuleSchema = z.object({ ...base, type: z.literal('limit'), tag: name, ...threshold }).strict();
export const metricRuleSchema = z.object({ ...base, type: z.literal('metric'), metric: name, ...threshold }).strict();
export const digitalRuleSchema = z.object({ ...base, type: z.literal('digital'), tag: name, alarmWhen: z.boolean(), ...delays }).strict();
export const rateRuleSchema = z
  .object({
    ...base,
    type: z.literal('rate-of-change'),
    tag: name,
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
    tags: z.array(name).max(10_000).default([]),
  })
  .strict();
export const hostOfflineRuleSchema = z
  .object({ ...base, type: z.literal('host-offline'), heartbeatS: z.number().int().min(1).max(86_400), missed: z.number().int().min(1).max(1000).default(3) })
  .strict();
export const driftRuleSchema = z.object({ ...base, type: z.literal('drift') }).strict();

export const alarmRuleSchema = z.discriminatedUnion('type', [
  limitRuleSchema,
  metricRuleSchema,
  digitalRuleSchema,
  rateRuleSchema,
  commLossRuleSchema,
  hostOfflineRuleSchema,
  driftRuleSchema,
]);
export type AlarmRule = z.infer<typeof alarmRuleSchema>;
export type AlarmRuleInput = z.input<typeof alarmRuleSchema>;
type ThresholdRule = Extract<AlarmRule, { type: 'limit' | 'metric' }>;

/** The tag (or metric) whose samples drive the rule; null for rules driven by heartbeats, drift or silence. */
export function ruleInput(rule: AlarmRule): string | null {
  if (rule.type === 'limit' || rule.type === 'digital' || rule.type === 'rate-of-change') return rule.tag;
  if (rule.type === 'metric') return rule.metric;
  return null;
}

export function ruleKind(rule: AlarmRule): AlarmKind {
  if (rule.type === 'limit') return rule.limit;
  if (rule.type === 'metric') return 'metric';
  return rule.type;
}

/** The limit shown beside the value in the alarm list. */
export function ruleLimit(rule: AlarmRule): number | boolean | null {
  if (rule.type === 'limit' || rule.type === 'metric') return rule.setpoint;
  if (rule.type === 'digital') return rule.alarmWhen;
  if (rule.type === 'rate-of-change') return rule.ratePerMinute;
  return null;
}

export function ruleMessage(rule: AlarmRule): string {
  if (rule.message !== undefined) return rule.message;
  switch (rule.type) {
    case 'limit':
    case 'metric': {
      const high = rule.limit === 'H' || rule.limit === 'HH';
      return `${ruleInput(rule)} ${rule.limit === 'HH' ? 'high high' : rule.limit === 'LL' ? 'low low' : high ? 'high' : 'low'} (${high ? '≥' : '≤'} ${rule.setpoint})`;
    }
    case 'digital':
      return `${rule.tag} is ${rule.alarmWhen}`;
    case 'rate-of-change':
      return `${rule.tag} changing faster than ${rule.ratePerMinute}/min`;
    case 'comm-loss':
      return `No good reading for ${rule.periods} × ${rule.periodS} s`;
    case 'host-offline':
      return `Host missed ${rule.missed} heartbeats`;
    case 'drift':
      return 'Configuration drifted from the approved baseline';
  }
}

/** What one alarm's condition has seen so far. */
export type ConditionState = {
  /** The condition by the latest input, deadband applied, before delays. */
  raw: boolean;
  /** When `raw` last changed (input time, ms). */
  rawSince: number | null;
  /** The condition after delays: what the alarm follows. */
  active: boolean;
  /** The newest input time seen (ms); older inputs are ignored. */
  lastTs: number;
  /** Comm loss: the newest good sample; host offline: the newest heartbeat. Null until the first tick or input. */
  lastGoodTs: number | null;
  value: ConditionValue;
  /** Rate of change: the samples inside the window, oldest first. */
  window: { ts: number; value: number }[];
};

/** A change of the condition: active or cleared, at this input time, with the value that caused it. */
export type ConditionChange = { active: boolean; at: number; value: ConditionValue };
export type Evaluation = { state: ConditionState; change: ConditionChange | null };

export function initialCondition(): ConditionState {
  return { raw: false, rawSince: null, active: false, lastTs: -Infinity, lastGoodTs: null, value: null, window: [] };
}

/** Most samples a rate-of-change window keeps, whatever the sample rate: bounds memory per alarm. */
const maxWindowSamples = 4096;

function thresholdRaw(rule: ThresholdRule, wasRaw: boolean, value: number): boolean {
  const high = rule.limit === 'H' || rule.limit === 'HH';
  if (high) return wasRaw ? !(value < rule.setpoint - rule.deadband) : value >= rule.setpoint;
  return wasRaw ? !(value > rule.setpoint + rule.deadband) : value <= rule.setpoint;
}

/** Apply on-delay and off-delay to a new raw condition at input time `ts`. */
function applyDelays(state: ConditionState, raw: boolean, ts: number, onDelayMs: number, offDelayMs: number): Evaluation {
  if (raw !== state.raw || state.rawSince === null) {
    state.raw = raw;
    state.rawSince = ts;
  }
  return settle(state, ts, onDelayMs, offDelayMs);
}

/** Commit the raw condition once it has held for its delay by time `now`; the change is dated when the delay ran out. */
function settle(state: ConditionState, now: number, onDelayMs: number, offDelayMs: number): Evaluation {
  if (state.raw === state.active || state.rawSince === null) return { state, change: null };
  const due = state.rawSince + (state.raw ? onDelayMs : offDelayMs);
  if (now < due) return { state, change: null };
  state.active = state.raw;
  return { state, change: { active: state.active, at: due, value: state.value } };
}

function delaysOf(rule: AlarmRule): [number, number] {
  return 'onDelayS' in rule ? [rule.onDelayS * 1000, rule.offDelayS * 1000] : [0, 0];
}

/** Evaluate one sample of the rule's own tag (or metric), or, for comm loss, any sample from its device. */
export function evaluateSample(rule: AlarmRule, previous: ConditionState, sample: TagSample): Evaluation {
  if (sample.ts < previous.lastTs) return { state: previous, change: null };
  const state: ConditionState = { ...previous, lastTs: sample.ts };
  if (rule.type === 'comm-loss') return commLossSample(rule, state, sample);
  if (sample.quality !== 'good') return { state: previous, change: null };
  const [onDelay, offDelay] = delaysOf(rule);
  switch (rule.type) {
    case 'limit':
    case 'metric': {
      if (typeof sample.value !== 'number') return { state: previous, change: null };
      state.value = sample.value;
      return applyDelays(state, thresholdRaw(rule, state.raw, sample.value), sample.ts, onDelay, offDelay);
    }
    case 'digital': {
      if (sample.value === null) return { state: previous, change: null };
      const on = typeof sample.value === 'boolean' ? sample.value : sample.value !== 0;
      state.value = on;
      return applyDelays(state, on === rule.alarmWhen, sample.ts, onDelay, offDelay);
    }
    case 'rate-of-change': {
      if (typeof sample.value !== 'number') return { state: previous, change: null };
      const since = sample.ts - rule.windowS * 1000;
      const window = previous.window.filter((p) => p.ts >= since);
      window.push({ ts: sample.ts, value: sample.value });
      if (window.length > maxWindowSamples) window.splice(0, window.length - maxWindowSamples);
      state.window = window;
      const first = window[0]!;
      const spanMinutes = (sample.ts - first.ts) / 60_000;
      const rate = spanMinutes > 0 ? (sample.value - first.value) / spanMinutes : 0;
      state.value = sample.value;
      const raw = rule.direction === 'rise' ? rate > rule.ratePerMinute : rule.direction === 'fall' ? -rate > rule.ratePerMinute : Math.abs(rate) > rule.ratePerMinute;
      return applyDelays(state, raw, sample.ts, 0, 0);
    }
    default:
      return { state: previous, change: null };
  }
}

function silenceLimitMs(rule: AlarmRule): number {
  if (rule.type === 'comm-loss') return rule.periodS * rule.periods * 1000;
  if (rule.type === 'host-offline') return rule.heartbeatS * rule.missed * 1000;
  return Infinity;
}

function commLossSample(rule: AlarmRule, state: ConditionState, sample: TagSample): Evaluation {
  if (sample.quality === 'good') {
    state.lastGoodTs = Math.max(state.lastGoodTs ?? -Infinity, sample.ts);
    // A tick may have raised the loss on the console's clock after this sample was read (it was queued on the
    // way): the clear is dated no earlier than the raise, so the history never runs backwards.
    const at = Math.max(sample.ts, state.rawSince ?? -Infinity);
    state.raw = false;
    state.rawSince = at;
    if (!state.active) return { state, change: null };
    state.active = false;
    return { state, change: { active: false, at, value: null } };
  }
  // A fault reported by the gateway itself: the silence is measured from the last good sample.
  return silence(rule, state, sample.ts);
}

function silence(rule: AlarmRule, state: ConditionState, now: number): Evaluation {
  if (state.lastGoodTs === null) {
    // Nothing heard yet: the watch starts now, so a device that never answers alarms after one full limit.
    state.lastGoodTs = now;
    return { state, change: null };
  }
  const due = state.lastGoodTs + silenceLimitMs(rule);
  if (state.active || now < due) return { state, change: null };
  state.raw = true;
  state.rawSince = due;
  state.active = true;
  return { state, change: { active: true, at: due, value: null } };
}

/** Evaluate the passing of time: on-delay and off-delay completing, comm loss and missed heartbeats. */
export function evaluateTime(rule: AlarmRule, previous: ConditionState, now: number): Evaluation {
  if (rule.type === 'comm-loss' || rule.type === 'host-offline') {
    if (previous.active || (previous.lastGoodTs !== null && now < previous.lastGoodTs + silenceLimitMs(rule))) return { state: previous, change: null };
    return silence(rule, { ...previous }, now);
  }
  if (previous.raw === previous.active) return { state: previous, change: null };
  const [onDelay, offDelay] = delaysOf(rule);
  return settle({ ...previous }, now, onDelay, offDelay);
}

/** A heartbeat from the host (host-offline rules). */
export function evaluateHeartbeat(rule: AlarmRule, previous: ConditionState, ts: number): Evaluation {
  if (rule.type !== 'host-offline' || ts < previous.lastTs) return { state: previous, change: null };
  const state: ConditionState = { ...previous, lastTs: ts, lastGoodTs: Math.max(previous.lastGoodTs ?? -Infinity, ts), raw: false, rawSince: ts };
  if (!state.active) return { state, change: null };
  state.active = false;
  return { state, change: { active: false, at: ts, value: null } };
}

/** A drift check's result (drift rules): how many changes from the approved baseline. */
export function evaluateDrift(rule: AlarmRule, previous: ConditionState, ts: number, changes: number): Evaluation {
  if (rule.type !== 'drift' || ts < previous.lastTs || !Number.isFinite(changes)) return { state: previous, change: null };
  const state: ConditionState = { ...previous, lastTs: ts, value: changes };
  return applyDelays(state, changes > 0, ts, 0, 0);
}
