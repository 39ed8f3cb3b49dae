/**
 * What grants on scopes cost each request (issue 7 benchmark). Every API request now loads the caller's grants
 * (one SQLite query) and asks `may(code, place)` before anything else; the peer, measured in the same run on the
 * same database, is what every request already paid before: validating its session cookie (one SQLite query and
 * a hash). Also the in-memory check alone, for a person holding many grants and a denying custom role.
 * Prints operations per second and our cost as a ratio to the session check.
 * Run after compiling: `node dist/bench/access-check.js [--iterations 20000] [--grants 8]`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Grant } from '../modules/kernel/access.js';
import { AccessControl } from '../console/server/access/service.js';
import { createSession, validateSessionToken } from '../console/server/auth/sessions.js';
import { openSqliteStorage } from '../console/server/storage/sqlite.js';

function option(name: string, fallback: number, min: number, max: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`--${name} takes a whole number from ${min} to ${max}`);
  return value;
}

const iterations = option('iterations', 20_000, 100, 10_000_000);
const grantCount = option('grants', 8, 1, 100);

async function timed(label: string, n: number, run: () => Promise<unknown> | unknown): Promise<number> {
  for (let i = 0; i < Math.min(1000, n); i++) await run(); // warm up
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await run();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const perSecond = n / seconds;
  console.log(`${label.padEnd(48)} ${Math.round(perSecond).toLocaleString('en-US').padStart(12)} /s   ${((seconds / n) * 1e6).toFixed(1).padStart(7)} µs each`);
  return perSecond;
}

const dir = await mkdtemp(join(tmpdir(), 'gh-bench-access-'));
const storage = await openSqliteStorage(join(dir, 'gatehouse.db'));
try {
  await storage.migrate();
  const access = new AccessControl(storage.db);
  await access.start({ tags: () => ['field-gateway'], siteOf: () => 'north', hostName: (id) => id, siteName: (id) => id });
  await access.roleStore.create({ id: 'no-shell', name: 'No shell', summary: '', allow: ['process.read'], deny: ['terminal.open'] }, 'bench');
  const user = await storage.createUser({ id: 'u1', username: 'olga', role: 'plant-operator', passwordHash: 'x' });
  const grants: Grant[] = [{ role: 'no-shell', scope: { kind: 'group', tag: 'field-gateway' } }];
  for (let i = 1; i < grantCount; i++) grants.push({ role: i % 2 ? 'plant-operator' : 'viewer', scope: i % 3 ? { kind: 'site', siteId: `site-${i}` } : { kind: 'host', hostId: `host-${i}` } });
  await access.grants.replace(user.id, grants, 'bench', 'plant-operator');
  const { token } = await createSession(storage, user.id, '127.0.0.1');
  const place = access.hostPlace('gw-1');

  console.log(`Grants per request: ${iterations.toLocaleString('en-US')} iterations, a person holding ${grantCount} grants (one a denying custom role)`);
  const peer = await timed('peer: validate the session cookie', iterations, () => validateSessionToken(storage, token));
  const ours = await timed('load grants + may(modbus.write, gateway)', iterations, async () => (await access.of(user)).may('modbus.write', place));
  const held = await access.of(user);
  const check = await timed('may() alone, in memory', iterations * 10, () => held.may('terminal.open', place));
  console.log(`\nratio, grants to session check: ${(peer / ours).toFixed(2)}× the time (a request pays both: ${(1 + peer / ours).toFixed(2)}× the session check alone)`);
  console.log(`may() alone: ${(check / peer).toFixed(0)}× faster than the session check`);
} finally {
  await storage.close();
  await rm(dir, { recursive: true, force: true });
}
