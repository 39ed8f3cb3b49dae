import type { Kysely } from 'kysely';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as crypto from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openSqliteStorage } from '../storage/sqlite.js';
import type { KyselyStorage } from '../storage/kysely-storage.js';
import type { RoleId, UserRecord } from '../storage/types.js';
import { ApiTokens, LAST_USED_RESOLUTION_MS, parseApiToken, secretHash } from './store.js';
import { AccessControl } from '../access/service.js';
import { grantRefusal } from '../access/authority.js';
import { ownerStillHolds } from '../access/token-grants.js';
import type { ApiTokenRequest } from '../../../modules/kernel/api-tokens.js';

vi.mock('node:crypto', { spy: true });

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

const DAY = 86_400_000;
const T0 = Date.parse('2026-11-24T08:00:00Z');

async function open(options: { maxFailures?: number } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'gh-tokens-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const storage: KyselyStorage = await openSqliteStorage(join(dir, 'gatehouse.db'));
  let closed = false;
  const close = async () => {
    if (!closed) await storage.close();
    closed = true;
  };
  cleanups.push(close);
  const clock = { now: T0 };
  const store = new ApiTokens(storage, { now: () => clock.now, ...options });
  const access = new AccessControl(storage.db);
  await access.start();
  const stillHeld = ownerStillHolds(access);
  // The store as the routes drive it: grants checked against the creator's, and the owner's at each use.
  const tokens = {
    create: async (creator: UserRecord, request: ApiTokenRequest) => {
      const held = await access.of(creator);
      return store.create(creator, held.grants, request, (grant) => grantRefusal(held, grant, access.roles, { asAccountManager: false }));
    },
    verify: (token: string, address: string) => store.verify(token, address, stillHeld),
    revoke: store.revoke.bind(store),
    find: store.find.bind(store),
    list: store.list.bind(store),
  };
  const user = async (id: string, role: RoleId): Promise<UserRecord> => storage.createUser({ id, username: id, role, passwordHash: `hash-of-${id}` });
  return { dir, storage, tokens, access, clock, user, close };
}

describe('API tokens', () => {
  it('keeps only a hash: the token appears nowhere in the database files', async () => {
    const { dir, tokens, user, close } = await open();
    const ana = await user('ana', 'plant-operator');
    const issued = await tokens.create(ana, { name: 'historian export', expiresInDays: 30 });
    expect(issued.token).toMatch(/^ght_[0-9a-f]{16}\.[A-Za-z0-9_-]{43}$/);
    const secret = parseApiToken(issued.token)!.secret;
    await close();
    const files = await readdir(dir);
    expect(files.length).toBeGreaterThan(0);
    let hashSeen = false;
    for (const file of files) {
      const bytes = await readFile(join(dir, file));
      expect(bytes.includes(issued.token)).toBe(false);
      expect(bytes.includes(secret)).toBe(false);
      if (bytes.includes(secretHash(secret))) hashSeen = true;
    }
    expect(hashSeen).toBe(true);
  });

  it('lets the token in as its owner with its grants, until it expires', async () => {
    const { tokens, clock, user } = await open();
    const ana = await user('ana', 'auditor');
    const issued = await tokens.create(ana, { name: 'wall screen', role: 'viewer', expiresInDays: 2 });
    expect(issued).toMatchObject({ role: 'viewer', state: 'active', owner: { id: 'ana', username: 'ana' }, grants: [{ role: 'viewer', scope: { kind: 'fleet' } }] });
    expect(issued.expiresAt).toBe(new Date(T0 + 2 * DAY).toISOString());

    const ok = await tokens.verify(issued.token, '10.0.0.5');
    expect(ok).toMatchObject({ ok: true, identity: { tokenId: issued.id, user: { id: 'ana', username: 'ana', passwordHash: '' }, grants: [{ role: 'viewer', scope: { kind: 'fleet' } }] } });

    clock.now = T0 + 2 * DAY;
    expect(await tokens.verify(issued.token, '10.0.0.5')).toEqual({ ok: false, reason: 'unauthorized' });
    expect((await tokens.find(issued.id))?.state).toBe('expired');
  });

  it('refuses a revoked token, and says who revoked it', async () => {
    const { tokens, user } = await open();
    const ana = await user('ana', 'system-operator');
    const issued = await tokens.create(ana, { name: 'backup script', expiresInDays: 30 });
    expect(await tokens.revoke(issued.id, 'admin')).toBe(true);
    expect(await tokens.revoke(issued.id, 'admin')).toBe(false);
    expect(await tokens.verify(issued.token, '10.0.0.5')).toEqual({ ok: false, reason: 'unauthorized' });
    expect(await tokens.find(issued.id)).toMatchObject({ state: 'revoked', revokedBy: 'admin' });
  });

  it('refuses garbled, unknown and wrong-secret tokens alike', async () => {
    const { tokens, user } = await open();
    const ana = await user('ana', 'viewer');
    const issued = await tokens.create(ana, { name: 'x', expiresInDays: 1 });
    const { id, secret } = parseApiToken(issued.token)!;
    const otherSecret = `${secret[0] === 'A' ? 'B' : 'A'}${secret.slice(1)}`;
    for (const bad of ['', 'ght_', 'garbage', `ght_${id}.${otherSecret}`, `ght_0000000000000000.${secret}`, `${issued.token}x`, ` ${issued.token}`]) {
      expect(await tokens.verify(bad, '10.0.0.5')).toEqual({ ok: false, reason: 'unauthorized' });
    }
  });

  it('compares the secret in constant time, also when the selector is unknown', async () => {
    const { tokens, user } = await open();
    const ana = await user('ana', 'viewer');
    const issued = await tokens.create(ana, { name: 'x', expiresInDays: 1 });
    const { id, secret } = parseApiToken(issued.token)!;
    const spy = vi.mocked(crypto.timingSafeEqual);
    spy.mockClear();
    await tokens.verify(`ght_${id}.${'A'.repeat(43)}`, '10.0.0.5');
    await tokens.verify(`ght_ffffffffffffffff.${secret}`, '10.0.0.5');
    await tokens.verify(issued.token, '10.0.0.5');
    expect(spy).toHaveBeenCalledTimes(3);
  });

  it('notes when it was last used, at most once a minute', async () => {
    const { tokens, clock, user } = await open();
    const ana = await user('ana', 'viewer');
    const issued = await tokens.create(ana, { name: 'x', expiresInDays: 1 });
    expect(issued.lastUsedAt).toBeNull();
    await tokens.verify(issued.token, '10.0.0.5');
    expect(await tokens.find(issued.id)).toMatchObject({ lastUsedAt: new Date(T0).toISOString(), lastUsedFrom: '10.0.0.5' });
    clock.now = T0 + LAST_USED_RESOLUTION_MS - 1;
    await tokens.verify(issued.token, '10.0.0.6');
    expect(await tokens.find(issued.id)).toMatchObject({ lastUsedAt: new Date(T0).toISOString(), lastUsedFrom: '10.0.0.5' });
    clock.now = T0 + LAST_USED_RESOLUTION_MS;
    await tokens.verify(issued.token, '10.0.0.6');
    expect(await tokens.find(issued.id)).toMatchObject({ lastUsedAt: new Date(clock.now).toISOString(), lastUsedFrom: '10.0.0.6' });
  });

  it('never lets a token exceed its creator, nor its owner once demoted or disabled', async () => {
    const { storage, tokens, access, user } = await open();
    const admin = await user('root', 'administrator');
    const viewer = await user('vic', 'viewer');
    const operator = await user('ana', 'plant-operator');
    await expect(tokens.create(viewer, { name: 'x', role: 'administrator', expiresInDays: 1 })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(tokens.create(operator, { name: 'x', role: 'system-operator', expiresInDays: 1 })).rejects.toMatchObject({ code: 'forbidden' });
    // A plant operator reads equipment only; a viewer token would read every host's processes: more than they hold.
    await expect(tokens.create(operator, { name: 'x', role: 'viewer', expiresInDays: 1 })).rejects.toMatchObject({ code: 'forbidden' });
    expect((await tokens.create(operator, { name: 'x', expiresInDays: 1 })).grants).toEqual([{ role: 'plant-operator', scope: { kind: 'fleet' } }]);
    await expect(tokens.create(admin, { name: 'x', role: 'no-such-role', expiresInDays: 1 })).rejects.toMatchObject({ code: 'forbidden' });

    const strong = await tokens.create(admin, { name: 'automation', role: 'administrator', expiresInDays: 10 });
    const mild = await tokens.create(admin, { name: 'reader', role: 'viewer', expiresInDays: 10 });
    expect((await tokens.verify(strong.token, '10.0.0.5')).ok).toBe(true);
    await access.grants.replace('root', [{ role: 'system-operator', scope: { kind: 'fleet' } }], 'test', 'system-operator');
    expect(await tokens.verify(strong.token, '10.0.0.5')).toEqual({ ok: false, reason: 'unauthorized' });
    expect((await tokens.verify(mild.token, '10.0.0.5')).ok).toBe(false);
    const reader = await tokens.create(viewer, { name: 'reader', expiresInDays: 10 });
    expect((await tokens.verify(reader.token, '10.0.0.5')).ok).toBe(true);
    await storage.db.updateTable('users').set({ disabled: 1 }).where('id', '=', 'vic').execute();
    expect(await tokens.verify(reader.token, '10.0.0.5')).toEqual({ ok: false, reason: 'unauthorized' });
    await storage.db.updateTable('users').set({ disabled: 1 }).where('id', '=', 'root').execute();
    expect(await tokens.verify(mild.token, '10.0.0.5')).toEqual({ ok: false, reason: 'unauthorized' });
  });

  it('lists an owner\'s tokens or everyone\'s, newest first, without secrets', async () => {
    const { tokens, clock, user } = await open();
    const ana = await user('ana', 'viewer');
    const bob = await user('bob', 'viewer');
    await tokens.create(ana, { name: 'first', expiresInDays: 1 });
    clock.now += 1000;
    await tokens.create(bob, { name: 'second', expiresInDays: 1 });
    expect((await tokens.list({ ownerId: 'ana' })).map((t) => t.name)).toEqual(['first']);
    const all = await tokens.list();
    expect(all.map((t) => `${t.owner.username}:${t.name}`)).toEqual(['bob:second', 'ana:first']);
    for (const view of all) expect(Object.keys(view)).not.toContain('token');
    expect(JSON.stringify(all)).not.toMatch(/secret|hash/i);
  });

  it('slows down an address that keeps presenting bad tokens', async () => {
    const { tokens, user } = await open({ maxFailures: 3 });
    const ana = await user('ana', 'viewer');
    const issued = await tokens.create(ana, { name: 'x', expiresInDays: 1 });
    for (let i = 0; i < 3; i++) expect((await tokens.verify('ght_nope', '192.0.2.7')).ok).toBe(false);
    expect(await tokens.verify(issued.token, '192.0.2.7')).toMatchObject({ ok: false, reason: 'rate-limited' });
    expect((await tokens.verify(issued.token, '192.0.2.8')).ok).toBe(true);
  });

  it('refuses a token whose grants this console does not understand, rather than widening it', async () => {
    const { storage, tokens, user } = await open();
    const ana = await user('ana', 'viewer');
    const issued = await tokens.create(ana, { name: 'x', expiresInDays: 1 });
    await (storage.db as Kysely<any>).updateTable('api_tokens').set({ grants: JSON.stringify([{ role: 'viewer', scope: { kind: 'planet', planetId: 'mars' } }]) }).execute();
    expect(await tokens.verify(issued.token, '10.0.0.5')).toEqual({ ok: false, reason: 'unauthorized' });
  });
});
