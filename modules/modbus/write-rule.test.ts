import { describe, expect, it } from 'vitest';
import { GatehouseError } from '../kernel/errors.js';
import { tagSchema, type Tag } from './profile.js';
import { checkWrite } from './write-rule.js';

const speed: Tag = tagSchema.parse({
  name: 'pump1.speed',
  area: 'holding-register',
  address: 10,
  unit: '%',
  write: { min: 0, max: 100, maxStep: 5, minIntervalSeconds: 10 },
});
const dosing: Tag = tagSchema.parse({ name: 'dosing.rate', area: 'holding-register', address: 11, write: { min: 0.5, max: 8 } });
const start: Tag = tagSchema.parse({ name: 'pump1.start', area: 'coil', address: 0, type: 'bool', write: { min: 0, max: 0, minIntervalSeconds: 30 } });
const level: Tag = tagSchema.parse({ name: 'tank.level', area: 'holding-register', address: 20 });

const now = 1_800_000_000_000;

function refusal(run: () => void): GatehouseError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(GatehouseError);
    return err as GatehouseError;
  }
  throw new Error('expected the write to be refused');
}

describe('checkWrite', () => {
  it('permits a write inside the limits, within the step, after the interval', () => {
    expect(() => checkWrite(speed, 45, { current: 40, now })).not.toThrow();
    expect(() => checkWrite(speed, 35, { current: 40, lastWriteAt: now - 10_000, now })).not.toThrow();
    expect(() => checkWrite(speed, 100, { current: 96, now })).not.toThrow();
    // No maxStep: no read-back is needed.
    expect(() => checkWrite(dosing, 8, { current: null, now })).not.toThrow();
    expect(() => checkWrite(start, true, { current: false, lastWriteAt: now - 30_000, now })).not.toThrow();
  });

  it('refuses a tag without a write rule as forbidden', () => {
    const err = refusal(() => checkWrite(level, 1, { current: 0, now }));
    expect(err.code).toBe('forbidden');
    expect(err.message).toBe('tag tank.level is not writable: no write rule in the profile');
  });

  it('refuses the wrong type and numbers that are not finite', () => {
    expect(refusal(() => checkWrite(speed, true, { current: 40, now })).code).toBe('invalid-params');
    expect(refusal(() => checkWrite(start, 1, { current: false, now })).code).toBe('invalid-params');
    expect(refusal(() => checkWrite(speed, '42' as unknown as number, { current: 40, now })).code).toBe('invalid-params');
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const err = refusal(() => checkWrite(speed, value, { current: 40, now }));
      expect(err.code).toBe('invalid-params');
      expect(err.message).toContain('pump1.speed');
    }
  });

  it('refuses a value outside min..max, naming tag, value and limit', () => {
    const high = refusal(() => checkWrite(speed, 101, { current: 100, now }));
    expect(high.code).toBe('invalid-params');
    expect(high.message).toBe('101 % is outside the limits of tag pump1.speed: 0 to 100 %');
    const low = refusal(() => checkWrite(dosing, 0.4, { current: 0.5, now }));
    expect(low.code).toBe('invalid-params');
    expect(low.message).toContain('0.4');
    expect(low.message).toContain('0.5 to 8');
  });

  it('refuses a step larger than maxStep from the current read-back', () => {
    const up = refusal(() => checkWrite(speed, 52, { current: 40, now }));
    expect(up.code).toBe('invalid-params');
    expect(up.message).toBe('tag pump1.speed: step 12 % is larger than the maximum step 5 % from the current 40 %');
    expect(refusal(() => checkWrite(speed, 34.9, { current: 40, now })).message).toContain('step 5.1 %');
  });

  it('refuses a stepped write with no read-back as a conflict', () => {
    const err = refusal(() => checkWrite(speed, 40, { current: null, now }));
    expect(err.code).toBe('conflict');
    expect(err.message).toContain('pump1.speed');
    expect(err.message).toContain('no current read-back');
  });

  it('refuses a write too soon after the last, saying how long to wait', () => {
    const err = refusal(() => checkWrite(speed, 42, { current: 40, lastWriteAt: now - 3_500, now }));
    expect(err.code).toBe('rate-limited');
    expect(err.message).toBe('tag pump1.speed was written 3 s ago; at most one write every 10 s, wait 7 s');
    expect(err.context.retryAfterSeconds).toBe(7);
    // The default interval is 5 s.
    expect(refusal(() => checkWrite(dosing, 2, { current: 1, lastWriteAt: now - 4_999, now })).code).toBe('rate-limited');
    expect(() => checkWrite(dosing, 2, { current: 1, lastWriteAt: now - 5_000, now })).not.toThrow();
  });

  it('applies only the type and the rate to a bool tag', () => {
    // min/max 0 would refuse any number; a bool ignores them, and needs no read-back to step from.
    expect(() => checkWrite(start, false, { current: null, now })).not.toThrow();
    const err = refusal(() => checkWrite(start, true, { current: false, lastWriteAt: now - 1_000, now }));
    expect(err.code).toBe('rate-limited');
    expect(err.message).toContain('wait 29 s');
  });
});
