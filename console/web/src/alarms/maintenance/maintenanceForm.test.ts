import { describe, expect, it } from 'vitest';
import { buildRequest, fieldOf, fromLocalInput, initialValues, sentence, toLocalInput } from './maintenanceForm.js';

const now = new Date(2026, 10, 24, 14, 30, 42).getTime();

describe('the schedule-maintenance form', () => {
  it('starts at this minute and lasts two hours, in local time', () => {
    const values = initialValues(now);
    expect(values.from).toBe('2026-11-24T14:30');
    expect(values.to).toBe('2026-11-24T16:30');
    expect(fromLocalInput(values.from)).toBe(new Date(2026, 10, 24, 14, 30).getTime());
    expect(toLocalInput(fromLocalInput('2026-12-31T23:59'))).toBe('2026-12-31T23:59');
    expect(fromLocalInput('')).toBeNaN();
    expect(fromLocalInput('2026-11-24')).toBeNaN();
    expect(fromLocalInput('tomorrow')).toBeNaN();
  });

  it('builds the request the console expects', () => {
    const result = buildRequest({ ...initialValues(now), kind: 'group', tag: 'chlorine', reason: '  dosing pump swap ' }, now);
    expect(result.errors).toBeNull();
    expect(result.request).toEqual({
      scope: { kind: 'group', tag: 'chlorine' },
      from: new Date(2026, 10, 24, 14, 30).toISOString(),
      to: new Date(2026, 10, 24, 16, 30).toISOString(),
      reason: 'dosing pump swap',
    });
  });

  it('puts each problem next to its field', () => {
    expect(buildRequest({ ...initialValues(now), reason: '' }, now).errors).toEqual({ scope: 'Choose the host', reason: expect.any(String) });
    const base = { ...initialValues(now), kind: 'site' as const, siteId: 'plant-1', reason: 'power work' };
    expect(buildRequest({ ...base, to: base.from }, now).errors).toEqual({ to: 'End it after it starts' });
    expect(buildRequest({ ...base, from: '2026-11-24T09:00', to: '2026-11-24T10:00' }, now).errors?.to).toMatch(/already be over/);
    expect(buildRequest({ ...base, to: '2027-01-10T10:00' }, now).errors).toEqual({ to: 'A window lasts at most 31 days.' });
    expect(buildRequest({ ...base, from: '' }, now).errors?.from).toBeDefined();
    expect(buildRequest({ ...base, kind: 'host', hostId: 'x'.repeat(65) }, now).errors?.scope).toBeDefined();
  });

  it("reads the console's invalid-params messages as fields", () => {
    expect(fieldOf('scope.hostId: too long')).toBe('scope');
    expect(fieldOf('to: must not be in the past')).toBe('to');
    expect(fieldOf('body: unrecognized key')).toBeNull();
    expect(sentence('must be after from')).toBe('Must be after from.');
  });
});
