import { describe, expect, it } from 'vitest';
import { matchTotpStep, newTotpKey, totpCodeAt, totpKeyFromText, totpKeyText, totpStepAt, totpUri } from './totp.js';

const T0 = Date.parse('2026-11-24T08:00:00Z');
const STEP = 30_000;

describe('TOTP', () => {
  it('accepts the code of this step and of one step either side, nothing further', () => {
    const key = newTotpKey();
    const now = totpStepAt(T0);
    expect(matchTotpStep(key, totpCodeAt(key, T0), T0, 0)).toBe(now);
    expect(matchTotpStep(key, totpCodeAt(key, T0 - STEP), T0, 0)).toBe(now - 1);
    expect(matchTotpStep(key, totpCodeAt(key, T0 + STEP), T0, 0)).toBe(now + 1);
    expect(matchTotpStep(key, totpCodeAt(key, T0 - 2 * STEP), T0, 0)).toBeNull();
    expect(matchTotpStep(key, totpCodeAt(key, T0 + 2 * STEP), T0, 0)).toBeNull();
  });

  it('refuses a code of a step already used, or of an earlier one (replay)', () => {
    const key = newTotpKey();
    const now = totpStepAt(T0);
    const code = totpCodeAt(key, T0);
    expect(matchTotpStep(key, code, T0, now)).toBeNull();
    expect(matchTotpStep(key, totpCodeAt(key, T0 - STEP), T0, now)).toBeNull();
    expect(matchTotpStep(key, totpCodeAt(key, T0 + STEP), T0, now)).toBe(now + 1);
  });

  it('refuses codes that are not six digits of this key', () => {
    const key = newTotpKey();
    const other = newTotpKey();
    expect(matchTotpStep(key, totpCodeAt(other, T0), T0, 0)).toBeNull();
    for (const bad of ['', '12345', '1234567', 'abcdef', `${totpCodeAt(key, T0)} `]) expect(matchTotpStep(key, bad, T0, 0)).toBeNull();
  });

  it('round-trips the key through its base32 text and puts it in an otpauth URI', () => {
    const key = newTotpKey();
    const text = totpKeyText(key);
    expect(text).toMatch(/^[A-Z2-7]{32}$/);
    expect(totpKeyFromText(text)).toEqual(key);
    const uri = new URL(totpUri('Gatehouse', 'ana', key));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.searchParams.get('secret')).toBe(text);
    expect(uri.searchParams.get('issuer')).toBe('Gatehouse');
    expect(uri.searchParams.get('period')).toBe('30');
    expect(uri.searchParams.get('digits')).toBe('6');
  });
});
