import { describe, expect, it } from 'vitest';
import { agentPolicySchema } from './policy.js';
import { maxTagPatterns, policyAllowsTagWrite, tagMatches, tagPatternProblem } from './writable-tags.js';

function policyProblem(policy: unknown): string {
  const parsed = agentPolicySchema.safeParse(policy);
  if (parsed.success) throw new Error(`expected ${JSON.stringify(policy)} to be refused`);
  const issue = parsed.error.issues[0]!;
  return `${issue.path.join('.')}: ${issue.message}`;
}

describe('modbusWritableTags in the policy schema', () => {
  it('is absent by default, so the profiles decide as before', () => {
    expect(agentPolicySchema.parse({}).modbusWritableTags).toBeUndefined();
    expect(agentPolicySchema.parse({ modbusWritableTags: [] }).modbusWritableTags).toEqual([]);
    expect(agentPolicySchema.parse({ modbusWritableTags: ['pump1.speed.setpoint', '*.speed.setpoint', 'dose-1_a', '*'] }).modbusWritableTags).toHaveLength(4);
  });

  it('refuses hostile entries, naming the key and the entry', () => {
    expect(policyProblem({ modbusWritableTags: [''] })).toMatch(/^modbusWritableTags\.0: is empty/);
    expect(policyProblem({ modbusWritableTags: ['ok', '..'] })).toMatch(/^modbusWritableTags\.1: .*empty segment/);
    expect(policyProblem({ modbusWritableTags: ['pump1..speed'] })).toMatch(/empty segment 2/);
    expect(policyProblem({ modbusWritableTags: ['.pump1'] })).toMatch(/empty segment 1/);
    expect(policyProblem({ modbusWritableTags: ['pump1.'] })).toMatch(/empty segment 2/);
    expect(policyProblem({ modbusWritableTags: ['a'.repeat(65)] })).toMatch(/longer than 64/);
    expect(policyProblem({ modbusWritableTags: ['a'.repeat(100_000)] })).toMatch(/longer than 64/);
    expect(policyProblem({ modbusWritableTags: ['pump*'] })).toMatch(/one whole segment/);
    expect(policyProblem({ modbusWritableTags: ['**'] })).toMatch(/one whole segment/);
    for (const hostile of ['pump[0-9]', 'pump.+', '^pump$', '(pump|valve)', 'a\\.b', 'pump?', '../etc', 'pump 1', 'pömpe']) {
      expect(policyProblem({ modbusWritableTags: [hostile] }), hostile).toMatch(/^modbusWritableTags\.0: /);
    }
    expect(policyProblem({ modbusWritableTags: 'pump1.speed' })).toMatch(/^modbusWritableTags: /);
    expect(policyProblem({ modbusWritableTags: [42] })).toMatch(/^modbusWritableTags\.0: /);
    expect(policyProblem({ modbusWritableTags: Array.from({ length: maxTagPatterns + 1 }, (_, i) => `t${i}`) })).toMatch(/^modbusWritableTags: /);
  });
});

describe('tagMatches', () => {
  it('matches names exactly, and * as one whole segment', () => {
    expect(tagMatches('pump1.speed.setpoint', 'pump1.speed.setpoint')).toBe(true);
    expect(tagMatches('pump1.speed.setpoint', 'pump1.speed.setpoint2')).toBe(false);
    expect(tagMatches('pump1.speed.setpoint', 'Pump1.speed.setpoint')).toBe(false);
    expect(tagMatches('*.speed.setpoint', 'pump1.speed.setpoint')).toBe(true);
    expect(tagMatches('*.speed.setpoint', 'pump2.speed.setpoint')).toBe(true);
    expect(tagMatches('pump1.*', 'pump1.speed')).toBe(true);
    // One segment, never more, never none.
    expect(tagMatches('pump1.*', 'pump1.speed.setpoint')).toBe(false);
    expect(tagMatches('pump1.*', 'pump1')).toBe(false);
    expect(tagMatches('*', 'dose')).toBe(true);
    expect(tagMatches('*', 'dose.setpoint')).toBe(false);
    expect(tagMatches('*.*', 'a..b')).toBe(false);
  });

  it('treats regular-expression characters literally and matches nothing with an invalid pattern', () => {
    // Had these been compiled into a regular expression, each would match the tag beside it.
    expect(tagMatches('pump.+', 'pump.x')).toBe(false);
    expect(tagMatches('pump1.spee.', 'pump1.speed')).toBe(false);
    expect(tagMatches('.*', 'pump1.speed')).toBe(false);
    expect(tagMatches('pump[0-9].speed', 'pump1.speed')).toBe(false);
    expect(tagMatches('(pump1|pump2).speed', 'pump2.speed')).toBe(false);
    expect(tagMatches('', '')).toBe(false);
    expect(tagMatches('..', '..')).toBe(false);
    expect(tagMatches('pump*', 'pump*')).toBe(false);
    expect(tagMatches('a'.repeat(65), 'a'.repeat(65))).toBe(false);
  });
});

describe('policyAllowsTagWrite', () => {
  it('leaves it to the profile without a list, and allows only listed tags with one, even an empty one', () => {
    expect(policyAllowsTagWrite(undefined, 'pump1.speed.setpoint')).toBe(true);
    expect(policyAllowsTagWrite([], 'pump1.speed.setpoint')).toBe(false);
    expect(policyAllowsTagWrite(['dose.setpoint', '*.speed.setpoint'], 'pump1.speed.setpoint')).toBe(true);
    expect(policyAllowsTagWrite(['dose.setpoint', '*.speed.setpoint'], 'dose.limit')).toBe(false);
    expect(policyAllowsTagWrite(['', '..', '*.*.*.*'], 'pump1.speed.setpoint')).toBe(false);
  });
});
