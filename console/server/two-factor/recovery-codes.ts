/**
 * One-time recovery codes, for the day the phone is lost: ten at a time, 16 characters from an alphabet without
 * look-alikes (about 79 bits each, so storing their plain SHA-256 is safe: nobody tries 2^79 guesses against a leaked
 * database). Printed in groups of four; case, spaces and dashes do not matter when typed back.
 */
import { createHash, randomInt } from 'node:crypto';

export const RECOVERY_CODE_COUNT = 10;
/** 31 symbols: digits and lower-case letters without 0/o, 1/l/i. */
const ALPHABET = '23456789abcdefghjkmnpqrstuvwxyz';
const LENGTH = 16;

/** A fresh code, as shown to the user: `abcd-efgh-jkmn-pqrs`. */
export function newRecoveryCode(): string {
  let plain = '';
  for (let i = 0; i < LENGTH; i++) plain += ALPHABET[randomInt(ALPHABET.length)];
  return plain.match(/.{4}/g)!.join('-');
}

export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
}

/** The code as stored and compared: lower case, no separators. */
export function normalizeRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[\s-]+/g, '');
}

/** What the database keeps: SHA-256 of the normalized code, hex. */
export function recoveryCodeHash(code: string): string {
  return createHash('sha256').update(normalizeRecoveryCode(code)).digest('hex');
}
