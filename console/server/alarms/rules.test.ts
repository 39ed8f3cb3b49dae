import { describe, expect, it } from 'vitest';
import type { TagSample } from '../../../modules/kernel/telemetry.js';
import {
  alarmRuleSchema,
  evaluateDrift,
  evaluateHeartbeat,
  evaluateSample,
  evaluateTime,
  initialCondition,
  ruleMessage,
  type AlarmRule,
  type AlarmRuleInput,
  type ConditionChange,
  type ConditionState,
} from './rules.js';

const t0 = Date.UTC(2026, 10, 24, 6, 0, 0);
const s = 1000;

function rule(input: Omit<AlarmRuleInput, 'id' | 'priority' | 'target'> & Partial<AlarmRuleInput>): AlarmRule {
  return alarmRuleSchema.parse({ id: 'r1', priority: 'high', target: { hostId: 'gw1' }, ...input });
}

/** Feed values one per second from t0 (or explicit samples); collect the condition's changes. */
function feed(r: AlarmRule, inputs: (number | boolean | TagSample)[], state: ConditionState = initialCondition()) {
  const changes: ConditionChange[] = [];
  inputs.forEach((input, i) => {
    const sample: TagSample = typeof input === 'object' ? input : { tag: 'x', ts: t0 + i * s, value: input, quality: 'good' };
    const result = evaluateSample(r, state, sample);
    state = result.state;
    if (result.change) changes.push(result.change);
  });
  return { changes, state };
}

describe('rule schemas', () => {
  it('fills defaults and refuses what makes no sense, naming the field', () => {
    const r = rule({ type: 'limit', tag: 'LT-201', limit: 'H', setpoint: 4.5 });
    expect(r).toMatchObject({ latching: false, maxShelveMinutes: 480, deadband: 0, onDelayS: 0, offDelayS: 0 });
    const bad = [
      { type: 'limit', tag: 'LT-201', limit: 'HHH', setpoint: 1 },
      { type: 'limit', tag: '=cmd', limit: 'H', setpoint: 1 },
      { type: 'limit', tag: 'LT-201', limit: 'H', setpoint: 1, deadband: -1 },
      { type: 'rate-of-change', tag: 'LT-201', ratePerMinute: 0, windowS: 60 },
      { type: 'comm-loss', periodS: 0 },
      { type: 'eval', code: 'x' },
    ];
    for (const b of bad) expect(alarmRuleSchema.safeParse({ id: 'r', priority: 'low', target: { hostId: 'h' }, ...b }).success).toBe(false);
    expect(alarmRuleSchema.safeParse({ id: 'r', priority: 'low', target: {}, type: 'drift' }).success).toBe(false);
    const error = alarmRuleSchema.safeParse({ id: 'r', priority: 'urgent', target: { hostId: 'h' }, type: 'drift' });
    expect(error.error?.issues[0]?.path).toEqual(['priority']);
  });

  it('makes a message operators can read', () => {
    expect(ruleMessage(rule({ type: 'limit', tag: 'FT-101', limit: 'L', setpoint: 5 }))).toBe('FT-101 low (≤ 5)');
    expect(ruleMessage(rule({ type: 'limit', tag: 'FT-101', limit: 'L', setpoint: 5, message: 'Low flow to filter 1' }))).toBe('Low flow to filter 1');
  });
});

describe('limit rules', () => {
  it('raises at the high limit and clears only past the deadband', () => {
    const r = rule({ type: 'limit', tag: 'LT-201', limit: 'H', setpoint: 10, deadband: 1 });
    const { changes } = feed(r, [9, 10, 9.5, 9.1, 9, 8.9, 10.2]);
    expect(changes).toEqual([
      { active: true, at: t0 + 1 * s, value: 10 },
      { active: false, at: t0 + 5 * s, value: 8.9 },
      { active: true, at: t0 + 6 * s, value: 10.2 },
    ]);
  });

  it('low limits mirror it', () => {
    const r = rule({ type: 'limit', tag: 'FT-101', limit: 'LL', setpoint: 2, deadband: 0.5 });
    expect(feed(r, [3, 2, 2.4, 2.6]).changes.map((c) => [c.active, c.at])).toEqual([
      [true, t0 + s],
      [false, t0 + 3 * s],
    ]);
  });

  it('on-delay: the condition must hold N seconds of sample time; a blip does not alarm', () => {
    const r = rule({ type: 'limit', tag: 'LT-201', limit: 'H', setpoint: 10, onDelayS: 3, offDelayS: 2 });
    const { changes } = feed(r, [11, 11, 9, 11, 11, 11, 11, 9, 11, 9, 9, 9]);
    expect(changes).toEqual([
      { active: true, at: t0 + 6 * s, value: 11 },
      { active: false, at: t0 + 11 * s, value: 9 },
    ]);
  });

  it('a tick completes a delay when no new sample comes (report by exception)', () => {
    const r = rule({ type: 'limit', tag: 'LT-201', limit: 'H', setpoint: 10, onDelayS: 30 });
    const { state } = feed(r, [11]);
    expect(evaluateTime(r, state, t0 + 29 * s).change).toBeNull();
    expect(evaluateTime(r, state, t0 + 31 * s).change).toEqual({ active: true, at: t0 + 30 * s, value: 11 });
  });

  it('ignores bad quality and out-of-order samples', () => {
    const r = rule({ type: 'limit', tag: 'LT-201', limit: 'H', setpoint: 10 });
    const { changes } = feed(r, [
      { tag: 'LT-201', ts: t0, value: 11, quality: 'good' },
      { tag: 'LT-201', ts: t0 + s, value: 0, quality: 'comm-fault' },
      { tag: 'LT-201', ts: t0 + 2 * s, value: 0, quality: 'stale' },
      { tag: 'LT-201', ts: t0 - 5 * s, value: 0, quality: 'good' },
      { tag: 'LT-201', ts: t0 + 3 * s, value: 5, quality: 'good' },
    ]);
    expect(changes.map((c) => [c.active, c.at])).toEqual([
      [true, t0],
      [false, t0 + 3 * s],
    ]);
  });

  it('replayed data alarms at the times it happened', () => {
    const r = rule({ type: 'metric', metric: 'disk.used.percent', limit: 'HH', setpoint: 95, onDelayS: 60 });
    const hourAgo = t0 - 3_600_000;
    const samples = Array.from({ length: 120 }, (_, i) => ({ tag: 'disk.used.percent', ts: hourAgo + i * s, value: i >= 10 ? 97 : 90, quality: 'good' as const }));
    expect(feed(r, samples).changes).toEqual([{ active: true, at: hourAgo + 70 * s, value: 97 }]);
  });
});

describe('other rules', () => {
  it('digital: the alarm follows the state, with numbers read as 0/1', () => {
    const r = rule({ type: 'digital', tag: 'P-101.fault', alarmWhen: true });
    expect(feed(r, [false, true, true, 0, 1]).changes.map((c) => c.active)).toEqual([true, false, true]);
  });

  it('rate of change: units per minute over the window', () => {
    const r = rule({ type: 'rate-of-change', tag: 'LT-201', ratePerMinute: 6, windowS: 10, direction: 'fall' });
    // Falling 0.2 per second = 12 per minute from the 5th second; rising never alarms a fall rule.
    const values = [5, 5, 5, 5, 5, 4.8, 4.6, 4.4, 4.2, 4, 3.8, 3.6, 3.4, 3.2, 3, 2.8, 2.6, 2.4, 2.2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 9, 20];
    const { changes } = feed(r, values);
    expect(changes[0]).toMatchObject({ active: true });
    expect(changes[1]).toMatchObject({ active: false });
    expect(changes).toHaveLength(2);
  });

  it('comm loss: no good sample for N periods, by tick or by fault samples; a good sample clears', () => {
    const r = rule({ type: 'comm-loss', periodS: 1, periods: 5 });
    let state = initialCondition();
    state = evaluateTime(r, state, t0).state; // the watch starts
    expect(evaluateTime(r, state, t0 + 4 * s).change).toBeNull();
    const lost = evaluateTime(r, state, t0 + 7 * s);
    expect(lost.change).toEqual({ active: true, at: t0 + 5 * s, value: null });
    const back = evaluateSample(r, lost.state, { tag: 'FT-101', ts: t0 + 8 * s, value: 3, quality: 'good' });
    expect(back.change).toEqual({ active: false, at: t0 + 8 * s, value: null });
    const faults = evaluateSample(r, back.state, { tag: 'FT-101', ts: t0 + 13 * s, value: null, quality: 'comm-fault' });
    expect(faults.change).toEqual({ active: true, at: t0 + 13 * s, value: null });
  });

  it('comm loss: a queued good sample read before the raise clears it no earlier than the raise', () => {
    const r = rule({ type: 'comm-loss', periodS: 1, periods: 5 });
    const watching = evaluateTime(r, initialCondition(), t0).state;
    const lost = evaluateTime(r, watching, t0 + 9 * s);
    expect(lost.change).toMatchObject({ active: true, at: t0 + 5 * s });
    expect(evaluateSample(r, lost.state, { tag: 'FT-101', ts: t0 + 2 * s, value: 3, quality: 'good' }).change).toEqual({ active: false, at: t0 + 5 * s, value: null });
  });

  it('host offline: missed heartbeats; the next heartbeat clears', () => {
    const r = rule({ type: 'host-offline', heartbeatS: 10, missed: 3 });
    let state = evaluateHeartbeat(r, initialCondition(), t0).state;
    expect(evaluateTime(r, state, t0 + 29 * s).change).toBeNull();
    const off = evaluateTime(r, state, t0 + 45 * s);
    expect(off.change).toMatchObject({ active: true, at: t0 + 30 * s });
    state = off.state;
    expect(evaluateHeartbeat(r, state, t0 + 50 * s).change).toMatchObject({ active: false, at: t0 + 50 * s });
  });

  it('drift: any change from the baseline', () => {
    const r = rule({ type: 'drift' });
    const first = evaluateDrift(r, initialCondition(), t0, 0);
    expect(first.change).toBeNull();
    const drifted = evaluateDrift(r, first.state, t0 + s, 2);
    expect(drifted.change).toEqual({ active: true, at: t0 + s, value: 2 });
    expect(evaluateDrift(r, drifted.state, t0 + 2 * s, 0).change).toMatchObject({ active: false });
  });
});
