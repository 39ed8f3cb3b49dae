import type { AlarmKind } from '../../../modules/kernel/alarm-model.js';
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

import { alarmRuleSchema, consoleConditionTags, type AlarmRule } from '../../../modules/kernel/alarm-rules.js';

export * from '../../../modules/kernel/alarm-rules.js';
export { alarmRuleSchema };

type ThresholdRule = Extract<AlarmRule, { type: 'limit' | 'metric' }>;

/** The tag (or metric) whose samples drive the rule; null for rules driven by heartbeats, drift or silence. */
export function ruleInput(rule: AlarmRule): string | null {
  if (rule.type === 'limit' || rule.type === 'digital' || rule.type === 'rate-of-change') return rule.tag;
  if (rule.type === 'metric') return rule.metric;
  if (rule.type === 'recording-failed' || rule.type === 'audit-chain') return consoleConditionTags[rule.type];
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
    case 'recording-failed':
      return 'A terminal session could not be recorded';
    case 'audit-chain':
      return 'The audit log does not verify: an entry was changed, removed or reordered';
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
    case 'recording-failed':
    case 'audit-chain':
      // Events the console itself reports: true raises, false clears (a failed recording is a pulse: raise, clear).
      if (typeof sample.value !== 'boolean') return { state: previous, change: null };
      state.value = sample.value;
      return applyDelays(state, sample.value, sample.ts, 0, 0);
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

function commLossSample(rule: Extract<AlarmRule, { type: 'comm-loss' }>, state: ConditionState, sample: TagSample): Evaluation {
  if (sample.tag === rule.commTag && sample.quality === 'good' && sample.value === false) {
    // The gateway says the device does not answer: no need to wait out the silence.
    if (state.active) return { state, change: null };
    state.raw = true;
    state.rawSince = sample.ts;
    state.active = true;
    return { state, change: { active: true, at: sample.ts, value: null } };
  }
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
