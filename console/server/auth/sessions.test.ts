import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KyselyStorage } from '../storage/kysely-storage.js';
import { createSqliteKysely } from '../storage/sqlite.js';
import {
  clearSessionCookieHeader,
  createSession,
  generateSessionToken,
  invalidateSession,
  invalidateUserSessions,
  isHttpsRequest,
  SESSION_ABSOLUTE_LIFETIME_MS,
  SESSION_IDLE_TIMEOUT_MS,
  sessionCookieHeader,
  sessionCookieOptions,
  sessionIdFromToken,
  sessionTokenFromCookieHeader,
  validateSessionToken,
} from './sessions.js';

const HOUR = 3_600_000;
const T0 = new Date('2025-06-01T08:00:00.000Z');
const after = (ms: number) => new Date(T0.getTime() + ms);

describe('sessions', () => {
  let storage: KyselyStorage;

  beforeEach(async () => {
    storage = new KyselyStorage(createSqliteKysely(':memory:'));
    await storage.migrate();
    await storage.createUser({ id: 'u1', username: 'alice', role: 'plant-operator', passwordHash: 'x' });
  });
  afterEach(async () => {
    await storage.close();
  });

  it('makes long random URL-safe tokens', () => {
    const tokens = new Set(Array.from({ length: 100 }, generateSessionToken));
    expect(tokens.size).toBe(100);
    for (const token of tokens) expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it('stores the SHA-256 of the token, never the token', async () => {
    const { token, session } = await createSession(storage, 'u1', '192.0.2.1', T0);
    expect(session.id).toBe(sessionIdFromToken(token));
    expect(session.id).toMatch(/^[0-9a-f]{64}$/);
    expect(await storage.findSession(token)).toBeUndefined();
    const rows = await storage.db.selectFrom('sessions').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(session).toMatchObject({ userId: 'u1', address: '192.0.2.1', createdAt: T0.toISOString(), expiresAt: after(12 * HOUR).toISOString() });
  });

  it('validates a fresh session without writing', async () => {
    const { token, session } = await createSession(storage, 'u1', null, T0);
    const result = await validateSessionToken(storage, token, after(HOUR));
    expect(result).toMatchObject({ session, user: { id: 'u1', username: 'alice' }, renewed: false });
  });

  it('refuses unknown and malformed tokens', async () => {
    expect(await validateSessionToken(storage, generateSessionToken(), T0)).toBeNull();
    expect(await validateSessionToken(storage, '', T0)).toBeNull();
    expect(await validateSessionToken(storage, 'x'.repeat(10_000), T0)).toBeNull();
  });

  it('expires after the idle timeout and deletes the session', async () => {
    const { token, session } = await createSession(storage, 'u1', null, T0);
    expect(await validateSessionToken(storage, token, after(SESSION_IDLE_TIMEOUT_MS))).toBeNull();
    expect(await storage.findSession(session.id)).toBeUndefined();
  });

  it('slides the expiry only once less than half the idle window remains', async () => {
    const { token, session } = await createSession(storage, 'u1', null, T0);
    const early = await validateSessionToken(storage, token, after(5 * HOUR));
    expect(early?.renewed).toBe(false);
    const late = await validateSessionToken(storage, token, after(7 * HOUR));
    expect(late?.renewed).toBe(true);
    expect(late?.session.expiresAt).toBe(after(19 * HOUR).toISOString());
    expect((await storage.findSession(session.id))?.expiresAt).toBe(after(19 * HOUR).toISOString());
    // Still alive past the original 12 h because it was used.
    expect(await validateSessionToken(storage, token, after(18 * HOUR))).not.toBeNull();
  });

  it('ends at the absolute cap however active', async () => {
    const { token } = await createSession(storage, 'u1', null, T0);
    let last = null;
    for (let t = 7 * HOUR; t < SESSION_ABSOLUTE_LIFETIME_MS; t += 7 * HOUR) {
      last = await validateSessionToken(storage, token, after(t));
      expect(last).not.toBeNull();
    }
    // Renewal never reaches past the cap.
    expect(Date.parse(last!.session.expiresAt)).toBeLessThanOrEqual(T0.getTime() + SESSION_ABSOLUTE_LIFETIME_MS);
    expect(await validateSessionToken(storage, token, after(SESSION_ABSOLUTE_LIFETIME_MS))).toBeNull();
  });

  it('invalidates one session, or all of a user\'s but the current', async () => {
    const a = await createSession(storage, 'u1', null, T0);
    const b = await createSession(storage, 'u1', null, T0);
    const c = await createSession(storage, 'u1', null, T0);
    await invalidateSession(storage, a.session.id);
    expect(await validateSessionToken(storage, a.token, T0)).toBeNull();
    await invalidateUserSessions(storage, 'u1', b.session.id);
    expect(await validateSessionToken(storage, b.token, T0)).not.toBeNull();
    expect(await validateSessionToken(storage, c.token, T0)).toBeNull();
    await invalidateUserSessions(storage, 'u1');
    expect(await validateSessionToken(storage, b.token, T0)).toBeNull();
  });

  it('refuses a disabled user and drops the session', async () => {
    const { token, session } = await createSession(storage, 'u1', null, T0);
    await storage.db.updateTable('users').set({ disabled: 1 }).where('id', '=', 'u1').execute();
    expect(await validateSessionToken(storage, token, after(HOUR))).toBeNull();
    expect(await storage.findSession(session.id)).toBeUndefined();
  });
});

describe('session cookies', () => {
  it('sets HttpOnly, SameSite=Strict, Path=/ and Max-Age from the expiry', () => {
    const header = sessionCookieHeader('tok', after(12 * HOUR).toISOString(), false, T0);
    expect(header).toBe('gatehouse_session=tok; HttpOnly; SameSite=Strict; Path=/; Max-Age=43200');
  });

  it('adds Secure over HTTPS', () => {
    expect(sessionCookieHeader('tok', after(HOUR).toISOString(), true, T0)).toMatch(/; Secure$/);
    expect(sessionCookieOptions(after(HOUR).toISOString(), true, T0)).toEqual({
      httpOnly: true, sameSite: 'Strict', path: '/', secure: true, maxAge: 3600,
    });
    expect(isHttpsRequest('https://console.example/login')).toBe(true);
    expect(isHttpsRequest('http://localhost:8080/login')).toBe(false);
  });

  it('clears the cookie', () => {
    expect(clearSessionCookieHeader(true)).toBe('gatehouse_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0; Secure');
    expect(sessionCookieOptions(after(-HOUR).toISOString(), false, T0).maxAge).toBe(0);
  });

  it('reads the token from a Cookie header', () => {
    expect(sessionTokenFromCookieHeader('theme=dark; gatehouse_session=abc_-1; x=y')).toBe('abc_-1');
    expect(sessionTokenFromCookieHeader('theme=dark')).toBeUndefined();
    expect(sessionTokenFromCookieHeader(undefined)).toBeUndefined();
  });
});
