import { describe, expect, it } from 'vitest';
import { mustUseSecondFactor, rolesRequiringCheck } from './policy.js';

describe('two-factor policy', () => {
  it('requires a second factor of users holding a role marked for it on any scope, and of no one else', () => {
    expect(rolesRequiringCheck(['administrator', 'viewer', 'administrator'], ['administrator', 'system-operator'])).toEqual(['administrator']);
    expect(mustUseSecondFactor(['viewer', 'administrator'], ['administrator'])).toBe(true);
    expect(mustUseSecondFactor(['viewer', 'night-shift'], ['administrator'])).toBe(false);
    expect(mustUseSecondFactor(['viewer'], [])).toBe(false);
  });
});
