import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { contract } from './contract.js';
import { hostnameProblem } from './hostname-pattern.js';
import { hostileHostnames } from './test-support.js';


function issues(method: keyof typeof contract.methods, params: unknown): string[] {
  const parsed = contract.methods[method].params.safeParse(params);
  return parsed.success ? [] : parsed.error.issues.map((issue) => issue.path.join('.'));
}

describe('network contract', () => {
  it('setHostname refuses every hostile name, naming the field', () => {
    for (const bad of hostileHostnames) expect(issues('setHostname', { hostname: bad }), JSON.stringify(bad.slice(0, 40))).toEqual(['hostname']);
  });

  it('setHostname takes RFC 1123 names up to 253 characters', () => {
    for (const good of ['gw-01', 'GW01', 'pump-station-3.plant.example', '3com', `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`]) {
      expect(issues('setHostname', { hostname: good }), good).toEqual([]);
    }
    expect(hostnameProblem(`${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(62)}`)).toMatch(/253/);
  });

  it('no accepted host name can carry a shell metacharacter, a path or start with a hyphen', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        if (hostnameProblem(text) !== undefined) return;
        expect(text).toMatch(/^[A-Za-z0-9][A-Za-z0-9.-]*$/);
        expect(text.length).toBeLessThanOrEqual(253);
      }),
      { numRuns: 2000 },
    );
  });

  it('read methods take no params and refuse unknown ones', () => {
    for (const method of ['interfaces', 'routes', 'dns', 'listening', 'hostname'] as const) {
      expect(issues(method, {})).toEqual([]);
      expect(issues(method, { path: '../../etc/shadow' })).not.toEqual([]);
    }
    expect(issues('setHostname', { hostname: 'gw', extra: '$(id)' })).not.toEqual([]);
  });

  it('setHostname is dangerous; reading is read', () => {
    expect(contract.permissions['network.hostname'].risk).toBe('dangerous');
    expect(contract.permissions['network.read'].risk).toBe('read');
  });
});
