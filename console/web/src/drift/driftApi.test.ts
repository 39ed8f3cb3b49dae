import { describe, expect, it } from 'vitest';
import { categoryState, hasSomethingToApprove, type DriftReport } from './driftApi.js';

const empty = { added: [], removed: [], changed: [] };

function report(overrides: Partial<DriftReport>): DriftReport {
  return {
    hostId: 'h_gw3',
    current: { collectedAt: '2026-11-24T05:00:00.000Z', facts: { hostname: { hostname: 'gw-3' }, listening: { 'tcp 0.0.0.0:22': 'sshd' } } },
    digest: `sha256:${'0'.repeat(64)}`,
    baseline: null,
    drift: {},
    changes: 0,
    unavailable: [],
    ...overrides,
  };
}

const baseline = { facts: { collectedAt: '2026-11-20T00:00:00.000Z', facts: { hostname: { hostname: 'gw-3' } } }, approvedBy: 'admin', approvedAt: '2026-11-20T00:00:00.000Z' };

describe('categoryState', () => {
  it('lists what is there when nothing was approved yet', () => {
    expect(categoryState(report({}), 'hostname')).toEqual({ kind: 'unwatched', items: { hostname: 'gw-3' } });
    expect(hasSomethingToApprove(report({}))).toBe(true);
  });

  it('says why a category was not read', () => {
    const r = report({ unavailable: [{ category: 'packages', code: 'module-disabled', message: 'the host’s policy disables the package module' }] });
    expect(categoryState(r, 'packages')).toMatchObject({ kind: 'unavailable', code: 'module-disabled' });
  });

  it('tells a category the baseline never had from one without changes', () => {
    const r = report({ baseline, drift: { hostname: empty } });
    expect(categoryState(r, 'hostname')).toMatchObject({ kind: 'compared', changes: 0 });
    expect(categoryState(r, 'listening')).toMatchObject({ kind: 'new-category' });
    expect(hasSomethingToApprove(r)).toBe(true);
  });

  it('has nothing to approve when everything matches the baseline', () => {
    const r = report({
      baseline,
      current: { collectedAt: '2026-11-24T05:00:00.000Z', facts: { hostname: { hostname: 'gw-3' } } },
      drift: { hostname: empty },
      unavailable: [],
    });
    expect(hasSomethingToApprove(r)).toBe(false);
  });
});
