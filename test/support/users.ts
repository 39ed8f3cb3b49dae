/** Console accounts for tests: added straight to a console's database, as the user-management pages will. */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { hashPassword } from '../../console/server/auth/passwords.js';
import { openSqliteStorage } from '../../console/server/storage/sqlite.js';
import type { RoleId } from '../../console/server/storage/types.js';
import { ApiClient } from './client.js';

const password = 'a-long-enough-test-password';

/** Add `username` with `role` to the console at `url` (data in `dataDir`) and return a client logged in as them. */
export async function userWithRole(console: { url: string; dataDir: string }, username: string, role: RoleId): Promise<ApiClient> {
  const storage = await openSqliteStorage(join(console.dataDir, 'gatehouse.db'));
  try {
    await storage.createUser({ id: randomUUID(), username, role, passwordHash: await hashPassword(password) });
  } finally {
    await storage.close();
  }
  const client = new ApiClient(console.url);
  await client.login(username, password);
  return client;
}
