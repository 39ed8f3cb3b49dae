/**
 * Time-based one-time passwords (RFC 6238, through `@oslojs/otp`): 6 digits, 30 s steps, SHA-1, as every
 * authenticator app understands. A code is accepted for the current step or one either side (a phone's clock
 * drifts, a person types slowly), and only for a step later than the last one accepted, so a code seen over a
 * shoulder or in a proxy log cannot be used a second time.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { decodeBase32IgnorePadding, encodeBase32UpperCaseNoPadding } from '@oslojs/encoding';
import { createTOTPKeyURI, generateHOTP } from '@oslojs/otp';

export const TOTP_STEP_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** Steps either side of now that still count. */
export const TOTP_WINDOW_STEPS = 1;
/** 160 bits, the size RFC 4226 recommends for SHA-1. */
const SECRET_BYTES = 20;

/** A fresh random TOTP key. */
export function newTotpKey(): Uint8Array {
  return new Uint8Array(randomBytes(SECRET_BYTES));
}

/** The key as people type it into an app by hand: base32, upper case, no padding. */
export function totpKeyText(key: Uint8Array): string {
  return encodeBase32UpperCaseNoPadding(key);
}

export function totpKeyFromText(text: string): Uint8Array {
  return decodeBase32IgnorePadding(text);
}

/** `otpauth://totp/Gatehouse:<user>?…`, what the enrolment QR code holds. */
export function totpUri(issuer: string, accountName: string, key: Uint8Array): string {
  return createTOTPKeyURI(issuer, accountName, key, TOTP_STEP_SECONDS, TOTP_DIGITS);
}

/** The 30 s step an instant falls in. */
export function totpStepAt(ms: number): number {
  return Math.floor(ms / 1000 / TOTP_STEP_SECONDS);
}

/** The code for a step (tests and the software authenticator use it; the server only compares). */
export function totpCodeAt(key: Uint8Array, ms: number): string {
  return generateHOTP(key, BigInt(totpStepAt(ms)), TOTP_DIGITS);
}

/**
 * The step `code` belongs to, if it is right for now ± the window and later than `lastStep`; otherwise null.
 * Every candidate is compared, in constant time, so the answer's timing does not tell which step was near.
 */
export function matchTotpStep(key: Uint8Array, code: string, nowMs: number, lastStep: number): number | null {
  const now = totpStepAt(nowMs);
  const presented = Buffer.from(code.padEnd(TOTP_DIGITS, ' ').slice(0, 16), 'utf8');
  let matched: number | null = null;
  for (let step = now - TOTP_WINDOW_STEPS; step <= now + TOTP_WINDOW_STEPS; step++) {
    const expected = Buffer.from(generateHOTP(key, BigInt(step), TOTP_DIGITS), 'utf8');
    const same = expected.length === presented.length && timingSafeEqual(expected, presented);
    if (same && step > lastStep && matched === null) matched = step;
  }
  return matched;
}
