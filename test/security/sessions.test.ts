/**
 * Sessions and logins against a real console (SECURITY.md rule 12): a session token is the server's, never the
 * browser's choice; it ends when it idles, at its absolute cap, at logout, when the password changes and when the
 * account is disabled, and an ended session does not come back. Logins are limited per account and per address,
 * in parallel too, and the limit says nothing about which accounts exist.
 *
 * The console's clock cannot be moved from here, so expiry is tested by ageing the session's row in the
 * console's own SQLite file (what the clock passing would have done to it). Each brute-force case logs in from
 * its own loopback address (127.0.0.x), so one case's lockout cannot leak into another.
 */
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, type ApiResponse } from '../support/client.js';
import { adminPassword, startTestConsole, type TestConsole } from '../support/console.js';
import { FrameSocket, socketUrl } from '../support/frames.js';
import { sessionIdFromToken, SESSION_ABSOLUTE_LIFETIME_MS, SESSION_IDLE_TIMEOUT_MS } from '../../console/server/auth/sessions.js';

const password = 'a-long-enough-password-42';
const HOUR = 60 * 60 * 1000;
let con: TestConsole;
let admin: ApiClient;
let db: BetterSqlite3.Database;
let nextAddress = 10;
const dispatchers: Agent[] = [];

/** A client that connects from a loopback address no other case uses. */
function fromNewAddress(): ApiClient {
  const dispatcher = new Agent({ localAddress: `127.0.0.${nextAddress++}` });
  dispatchers.push(dispatcher);
  return new ApiClient(con.url, dispatcher);
}

/** A fresh account with `password`, and its id. */
async function account(username: string, role = 'viewer'): Promise<string> {
  const made = await admin.post('/api/users', { username, password, role });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  return made.body.id as string;
}

async function loggedIn(username: string, pw = password): Promise<ApiClient> {
  const client = fromNewAddress();
  await client.login(username, pw);
  return client;
}

const tokenOf = (client: ApiClient) => client.cookie.split('=')[1]!;
const rowOf = (client: ApiClient) => db.prepare('select * from sessions where id = ?').get(sessionIdFromToken(tokenOf(client))) as
  | { id: string; created_at: string; expires_at: string }
  | undefined;

/** Whether the console still takes this cookie. */
async function sessionStatus(cookie: string): Promise<number> {
  const client = new ApiClient(con.url);
  client.cookie = cookie;
  return (await client.get('/api/session')).status;
}

function login(client: ApiClient, username: string, pw: string): Promise<ApiResponse<any>> {
  return client.post('/api/session', { username, password: pw });
}

beforeAll(async () => {
  con = await startTestConsole();
  admin = new ApiClient(con.url);
  await admin.login();
  db = new BetterSqlite3(join(con.dataDir, 'gatehouse.db'));
  db.pragma('busy_timeout = 5000');
});

afterAll(async () => {
  db?.close();
  await Promise.all(dispatchers.map((d) => d.close()));
  await con?.stop();
});

describe('session fixation and forged cookies', () => {
  it('issues a new token at login, whatever cookie the browser came with, and the old one stays what it was', async () => {
    await account('fixation-viewer', 'viewer');
    await account('fixation-admin', 'administrator');
    // An attacker's own session, planted in the victim's browser before the victim logs in.
    const browser = await loggedIn('fixation-viewer');
    const planted = browser.cookie;
    const res = await login(browser, 'fixation-admin', password);
    expect(res.status).toBe(200);
    expect(browser.cookie).toMatch(/^gatehouse_session=[A-Za-z0-9_-]{32}$/);
    expect(browser.cookie).not.toBe(planted);
    // The planted token did not become the administrator's session.
    const attacker = new ApiClient(con.url);
    attacker.cookie = planted;
    expect((await attacker.get('/api/session')).body.user).toMatchObject({ username: 'fixation-viewer', role: 'viewer' });
    expect((await attacker.get('/api/users')).status).toBe(403);
  });

  it('never adopts a token the browser made up', async () => {
    const chosen = 'gatehouse_session=' + 'A'.repeat(32);
    const browser = fromNewAddress();
    browser.cookie = chosen;
    expect((await login(browser, 'admin', adminPassword)).status).toBe(200);
    expect(browser.cookie).not.toBe(chosen);
    expect(await sessionStatus(chosen)).toBe(401);
    expect(db.prepare('select count(*) as n from sessions where id = ?').get(sessionIdFromToken('A'.repeat(32)))).toEqual({ n: 0 });
  });

  const forged: Array<[string, (real: string, storedId: string) => string]> = [
    ['empty', () => ''],
    ['random, of the right shape', () => 'Zz0-_'.repeat(6) + 'ab'],
    ['the stored id (the token`s SHA-256) instead of the token', (_real, id) => id],
    ['the real token with one character changed', (real) => (real[0] === 'a' ? 'b' : 'a') + real.slice(1)],
    ['the real token with a character more', (real) => `${real}a`],
    ['the real token without its last character', (real) => real.slice(0, -1)],
    ['the real token upper-cased', (real) => real.toUpperCase()],
    ['the real token URL-encoded twice', (real) => encodeURIComponent(encodeURIComponent(`${real}=`))],
    ['a NUL and the real token', (real) => `%00${real}`],
    ['a very long value', (real) => real.repeat(200)],
    ['SQL', () => "' or '1'='1"],
  ];

  it.each(forged)('refuses a forged cookie: %s', async (_what, make) => {
    const real = tokenOf(admin);
    const value = make(real, sessionIdFromToken(real));
    if (value !== real) expect(await sessionStatus(`gatehouse_session=${value}`)).toBe(401);
    expect(await sessionStatus(admin.cookie)).toBe(200);
  });
});

describe('expiry', () => {
  it('ends a session idle past its expiry, and deletes it', async () => {
    await account('idle-user');
    const client = await loggedIn('idle-user');
    expect(await sessionStatus(client.cookie)).toBe(200);
    db.prepare('update sessions set expires_at = ? where id = ?').run(new Date(Date.now() - 1000).toISOString(), rowOf(client)!.id);
    expect(await sessionStatus(client.cookie)).toBe(401);
    expect(rowOf(client)).toBeUndefined();
  });

  it('ends a session at its absolute lifetime however active it was', async () => {
    await account('busy-user');
    const client = await loggedIn('busy-user');
    const created = new Date(Date.now() - SESSION_ABSOLUTE_LIFETIME_MS - 1000).toISOString();
    // Still well inside its idle window: only the cap can end it.
    db.prepare('update sessions set created_at = ?, expires_at = ? where id = ?').run(created, new Date(Date.now() + HOUR).toISOString(), rowOf(client)!.id);
    expect(await sessionStatus(client.cookie)).toBe(401);
    expect(rowOf(client)).toBeUndefined();
  });

  it('slides the expiry of an active session, but never past the absolute cap', async () => {
    await account('sliding-user');
    const client = await loggedIn('sliding-user');
    const id = rowOf(client)!.id;
    // Late in its idle window: a request renews it by a whole idle timeout and sends the cookie again.
    db.prepare('update sessions set expires_at = ? where id = ?').run(new Date(Date.now() + HOUR).toISOString(), id);
    const renewed = await client.get('/api/session');
    expect(renewed.status).toBe(200);
    expect(renewed.headers.get('set-cookie')).toMatch(/Max-Age=4\d{4}/);
    expect(Date.parse(rowOf(client)!.expires_at) - Date.now()).toBeGreaterThan(SESSION_IDLE_TIMEOUT_MS - 60_000);
    // Two hours from its cap: renewed only up to the cap.
    const cap = Date.now() + 2 * HOUR;
    db.prepare('update sessions set created_at = ?, expires_at = ? where id = ?').run(new Date(cap - SESSION_ABSOLUTE_LIFETIME_MS).toISOString(), new Date(Date.now() + HOUR).toISOString(), id);
    expect((await client.get('/api/session')).status).toBe(200);
    expect(Math.abs(Date.parse(rowOf(client)!.expires_at) - cap)).toBeLessThan(5_000);
  });
});

describe('ending sessions', () => {
  it('logout ends the session on the server: the old cookie gets 401 and its live socket closes', async () => {
    await account('leaving-user');
    const client = await loggedIn('leaving-user');
    const cookie = client.cookie;
    const live = await FrameSocket.open(socketUrl(con.url, '/api/live'), { headers: { cookie, origin: new URL(con.url).origin } });
    expect((await client.request('DELETE', '/api/session')).status).toBe(204);
    expect((await live.closed).code).toBe(4401);
    expect(rowOf({ cookie } as ApiClient)).toBeUndefined();
    expect(await sessionStatus(cookie)).toBe(401);
    // Logging out again with the old cookie is just unauthorized.
    client.cookie = cookie;
    expect((await client.request('DELETE', '/api/session')).status).toBe(401);
  });

  it('a password change ends the user`s other sessions, keeps this one, and the old password stops working', async () => {
    await account('changing-user');
    const [here, elsewhere] = [await loggedIn('changing-user'), await loggedIn('changing-user')];
    const changed = await here.post('/api/session/password', { currentPassword: password, newPassword: 'a-brand-new-password-43' });
    expect(changed.status).toBe(204);
    expect(await sessionStatus(elsewhere.cookie)).toBe(401);
    expect(await sessionStatus(here.cookie)).toBe(200);
    expect((await login(fromNewAddress(), 'changing-user', password)).status).toBe(401);
    expect((await login(fromNewAddress(), 'changing-user', 'a-brand-new-password-43')).status).toBe(200);
  });

  it('an administrator setting a password ends every session of that account', async () => {
    const id = await account('reset-user');
    const [one, two] = [await loggedIn('reset-user'), await loggedIn('reset-user')];
    expect((await admin.request('PATCH', `/api/users/${id}`, { password: 'set-by-the-administrator' })).status).toBe(200);
    expect(await sessionStatus(one.cookie)).toBe(401);
    expect(await sessionStatus(two.cookie)).toBe(401);
  });

  it('disabling an account ends its sessions, refuses its logins, and re-enabling does not revive them', async () => {
    const id = await account('disabled-user');
    const client = await loggedIn('disabled-user');
    expect((await admin.request('PATCH', `/api/users/${id}`, { disabled: true })).status).toBe(200);
    expect(await sessionStatus(client.cookie)).toBe(401);
    const refused = await login(fromNewAddress(), 'disabled-user', password);
    expect(refused.status).toBe(401);
    expect(refused.body.error).toEqual({ code: 'unauthorized', message: 'wrong username or password' });
    expect((await admin.request('PATCH', `/api/users/${id}`, { disabled: false })).status).toBe(200);
    expect(await sessionStatus(client.cookie)).toBe(401);
    expect((await login(fromNewAddress(), 'disabled-user', password)).status).toBe(200);
  });
});

describe('login rate limits', () => {
  it('locks an account after 5 failures: the right password is refused too, from any address', async () => {
    await account('guessed-user');
    const attacker = fromNewAddress();
    for (let i = 0; i < 5; i++) expect((await login(attacker, 'guessed-user', `guess-${i}`)).status).toBe(401);
    const locked = await login(attacker, 'guessed-user', password);
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('rate-limited');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(locked.headers.get('set-cookie')).toBeNull();
    // The owner, from elsewhere, waits too: the limit is on the account.
    expect((await login(fromNewAddress(), 'guessed-user', password)).status).toBe(429);
    expect((await login(fromNewAddress(), 'Guessed-User ', password)).status).toBe(429);
  });

  it('locks an address after 20 failures across accounts, while other addresses log in', async () => {
    await account('bystander-user');
    const attacker = fromNewAddress();
    for (let i = 0; i < 20; i++) expect((await login(attacker, `sprayed-${i}`, 'Winter2026!')).status).toBe(401);
    const locked = await login(attacker, 'bystander-user', password);
    expect(locked.status).toBe(429);
    expect((await login(fromNewAddress(), 'bystander-user', password)).status).toBe(200);
  });

  it('holds the account limit against a burst of parallel guesses', async () => {
    await account('burst-user');
    const attacker = fromNewAddress();
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => login(attacker, 'burst-user', `burst-${i}`)));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 401).length, statuses.join(' ')).toBeLessThanOrEqual(5);
    expect(statuses.every((s) => s === 401 || s === 429), statuses.join(' ')).toBe(true);
    expect((await login(fromNewAddress(), 'burst-user', password)).status).toBe(429);
  });

  it('holds the address limit against a burst of parallel guesses at many accounts', async () => {
    const attacker = fromNewAddress();
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => login(attacker, `burst-spray-${i}`, 'Summer2026!')));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 401).length, statuses.join(' ')).toBeLessThanOrEqual(20);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(20);
  });

  it('answers a real account and a made-up one alike: same statuses, bodies and lockout', async () => {
    await account('real-user');
    const run = async (username: string) => {
      const client = fromNewAddress();
      const answers = [];
      for (let i = 0; i < 6; i++) answers.push(await login(client, username, `not-it-${i}`));
      return answers.map((a) => ({ status: a.status, body: a.body, retry: a.headers.get('retry-after') !== null, cookie: a.headers.get('set-cookie') }));
    };
    const [real, ghost] = [await run('real-user'), await run('ghost-user-never-made')];
    expect(real.map((a) => a.status)).toEqual([401, 401, 401, 401, 401, 429]);
    // Retry-After counts seconds from each one's own first failure; the rest must be identical.
    const same = (answers: typeof real) => answers.map((a) => ({ ...a, body: { error: { ...a.body.error, message: a.body.error.message.replace(/\d+ s/, 'N s') } } }));
    expect(same(ghost)).toEqual(same(real));
  });

  it('takes as long to refuse a made-up account as a real one (both check a password hash)', async () => {
    await account('timed-user');
    const time = async (username: string) => {
      const started = performance.now();
      await login(fromNewAddress(), username, 'wrong-password-here');
      return performance.now() - started;
    };
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    await time('timed-ghost-warmup');
    const real: number[] = [];
    const ghost: number[] = [];
    for (let i = 0; i < 5; i++) {
      real.push(await time('timed-user'));
      ghost.push(await time(`timed-ghost-${i}`));
    }
    // The same class of cost, not the same milliseconds: an answer without Argon2 would be ~20 times faster.
    expect(median(ghost), `real ${real.map(Math.round)} ghost ${ghost.map(Math.round)}`).toBeGreaterThan(median(real) * 0.3);
    expect(median(real), `real ${real.map(Math.round)} ghost ${ghost.map(Math.round)}`).toBeGreaterThan(median(ghost) * 0.3);
  });
});
