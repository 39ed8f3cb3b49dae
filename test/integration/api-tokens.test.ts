/**
 * API tokens against a real console process: people make tokens in their sessions, a script (no cookie, no Origin)
 * uses them with `Authorization: Bearer`, within the token's role and not beyond, and the audit trail names the
 * person, never the token. Expiry is covered in console/server/tokens/store.test.ts (a console's clock cannot be
 * moved from here).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, type ApiResponse } from '../support/client.js';
import { startTestConsole, type TestConsole } from '../support/console.js';

let consoleProcess: TestConsole;
let admin: ApiClient;

/** A program, not a browser: no cookie jar use, no Origin, only the bearer token. */
function script(token: string) {
  const client = new ApiClient(consoleProcess.url);
  client.origin = undefined;
  const auth = { authorization: `Bearer ${token}` };
  return {
    get: (path: string) => client.request('GET', path, undefined, auth),
    post: (path: string, body: unknown = {}) => client.request('POST', path, body, auth),
    delete: (path: string) => client.request('DELETE', path, undefined, auth),
  };
}

async function person(username: string, role: string): Promise<ApiClient> {
  const made = await admin.post('/api/users', { username, password: 'a-long-enough-password', role });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  const client = new ApiClient(consoleProcess.url);
  await client.login(username, 'a-long-enough-password');
  return client;
}

async function mint(client: ApiClient, body: Record<string, unknown>): Promise<ApiResponse<any>> {
  return client.post('/api/tokens', { expiresInDays: 7, ...body });
}

beforeAll(async () => {
  consoleProcess = await startTestConsole();
  admin = new ApiClient(consoleProcess.url);
  await admin.login();
});

afterAll(async () => {
  await consoleProcess?.stop();
});

describe('API tokens', () => {
  it('lets a script act with an administrator token, named as its owner in the audit', async () => {
    const issued = await mint(admin, { name: 'provisioning' });
    expect(issued.status).toBe(201);
    expect(issued.body).toMatchObject({ name: 'provisioning', role: 'administrator', state: 'active' });
    const bot = script(issued.body.token);

    const hosts = await bot.get('/api/hosts');
    expect(hosts.status).toBe(200);
    expect(Array.isArray(hosts.body)).toBe(true);
    const enrollment = await bot.post('/api/enrollment-tokens', { note: 'from a script' });
    expect(enrollment.status).toBe(201);

    const audit = await admin.get('/api/audit?limit=50');
    const made = (audit.body.entries as { action: string; user: string; detail: string }[]).find((e) => e.action === 'enrollment.create');
    expect(made?.user).toBe('admin');
    expect(made?.detail).toContain(`via API token ${issued.body.id}`);
  });

  it('keeps a viewer token to reading: GET works, a change is 403', async () => {
    const issued = await mint(admin, { name: 'wall screen', role: 'viewer' });
    const wall = script(issued.body.token);
    expect((await wall.get('/api/hosts')).status).toBe(200);
    const denied = await wall.post('/api/enrollment-tokens', {});
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('forbidden');
    // A change its role allows goes through: revoking a token of its owner's (here, itself).
    expect((await wall.delete(`/api/tokens/${issued.body.id}`)).status).toBe(204);
    expect((await wall.get('/api/hosts')).status).toBe(401);
  });

  it('answers 401 to garbled, unknown and revoked tokens', async () => {
    const issued = await mint(admin, { name: 'short-lived', role: 'viewer' });
    for (const token of ['garbage', `ght_0123456789abcdef.${'A'.repeat(43)}`, `${issued.body.token}x`]) {
      const res = await script(token).get('/api/hosts');
      expect(res.status, token).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
    }
    expect((await admin.request('DELETE', `/api/tokens/${issued.body.id}`)).status).toBe(204);
    expect((await script(issued.body.token).get('/api/hosts')).status).toBe(401);
  });

  it('refuses a cookie and a token together, and a token on the browser-session routes', async () => {
    const issued = await mint(admin, { name: 'both', role: 'viewer' });
    const both = await admin.request('GET', '/api/hosts', undefined, { authorization: `Bearer ${issued.body.token}` });
    expect(both.status).toBe(400);
    expect(both.body.error.code).toBe('bad-request');
    expect((await script(issued.body.token).delete('/api/session')).status).toBe(403);
    expect((await script(issued.body.token).post('/api/session/password', { currentPassword: 'x', newPassword: 'y'.repeat(12) })).status).toBe(403);
  });

  it('does not let a token mint another, which could outlive its revocation', async () => {
    const issued = await mint(admin, { name: 'minter' });
    const res = await script(issued.body.token).post('/api/tokens', { name: 'successor', expiresInDays: 365 });
    expect(res.status).toBe(403);
  });

  it('does not let a viewer mint an administrator token', async () => {
    const vic = await person('vic', 'viewer');
    const res = await mint(vic, { name: 'escalate', role: 'administrator' });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
    const own = await mint(vic, { name: 'mine' });
    expect(own.status).toBe(201);
    expect(own.body.role).toBe('viewer');
    // vic sees only vic's tokens; the administrator sees everyone's, with the owner.
    const vics = await vic.get('/api/tokens');
    expect(vics.body.map((t: { owner: { username: string } }) => t.owner.username)).toEqual(['vic']);
    const all = await admin.get('/api/tokens');
    expect(new Set(all.body.map((t: { owner: { username: string } }) => t.owner.username))).toEqual(new Set(['admin', 'vic']));
  });

  it('never writes a token into the audit log', async () => {
    const issued = await mint(admin, { name: 'audited' });
    await script(issued.body.token).get('/api/hosts');
    await admin.request('DELETE', `/api/tokens/${issued.body.id}`);
    const audit = await admin.get('/api/audit?limit=200');
    const text = JSON.stringify(audit.body);
    expect(text).toContain('token.create');
    expect(text).toContain('token.revoke');
    expect(text).toContain(issued.body.id);
    expect(text).not.toContain(issued.body.token.split('.')[1]);
  });
});
