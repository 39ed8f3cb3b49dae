/**
 * Browsers are held to their origin (SECURITY.md rule 4), against a real console and agent: every
 * state-changing route refuses a foreign Origin (and its lookalikes), a session cookie without an Origin, and a
 * request the browser marks cross-site, before it does anything; a cookie another console issued is worth
 * nothing here. The browser sockets (live updates, terminal) refuse a foreign or missing Origin before the
 * upgrade, and the agent socket cannot be used with a browser's cookie. Afterwards nothing has changed.
 */
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/client.js';
import { adminPassword, startTestConsole, type TestConsole } from '../support/console.js';
import { startFleet, type Fleet } from '../support/fleet.js';
import { FrameSocket, authFrameFor, socketUrl, upgradeStatus } from '../support/frames.js';

let fleet: Fleet;
let other: TestConsole;
let otherCookie: string;
let work: string;
let own: string;
let before: { users: number; tokens: number; enrollmentTokens: number; hostName: string };

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'gh-csrf-'));
  [fleet, other] = await Promise.all([startFleet({ name: 'csrf-target' }), startTestConsole()]);
  own = new URL(fleet.console.url).origin;
  const elsewhere = new ApiClient(other.url);
  await elsewhere.login();
  otherCookie = elsewhere.cookie;
  before = await snapshot();
}, 60_000);

afterAll(async () => {
  await Promise.all([fleet?.stop(), other?.stop()]);
  if (work) await rm(work, { recursive: true, force: true });
});

async function snapshot() {
  const api = fleet.api;
  return {
    users: (await api.get('/api/users')).body.length as number,
    tokens: (await api.get('/api/tokens')).body.length as number,
    enrollmentTokens: (await api.get('/api/enrollment-tokens')).body.length as number,
    hostName: (await api.get(`/api/hosts/${fleet.hostId}`)).body.name as string,
  };
}

/** Where a request that got through would have written. */
const written = (dir = work) => join(dir, 'csrf-was-here.txt');

/** Each state-changing route, with a body that would change something if it were let through. */
const routes = (hostId: string, dir = work) => [
  { name: 'log in', method: 'POST', path: '/api/session', body: { username: 'admin', password: adminPassword } },
  { name: 'log out', method: 'DELETE', path: '/api/session' },
  { name: 'change password', method: 'POST', path: '/api/session/password', body: { currentPassword: adminPassword, newPassword: 'taken-over-by-csrf' } },
  { name: 'call a module method', method: 'POST', path: `/api/hosts/${hostId}/call`, body: { module: 'file', method: 'write', params: { path: written(dir), content: 'x' } } },
  {
    name: 'upload a file',
    method: 'POST',
    path: `/api/hosts/${hostId}/files/upload?directory=${encodeURIComponent(dir)}&name=csrf-was-here.txt`,
    body: new Uint8Array(Buffer.from('x')),
  },
  { name: 'open a stream', method: 'POST', path: `/api/hosts/${hostId}/streams/file/download?params=${encodeURIComponent(JSON.stringify({ path: '/etc/hostname' }))}` },
  { name: 'rename a host', method: 'PATCH', path: `/api/hosts/${hostId}`, body: { name: 'renamed-by-csrf' } },
  { name: 'make an enrollment token', method: 'POST', path: '/api/enrollment-tokens', body: { autoApprove: true } },
  { name: 'make an API token', method: 'POST', path: '/api/tokens', body: { name: 'csrf', expiresInDays: 7 } },
  { name: 'create an account', method: 'POST', path: '/api/users', body: { username: 'csrf-admin', password: 'a-long-enough-password', role: 'administrator' } },
];

/** Origins a page elsewhere could send: foreign, opaque, and lookalikes of our own. */
const foreignOrigins = (url: string) => {
  const u = new URL(url);
  return {
    'a foreign site': 'https://evil.example',
    'an opaque origin (null)': 'null',
    'our host as a prefix of another': `${u.protocol}//${u.host}.evil.example`,
    'our address on another port': `${u.protocol}//${u.hostname}:${Number(u.port) + 1}`,
    'our address over the other scheme': `https://${u.host}`,
    'localhost instead of our address': `${u.protocol}//localhost:${u.port}`,
  } as Record<string, string>;
};
const originLabels = Object.keys(foreignOrigins('http://127.0.0.1:1'));

/** One request as a browser session would send it: our cookie, and exactly the headers given. */
async function asBrowser(route: { method: string; path: string; body?: unknown }, headers: Record<string, string>, cookie = fleet.api.cookie) {
  const client = new ApiClient(fleet.console.url);
  client.origin = undefined;
  client.cookie = cookie;
  return client.request(route.method, route.path, route.body, headers);
}

describe('state-changing requests', () => {
  // Built lazily: the host id is known only once the fleet runs.
  const names = routes('h', '/').map((r) => r.name);
  const originCases = names.flatMap((name) => originLabels.map((from) => ({ name, from })));

  it.each(originCases)('$name with an Origin of $from → 403 forbidden', async ({ name, from }) => {
    const route = routes(fleet.hostId).find((r) => r.name === name)!;
    const origin = foreignOrigins(fleet.console.url)[from]!;
    const res = await asBrowser(route, { origin });
    expect(res.status, `${origin}: ${JSON.stringify(res.body)}`).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it.each(names)('%s with the session cookie but no Origin → 403 forbidden', async (name) => {
    const route = routes(fleet.hostId).find((r) => r.name === name)!;
    const res = await asBrowser(route, {});
    expect(res.status, JSON.stringify(res.body)).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
  });

  it.each(names)('%s marked Sec-Fetch-Site: cross-site → 403 forbidden', async (name) => {
    const route = routes(fleet.hostId).find((r) => r.name === name)!;
    const res = await asBrowser(route, { 'sec-fetch-site': 'cross-site' });
    expect(res.status, JSON.stringify(res.body)).toBe(403);
  });

  it('issues the cookie HttpOnly and SameSite=Strict, so another site`s page never sends it at all', async () => {
    const res = await new ApiClient(fleet.console.url).post('/api/session', { username: 'admin', password: adminPassword });
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^gatehouse_session=[A-Za-z0-9_-]{32};/);
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).toMatch(/;\s*SameSite=Strict/i);
    expect(cookie).toMatch(/;\s*Path=\//i);
  });

  it('refuses a session cookie issued by another console, even from our own origin', async () => {
    const route = routes(fleet.hostId).find((r) => r.name === 'call a module method')!;
    const res = await asBrowser(route, { origin: own }, otherCookie);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
  });

  it('lets the same requests through from our own origin (so the refusals above were the Origin check)', async () => {
    const probe = await asBrowser({ method: 'POST', path: `/api/hosts/${fleet.hostId}/call`, body: { module: 'process', method: 'list', params: {} } }, { origin: own });
    expect(probe.status).toBe(200);
  });

  it('changed nothing: no file, account, token or rename, and the session and password still work', async () => {
    await expect(access(written())).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await snapshot()).toEqual(before);
    expect((await fleet.api.get('/api/session')).status).toBe(200);
    await new ApiClient(fleet.console.url).login('admin', adminPassword);
  });
});

describe('browser WebSockets', () => {
  const sockets = (hostId: string) => [
    { name: 'live updates', path: '/api/live' },
    { name: 'terminal', path: `/api/hosts/${hostId}/terminal?cols=80&rows=24` },
  ];
  const socketCases = ['live updates', 'terminal'].flatMap((name) => originLabels.map((from) => ({ name, from })));

  it.each(socketCases)('$name with an Origin of $from → 403 before the upgrade', async ({ name, from }) => {
    const socket = sockets(fleet.hostId).find((s) => s.name === name)!;
    const origin = foreignOrigins(fleet.console.url)[from]!;
    expect(await upgradeStatus(socketUrl(fleet.console.url, socket.path), { origin, cookie: fleet.api.cookie }), origin).toBe(403);
  });

  it.each(['live updates', 'terminal'])('%s with the cookie and no Origin → 403 before the upgrade', async (name) => {
    const socket = sockets(fleet.hostId).find((s) => s.name === name)!;
    expect(await upgradeStatus(socketUrl(fleet.console.url, socket.path), { cookie: fleet.api.cookie })).toBe(403);
  });

  it.each(['live updates', 'terminal'])('%s from our origin without a session → 401, with another console`s cookie → 401', async (name) => {
    const socket = sockets(fleet.hostId).find((s) => s.name === name)!;
    const url = socketUrl(fleet.console.url, socket.path);
    expect(await upgradeStatus(url, { origin: own })).toBe(401);
    expect(await upgradeStatus(url, { origin: own, cookie: otherCookie })).toBe(401);
  });

  it('live updates from our origin with the session: upgraded (the control case)', async () => {
    expect(await upgradeStatus(socketUrl(fleet.console.url, '/api/live'), { origin: own, cookie: fleet.api.cookie })).toBe(101);
  });
});

describe('the agent socket', () => {
  it('refuses a browser (any Origin, even our own) before the upgrade, cookie or not', async () => {
    const url = socketUrl(fleet.console.url, '/agent');
    for (const origin of [own, 'https://evil.example', 'null']) {
      expect(await upgradeStatus(url, { origin, cookie: fleet.api.cookie }), origin).toBe(403);
    }
  });

  it('gives a browser cookie nothing: without a signature from an enrolled key the socket is closed', async () => {
    const socket = await FrameSocket.open(socketUrl(fleet.console.url, '/agent'), { headers: { cookie: fleet.api.cookie } });
    try {
      await socket.frame('hello');
      // What a cookie-holder could try: the real host id, with no key to sign for it.
      socket.sendJson(authFrameFor(fleet.hostId, 'A'.repeat(86)));
      const refusal = await socket.frame('error');
      expect(refusal.code).toBe('unauthorized');
      expect((await socket.closed).code).toBe(4401);
    } finally {
      socket.close();
    }
    // The real agent kept its connection.
    expect((await fleet.api.call(fleet.hostId, 'process', 'list')).status).toBe(200);
  });

  it('closes a socket that speaks the browser`s language instead of the agent`s', async () => {
    const socket = await FrameSocket.open(socketUrl(fleet.console.url, '/agent'), { headers: { cookie: fleet.api.cookie } });
    try {
      await socket.frame('hello');
      socket.sendJson({ type: 'call', id: 1, module: 'process', method: 'list', params: {} });
      expect((await socket.frame('error')).code).toBe('bad-request');
      expect((await socket.closed).code).toBe(4401);
    } finally {
      socket.close();
    }
  });
});
