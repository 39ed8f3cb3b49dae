/**
 * API tokens through HTTP, in process: the real session gate, token routes, session routes, storage and audit
 * trail, with a stand-in for the host routes (a read anyone may make, a change that needs `host.manage`).
 */
import { AccessControl } from '../access/service.js';
import type { Kysely } from 'kysely';
import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GatehouseError } from '../../../modules/kernel/errors.js';
import { AuditTrail } from '../audit.js';
import { hashPassword } from '../auth/passwords.js';
import { LoginRateLimiter } from '../auth/rate-limit.js';
import { requireAction, requireSession } from '../http/auth.js';
import type { AppEnv } from '../http/env.js';
import { errorResponse } from '../http/problems.js';
import type { Services } from '../services.js';
import { KyselyStorage } from '../storage/kysely-storage.js';
import { createSqliteKysely } from '../storage/sqlite.js';
import type { RoleId } from '../storage/types.js';
import { currentApiTokenId } from '../tokens/current-token.js';
import { ApiTokens } from '../tokens/store.js';
import { sessionRoutes } from './session.js';
import { tokenRoutes } from './tokens.js';

const password = 'correct-horse-battery-staple';

describe('API token routes and the bearer gate', () => {
  let storage: KyselyStorage;
  let tokens: ApiTokens;
  let audit: AuditTrail;
  let app: Hono<AppEnv>;

  beforeEach(async () => {
    storage = new KyselyStorage(createSqliteKysely(':memory:'));
    await storage.migrate();
    const passwordHash = await hashPassword(password);
    const people: [string, RoleId][] = [['root', 'administrator'], ['ana', 'system-operator'], ['vic', 'viewer']];
    for (const [name, role] of people) await storage.createUser({ id: name, username: name, role, passwordHash });
    tokens = new ApiTokens(storage);
    audit = new AuditTrail(storage);
    const access = new AccessControl(storage.db);
    await access.start();
    const services = {
      storage,
      access,
      tokens,
      audit,
      loginLimiter: new LoginRateLimiter(),
      live: { endSession: () => undefined },
      terminals: { endSession: () => undefined },
      terminalUsers: {},
      // No one here has a second factor: the password starts the session.
      twoFactor: { loginStep: async () => ({ kind: 'session' }), tickets: { revokeUser: () => undefined } },
      events: { emit: () => true },
    } as unknown as Services;

    app = new Hono<AppEnv>();
    app.use('*', async (c, next) => {
      c.set('address', '127.0.0.1');
      return next();
    });
    app.route('/api/session', sessionRoutes(services));
    app.use('/api/*', requireSession(storage, access, tokens));
    app.route('/api/tokens', tokenRoutes(services));
    app.get('/api/hosts', (c) => c.json({ user: c.get('user').username, role: c.get('user').role, tokenId: c.get('tokenId') ?? null, auditContext: currentApiTokenId() ?? null }));
    app.post('/api/hosts/h1/approve', requireAction('host.manage'), async (c) => {
      await audit.record({ user: c.get('user').username, action: 'host.approve', phase: 'event', result: 'ok', address: c.get('address') });
      return c.json({ approved: true });
    });
    app.onError((err, c) => (err instanceof GatehouseError ? errorResponse(c, err) : c.json({ error: { code: 'internal-error', message: err.message } }, 500)));
  });
  afterEach(async () => {
    await storage.close();
  });

  async function login(username: string): Promise<string> {
    const res = await app.request('/api/session', { method: 'POST', body: JSON.stringify({ username, password }), headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(200);
    return res.headers.get('set-cookie')!.split(';')[0]!;
  }

  async function mint(cookie: string, body: unknown): Promise<Response> {
    return app.request('/api/tokens', { method: 'POST', body: JSON.stringify(body), headers: { cookie, 'content-type': 'application/json' } });
  }

  const bearer = (token: string, init: RequestInit = {}) => ({ ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) } });

  it('mints a token once, and a script acts with it as its owner in its role', async () => {
    const cookie = await login('ana');
    const res = await mint(cookie, { name: 'nightly report', expiresInDays: 7 });
    expect(res.status).toBe(201);
    const issued = (await res.json()) as { token: string; id: string; role: string; expiresAt: string };
    expect(issued.role).toBe('system-operator');
    expect(issued.token.startsWith('ght_')).toBe(true);

    const who = await app.request('/api/hosts', bearer(issued.token));
    expect(who.status).toBe(200);
    expect(await who.json()).toEqual({ user: 'ana', role: 'system-operator', tokenId: issued.id, auditContext: issued.id });

    // The list never carries the token again.
    const list = await app.request('/api/tokens', { headers: { cookie } });
    const text = await list.text();
    expect(text).toContain(issued.id);
    expect(text).not.toContain(issued.token.split('.')[1]);
  });

  it('refuses beyond the token\'s role with 403, and lets an administrator token through', async () => {
    const viewerToken = ((await (await mint(await login('root'), { name: 'wall', role: 'viewer', expiresInDays: 1 })).json()) as { token: string }).token;
    const denied = await app.request('/api/hosts/h1/approve', bearer(viewerToken, { method: 'POST' }));
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { error: { code: string } }).error.code).toBe('forbidden');

    const adminToken = ((await (await mint(await login('root'), { name: 'ops', expiresInDays: 1 })).json()) as { token: string }).token;
    const allowed = await app.request('/api/hosts/h1/approve', bearer(adminToken, { method: 'POST' }));
    expect(allowed.status).toBe(200);
    const [entry] = await storage.queryAudit({ limit: 1, action: 'host.approve' });
    expect(entry?.user).toBe('root');
  });

  it('answers 401 to a garbled, unknown, expired or revoked token, with one message', async () => {
    const cookie = await login('ana');
    const issued = (await (await mint(cookie, { name: 'x', expiresInDays: 1 })).json()) as { token: string; id: string };
    const messages = new Set<string>();
    const tryToken = async (token: string) => {
      const res = await app.request('/api/hosts', bearer(token));
      expect(res.status).toBe(401);
      messages.add(((await res.json()) as { error: { message: string } }).error.message);
    };
    await tryToken('not-a-token');
    await tryToken(`ght_ffffffffffffffff.${'A'.repeat(43)}`);
    await tryToken(issued.token.replace(/.$/, (last) => (last === 'A' ? 'B' : 'A')));
    const basic = await app.request('/api/hosts', { headers: { authorization: 'Basic YW5hOng=' } });
    expect(basic.status).toBe(401);

    expect((await app.request(`/api/tokens/${issued.id}`, { method: 'DELETE', headers: { cookie } })).status).toBe(204);
    await tryToken(issued.token);
    expect(messages.size).toBe(1);

    await (storage.db as Kysely<any>).updateTable('api_tokens').set({ revoked_at: null, expires_at: new Date(Date.now() - 1000).toISOString() }).execute();
    await tryToken(issued.token);
  });

  it('refuses a cookie and a token together, and tokens on the browser-session routes', async () => {
    const cookie = await login('ana');
    const issued = (await (await mint(cookie, { name: 'x', expiresInDays: 1 })).json()) as { token: string };
    const both = await app.request('/api/hosts', bearer(issued.token, { headers: { cookie } }));
    expect(both.status).toBe(400);
    expect(((await both.json()) as { error: { code: string } }).error.code).toBe('bad-request');

    for (const [method, path] of [['GET', '/api/session'], ['DELETE', '/api/session'], ['POST', '/api/session/password']] as const) {
      const res = await app.request(path, bearer(issued.token, { method, body: method === 'POST' ? '{}' : undefined }));
      expect(res.status, `${method} ${path}`).toBe(403);
    }
  });

  it('does not let a viewer mint an administrator token, nor an operator another role', async () => {
    const vic = await login('vic');
    const res = await mint(vic, { name: 'escalate', role: 'administrator', expiresInDays: 1 });
    expect(res.status).toBe(403);
    expect((await mint(await login('ana'), { name: 'x', role: 'plant-operator', expiresInDays: 1 })).status).toBe(403);
    expect((await mint(vic, { name: 'mine', expiresInDays: 1 })).status).toBe(201);
    // A token mints nothing, not even its equal: a leaked one could otherwise outlive its revocation.
    const own = (await (await mint(vic, { name: 'again', expiresInDays: 1 })).json()) as { token: string };
    for (const role of ['administrator', 'viewer']) {
      const viaToken = await app.request('/api/tokens', bearer(own.token, { method: 'POST', body: JSON.stringify({ name: 'y', role, expiresInDays: 1 }) }));
      expect(viaToken.status, role).toBe(403);
    }
  });

  it('requires an expiry between 1 and 365 days and a name', async () => {
    const cookie = await login('root');
    for (const body of [{ name: 'x' }, { name: 'x', expiresInDays: 0 }, { name: 'x', expiresInDays: 366 }, { name: ' ', expiresInDays: 1 }, { name: 'x', expiresInDays: 1, extra: true }]) {
      expect((await mint(cookie, body)).status, JSON.stringify(body)).toBe(400);
    }
  });

  it('lets the owner or an administrator revoke, hides others\' tokens, and shows administrators every owner', async () => {
    const ana = await login('ana');
    const vic = await login('vic');
    const root = await login('root');
    const anas = (await (await mint(ana, { name: 'ana-script', expiresInDays: 1 })).json()) as { id: string };
    await mint(vic, { name: 'vic-screen', expiresInDays: 1 });

    const vicList = (await (await app.request('/api/tokens', { headers: { cookie: vic } })).json()) as { name: string }[];
    expect(vicList.map((t) => t.name)).toEqual(['vic-screen']);
    expect((await app.request(`/api/tokens/${anas.id}`, { method: 'DELETE', headers: { cookie: vic } })).status).toBe(404);

    const all = (await (await app.request('/api/tokens', { headers: { cookie: root } })).json()) as { name: string; owner: { username: string } }[];
    expect(all.map((t) => `${t.owner.username}:${t.name}`).sort()).toEqual(['ana:ana-script', 'vic:vic-screen']);
    expect((await app.request(`/api/tokens/${anas.id}`, { method: 'DELETE', headers: { cookie: root } })).status).toBe(204);
    expect((await app.request('/api/tokens/nonsense', { method: 'DELETE', headers: { cookie: root } })).status).toBe(404);
  });

  it('audits creating and revoking, and never the token itself', async () => {
    const cookie = await login('ana');
    const issued = (await (await mint(cookie, { name: 'x', expiresInDays: 1 })).json()) as { token: string; id: string };
    await app.request(`/api/tokens/${issued.id}`, { method: 'DELETE', headers: { cookie } });
    const entries = await storage.queryAudit({ limit: 100 });
    const actions = entries.map((e) => e.action);
    expect(actions).toContain('token.create');
    expect(actions).toContain('token.revoke');
    const secret = issued.token.split('.')[1]!;
    for (const entry of entries) expect(JSON.stringify(entry)).not.toContain(secret);
    expect(entries.find((e) => e.action === 'token.create')?.detail).toContain(issued.id);
  });
});
