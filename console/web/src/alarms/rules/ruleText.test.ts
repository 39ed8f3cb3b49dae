import { describe, expect, it } from 'vitest';
import { alarmRuleSchema, type AlarmRuleInput } from '../../../../../modules/kernel/alarm-rules.js';
import { describeRule, formatSeconds, nameList, ruleSearchText, ruleTypeLabel, ruleTypes, suppressionText, targetText } from './ruleText.js';

const rule = (input: Record<string, unknown>) =>
  alarmRuleSchema.parse({ id: 'r1', priority: 'high', target: { siteId: 'plant-1' }, ...input } as AlarmRuleInput);

const units: Record<string, string> = { 'LT-201': 'm', 'FT-101': 'm3/h' };
const unitOf = (tag: string) => units[tag];
const names = { site: (id: string) => (id === 'plant-1' ? 'North plant' : undefined), host: (id: string) => (id === 'gw1' ? 'Gateway 1' : undefined) };

describe('describeRule', () => {
  it('says a limit with its unit, limit, deadband and delays', () => {
    const r = rule({ type: 'limit', tag: 'LT-201', limit: 'HH', setpoint: 4.8, deadband: 0.1, onDelayS: 5 });
    expect(describeRule(r, unitOf)).toBe('LT-201 ≥ 4.8 m (HH), deadband 0.1, on-delay 5 s');
  });

  it('leaves out a zero deadband and zero delays, and says ≤ for low limits', () => {
    expect(describeRule(rule({ type: 'limit', tag: 'FT-101', limit: 'L', setpoint: 12 }), unitOf)).toBe('FT-101 ≤ 12 m³/h (L)');
    expect(describeRule(rule({ type: 'limit', tag: 'X-1', limit: 'LL', setpoint: -2, offDelayS: 120 }))).toBe('X-1 ≤ -2 (LL), off-delay 2 min');
  });

  it('gives metrics their unit from the name', () => {
    expect(describeRule(rule({ type: 'metric', metric: 'disk.used.percent', limit: 'H', setpoint: 90, deadband: 2 }))).toBe(
      'disk.used.percent ≥ 90 % (H), deadband 2',
    );
    expect(describeRule(rule({ type: 'metric', metric: 'load.1', limit: 'H', setpoint: 8 }))).toBe('load.1 ≥ 8 (H)');
  });

  it('says digital, rate, comm-loss, host-offline and drift rules in words', () => {
    expect(describeRule(rule({ type: 'digital', tag: 'P-101.fault', alarmWhen: true, onDelayS: 2 }))).toBe('P-101.fault is true, on-delay 2 s');
    expect(describeRule(rule({ type: 'rate-of-change', tag: 'LT-201', ratePerMinute: 0.5, windowS: 60, direction: 'fall' }), unitOf)).toBe(
      'LT-201 falls faster than 0.5 m/min over 60 s',
    );
    expect(describeRule(rule({ type: 'rate-of-change', tag: 'Z', ratePerMinute: 3, windowS: 300 }))).toBe('Z changes faster than 3/min over 5 min');
    expect(describeRule(rule({ type: 'comm-loss', periodS: 1, periods: 3, tags: ['FT-101', 'LT-201'] }))).toBe(
      'no good sample from FT-101, LT-201 for 3 × 1 s',
    );
    expect(describeRule(rule({ type: 'comm-loss', periodS: 10 }))).toBe('no good sample from any tag for 3 × 10 s');
    expect(describeRule(rule({ type: 'comm-loss', periodS: 10, commTag: 'plc.comm' }))).toBe('no good sample from any tag for 3 × 10 s, or plc.comm false');
    expect(describeRule(rule({ type: 'host-offline', heartbeatS: 30 }))).toBe('no heartbeat for 3 × 30 s');
    expect(describeRule(rule({ type: 'drift' }))).toBe('configuration differs from the approved baseline');
    expect(describeRule(rule({ type: 'audit-chain', target: { hostId: 'console' } }))).toMatch(/audit log/);
  });

  it('shortens long tag lists', () => {
    expect(nameList(['a', 'b', 'c', 'd', 'e'])).toBe('a, b, c and 2 more');
    expect(describeRule(rule({ type: 'comm-loss', periodS: 1, tags: ['A', 'B', 'C', 'D'] }))).toBe('no good sample from A, B, C and 1 more for 3 × 1 s');
  });
});

describe('formatSeconds', () => {
  it('is exact, in the largest unit that divides', () => {
    expect([0, 5, 60, 90, 119, 120, 300, 3600, 5400, 7200].map(formatSeconds)).toEqual([
      '0 s',
      '5 s',
      '60 s',
      '90 s',
      '119 s',
      '2 min',
      '5 min',
      '1 h',
      '90 min',
      '2 h',
    ]);
  });
});

describe('target and suppression', () => {
  it('names the site or host, falling back to the id', () => {
    expect(targetText({ siteId: 'plant-1' }, names)).toBe('Site North plant');
    expect(targetText({ siteId: 'gone' }, names)).toBe('Site gone');
    expect(targetText({ hostId: 'gw1' }, names)).toBe('Host Gateway 1');
    expect(targetText({ hostId: 'gw1', siteId: 'plant-1' }, names)).toBe('Host Gateway 1 (North plant)');
    expect(targetText({ allHosts: true }, names)).toBe('Every host');
    expect(targetText({ hostId: 'console' }, names)).toBe('The console');
  });

  it('says suppression by design', () => {
    expect(suppressionText(rule({ type: 'drift' }))).toBeNull();
    expect(suppressionText(rule({ type: 'limit', tag: 'FT-101', limit: 'L', setpoint: 1, suppressedWhen: { tag: 'P-101.running', equals: false } }))).toBe(
      'suppressed while P-101.running = false',
    );
  });

  it('labels every rule type the schema has', () => {
    const types = alarmRuleSchema.options.map((o) => o.shape.type.value);
    expect(ruleTypes.map((t) => t.value).sort()).toEqual([...types].sort());
    expect(ruleTypeLabel('comm-loss')).toBe('Comm loss');
  });

  it('searches id, message, words and target', () => {
    const text = ruleSearchText(rule({ type: 'limit', tag: 'LT-201', limit: 'H', setpoint: 4, message: 'Tank high' }), names);
    for (const needle of ['r1', 'tank high', 'lt-201', 'north plant', 'tag limit']) expect(text).toContain(needle);
  });
});
