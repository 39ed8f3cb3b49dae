/**
 * Password hashing for console users: Argon2id (SECURITY.md rule 12) and a generator for the first admin's password.
 */
import { randomInt } from 'node:crypto';
import { hash, verify, type Algorithm } from '@node-rs/argon2';

/**
 * OWASP Password Storage Cheat Sheet's minimum for Argon2id: 19 MiB, 2 passes, 1 lane. Each hash holds 19 MiB
 * for tens of milliseconds on libuv's thread pool (4 threads by default), which also caps concurrent hashing.
 * Raising these later is safe: the parameters travel inside each stored hash, so old hashes still verify.
 */
const ARGON2ID_OPTIONS = {
  // Algorithm is an ambient const enum, which isolatedModules cannot read; 2 is Argon2id.
  algorithm: 2 as Algorithm,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

/** Longer input is refused before hashing, so a megabyte "password" costs nothing but the comparison. */
export const MAX_PASSWORD_LENGTH = 1024;

/** Base58 (Bitcoin's alphabet): no 0/O or I/l to misread when the first admin's password is copied by hand. */
const READABLE_ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** An Argon2id hash in PHC string form (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`), salted randomly. */
export async function hashPassword(password: string): Promise<string> {
  if (password.length > MAX_PASSWORD_LENGTH) throw new RangeError(`password longer than ${MAX_PASSWORD_LENGTH} characters`);
  return hash(password, ARGON2ID_OPTIONS);
}

/** True when `password` matches `passwordHash`; false for a wrong password, an overlong one or a malformed hash. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  if (password.length > MAX_PASSWORD_LENGTH) return false;
  try {
    return await verify(passwordHash, password);
  } catch {
    // A hash that does not parse cannot be matched by any password; a login must fail, not crash.
    return false;
  }
}

/**
 * A random password for the first administrator, printed once at setup: 20 base58 characters (~117 bits) in
 * groups of five, e.g. `7fKq2-xWmPa-...`, readable aloud and over a terminal.
 */
export function generatePassword(): string {
  const groups: string[] = [];
  for (let group = 0; group < 4; group += 1) {
    let text = '';
    // randomInt draws without modulo bias.
    for (let i = 0; i < 5; i += 1) text += READABLE_ALPHABET[randomInt(READABLE_ALPHABET.length)];
    groups.push(text);
  }
  return groups.join('-');
}
