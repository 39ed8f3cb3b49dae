import { describe, expect, it } from 'vitest';
import { generatePassword, hashPassword, MAX_PASSWORD_LENGTH, verifyPassword } from './passwords.js';

describe('passwords', () => {
  it('hashes with Argon2id at the OWASP minimum and verifies', async () => {
    const stored = await hashPassword('correct horse battery staple');
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
    expect(await verifyPassword(stored, 'correct horse battery staple')).toBe(true);
  });

  it('refuses a wrong password', async () => {
    const stored = await hashPassword('right');
    expect(await verifyPassword(stored, 'wrong')).toBe(false);
    expect(await verifyPassword(stored, 'Right')).toBe(false);
    expect(await verifyPassword(stored, '')).toBe(false);
  });

  it('salts: the same password hashes differently each time', async () => {
    const [a, b] = await Promise.all([hashPassword('same'), hashPassword('same')]);
    expect(a).not.toBe(b);
    expect(await verifyPassword(b, 'same')).toBe(true);
  });

  it('answers false, not an exception, for a malformed hash or an overlong password', async () => {
    expect(await verifyPassword('not-a-hash', 'x')).toBe(false);
    const stored = await hashPassword('x');
    expect(await verifyPassword(stored, 'x'.repeat(MAX_PASSWORD_LENGTH + 1))).toBe(false);
    await expect(hashPassword('x'.repeat(MAX_PASSWORD_LENGTH + 1))).rejects.toThrow(RangeError);
  });

  it('generates readable random passwords', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i += 1) {
      const password = generatePassword();
      expect(password).toMatch(/^[1-9A-HJ-NP-Za-km-z]{5}(-[1-9A-HJ-NP-Za-km-z]{5}){3}$/);
      seen.add(password);
    }
    expect(seen.size).toBe(200);
  });
});
