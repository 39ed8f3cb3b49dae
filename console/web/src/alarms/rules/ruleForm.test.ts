import { describe, expect, it } from 'vitest';
import { alarmRuleSchema } from '../../../../../modules/kernel/alarm-rules.js';
import { draftToRule, emptyDraft, fieldOfPath, parseEquals, parseRuleError, placeProblems, ruleToDraft, validateRule } from './ruleForm.js';

describe('draftToRule and ruleToDraft', () => {
  it('round-trips every kind of rule through the form', () => {
    const rules = [
      { id: 'lt201-hh', type: 'limit', priority: 'high', target: { siteId: 'plant-1' }, tag: 'LT-201', limit: 'HH', setpoint: 4.8, deadband: 0.1, onDelayS: 5, offDelayS: 10, latching: true, maxShelveMinutes: 120, message: 'Tank high high' },
      { id: 'disk', type: 'metric', priority: 'medium', target: { allHosts: true }, metric: 'disk.used.percent', limit: 'H', setpoint: 90, deadband: 2, onDelayS: 0, offDelayS: 0, latching: false, maxShelveMinutes: 480 },
      { id: 'p101', type: 'digital', priority: 'low', target: { hostId: 'gw1', siteId: 'plant-1' }, tag: 'P-101.fault', alarmWhen: false, onDelayS: 2, offDelayS: 0, latching: false, maxShelveMinutes: 0, suppressedWhen: { tag: 'P-101.running', equals: false } },
      { id: 'roc', type: 'rate-of-change', priority: 'medium', target: { siteId: 's' }, tag: 'LT-201', ratePerMinute: 0.5, windowS: 60, direction: 'fall', latching: false, maxShelveMinutes: 480, suppressedWhen: { tag: 'MODE', equals: 2 } },
      { id: 'comm', type: 'comm-loss', priority: 'high', target: { hostId: 'gw1' }, periodS: 1, periods: 5, tags: ['FT-101', 'LT-201'], commTag: 'plc.comm', latching: false, maxShelveMinutes: 480 },
      { id: 'off', type: 'host-offline', priority: 'medium', target: { allHosts: true }, heartbeatS: 30, missed: 3, latching: false, maxShelveMinutes: 480 },
      { id: 'drift', type: 'drift', priority: 'low', target: { siteId: 's' }, latching: false, maxShelveMinutes: 480 },
      { id: 'audit-chain', type: 'audit-chain', priority: 'critical', target: { hostId: 'console' }, latching: false, maxShelveMinutes: 0 },
    ];
    for (const input of rules) {
      const parsed = alarmRuleSchema.parse(input);
      const back = draftToRule(ruleToDraft(parsed));
      expect(alarmRuleSchema.parse(back)).toEqual(parsed);
      expect(validateRule(back)).toEqual([]);
    }
  });

  it('leaves out empty optional fields and sends only the chosen type’s fields', () => {
    const draft = { ...emptyDraft, type: 'host-offline' as const, id: 'x', siteId: 'plant-1', tag: 'LEFT-OVER', setpoint: 3 };
    expect(draftToRule(draft)).toEqual({ id: 'x', type: 'host-offline', priority: 'medium', latching: false, maxShelveMinutes: 480, target: { siteId: 'plant-1' }, heartbeatS: 30, missed: 3 });
  });

  it('keeps a half-typed number for the schema to refuse at its field', () => {
    const problems = validateRule(draftToRule({ ...emptyDraft, id: 'x', siteId: 's', tag: 'T', setpoint: '-' }));
    expect(problems.map((p) => p.path)).toEqual(['setpoint']);
  });

  it('reads a suppression value as boolean, number or (refused) text', () => {
    expect([parseEquals('true'), parseEquals(' false '), parseEquals('2.5'), parseEquals('on')]).toEqual([true, false, 2.5, 'on']);
    const problems = validateRule(draftToRule({ ...emptyDraft, type: 'drift', id: 'x', siteId: 's', suppressTag: 'P-1', suppressEquals: 'on' }));
    expect(problems.map((p) => fieldOfPath(p.path))).toEqual(['suppressedWhen.equals']);
    const missingTag = validateRule(draftToRule({ ...emptyDraft, type: 'drift', id: 'x', siteId: 's', suppressEquals: 'false' }));
    expect(missingTag.map((p) => fieldOfPath(p.path))).toEqual(['suppressedWhen.tag']);
  });

  it('falls back to defaults for JSON fields of the wrong type', () => {
    const draft = ruleToDraft({ type: 'limit', id: 5, setpoint: 'high', tags: ['a', 3] });
    expect(draft.id).toBe('');
    expect(draft.setpoint).toBe('');
    expect(draft.tags).toEqual(['a']);
  });
});

describe('mistakes', () => {
  it('reads the console’s refusal', () => {
    expect(parseRuleError('Alarm rule: setpoint: Invalid input: expected number, received undefined')).toEqual({
      path: 'setpoint',
      message: 'Invalid input: expected number, received undefined',
    });
    expect(parseRuleError('Alarm rule: tags.2: letters, digits and _ . : / - only')).toEqual({ path: 'tags.2', message: 'letters, digits and _ . : / - only' });
    expect(parseRuleError('Rule body id must equal the path')).toBeNull();
  });

  it('places a mistake at the input that shows it, the rest above the form', () => {
    const problems = [
      { path: 'target', message: 'a rule targets …' },
      { path: 'tags.2', message: 'bad tag' },
      { path: 'setpoint', message: 'expected number' },
      { path: 'rule', message: 'unknown key' },
    ];
    const placed = placeProblems(problems, 'comm-loss');
    expect(placed.byField).toEqual({ target: 'a rule targets …', tags: 'bad tag' });
    expect(placed.elsewhere.map((p) => p.path)).toEqual(['setpoint', 'rule']);
    expect(fieldOfPath('target.hostId')).toBe('target');
    expect(fieldOfPath('suppressedWhen')).toBe('suppressedWhen.tag');
  });

  it('names unknown keys and a missing target', () => {
    const problems = validateRule({ id: 'x', type: 'drift', priority: 'low', target: {}, colour: 'red' });
    expect(problems.map((p) => p.path).sort()).toEqual(['rule', 'target']);
    expect(problems.find((p) => p.path === 'rule')?.message).toContain('colour');
  });
});
