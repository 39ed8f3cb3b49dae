/** First start: an `admin` account, with the configured password or a generated one shown once. */
import { randomUUID } from 'node:crypto';
import { generatePassword, hashPassword } from './auth/passwords.js';
import type { Storage } from './storage/types.js';

export async function ensureAdmin(storage: Storage, configuredPassword: string | undefined): Promise<{ created: boolean; password?: string }> {
  if ((await storage.countUsers()) > 0) return { created: false };
  const password = configuredPassword ?? generatePassword();
  await storage.createUser({ id: randomUUID(), username: 'admin', role: 'administrator', passwordHash: await hashPassword(password) });
  return { created: true, password: configuredPassword ? undefined : password };
}
