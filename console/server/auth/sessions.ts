/**
 * Browser sessions, after the Lucia session guide (the `lucia` package is deprecated; this is its pattern):
 * a random token goes to the browser in a cookie, only its SHA-256 is stored, so a leaked database or backup
 * holds no usable session (SECURITY.md rules 7 and 12).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { SessionRecord, Storage, UserRecord } from '../storage/types.js';

export const SESSION_COOKIE_NAME = 'gatehouse_session';

/** A session unused this long ends: an unattended browser in a control room does not stay logged in. */
export const SESSION_IDLE_TIMEOUT_MS = 12 * 60 * 60 * 1000;

/**
 * No session lives longer than this from login, however active. Sliding expiry alone would let a stolen cookie,
 * kept busy, live forever; the cap bounds that and makes everyone re-enter their password weekly, so a changed
 * password, lowered role or disabled account is felt by every session within a week even if one was missed.
 */
export const SESSION_ABSOLUTE_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

/** 24 random bytes (192 bits), base64url: 32 characters, cookie-safe without quoting. */
const TOKEN_BYTES = 24;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{32}$/;

export interface SessionValidation {
  session: SessionRecord;
  user: UserRecord;
  /** The expiry moved: send the cookie again so the browser's Max-Age follows. */
  renewed: boolean;
}

/** Attributes for Hono's `setCookie(c, SESSION_COOKIE_NAME, token, options)`, or any framework's equivalent. */
export interface SessionCookieOptions {
  httpOnly: true;
  sameSite: 'Strict';
  path: '/';
  secure: boolean;
  maxAge: number;
}

/** A fresh session token, to hand to the browser and never store. */
export function generateSessionToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/** The stored session id for a token: SHA-256, hex. */
export function sessionIdFromToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Start a session for a user who just proved who they are; returns the token for the cookie and the record. */
export async function createSession(
  storage: Storage,
  userId: string,
  address: string | null,
  now: Date = new Date(),
): Promise<{ token: string; session: SessionRecord }> {
  const token = generateSessionToken();
  const session: SessionRecord = {
    id: sessionIdFromToken(token),
    userId,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + SESSION_IDLE_TIMEOUT_MS).toISOString(),
    address,
  };
  await storage.createSession(session);
  return { token, session };
}

/**
 * The session and user behind a cookie's token, or null when there is none, it expired (idle or absolute), or
 * the user is gone or disabled; such sessions are deleted on the way. Slides the expiry forward when needed.
 */
export async function validateSessionToken(
  storage: Storage,
  token: string,
  now: Date = new Date(),
): Promise<SessionValidation | null> {
  // Anything we did not issue is refused before touching the database.
  if (!TOKEN_PATTERN.test(token)) return null;
  const id = sessionIdFromToken(token);
  const found = await storage.findSession(id);
  if (found === undefined) return null;

  const nowMs = now.getTime();
  const expiresMs = Date.parse(found.expiresAt);
  const capMs = Date.parse(found.createdAt) + SESSION_ABSOLUTE_LIFETIME_MS;
  if (!(nowMs < expiresMs && nowMs < capMs)) {
    await storage.deleteSession(id);
    return null;
  }

  const user = await storage.findUserById(found.userId);
  if (user === undefined || user.disabled) {
    // Deleted rather than merely refused: re-enabling an account must not revive the sessions it had.
    await storage.deleteSession(id);
    return null;
  }

  // Renew only in the second half of the idle window, so an active user costs one write per ~6 hours,
  // not one per request.
  let session = found;
  let renewed = false;
  if (expiresMs - nowMs < SESSION_IDLE_TIMEOUT_MS / 2) {
    const nextMs = Math.min(nowMs + SESSION_IDLE_TIMEOUT_MS, capMs);
    if (nextMs > expiresMs) {
      session = { ...found, expiresAt: new Date(nextMs).toISOString() };
      await storage.extendSession(id, session.expiresAt);
      renewed = true;
    }
  }
  return { session, user, renewed };
}

/** End one session (log out). */
export async function invalidateSession(storage: Storage, sessionId: string): Promise<void> {
  await storage.deleteSession(sessionId);
}

/** End all of a user's sessions, optionally keeping the caller's own (after a password change, say). */
export async function invalidateUserSessions(storage: Storage, userId: string, exceptSessionId?: string): Promise<void> {
  await storage.deleteUserSessions(userId, exceptSessionId);
}

/** Cookie attributes for a session expiring at `expiresAt`; `secure` when the request came over HTTPS. */
export function sessionCookieOptions(expiresAt: string, secure: boolean, now: Date = new Date()): SessionCookieOptions {
  const maxAge = Math.max(0, Math.floor((Date.parse(expiresAt) - now.getTime()) / 1000));
  return { httpOnly: true, sameSite: 'Strict', path: '/', secure, maxAge };
}

/** Attributes that make the browser drop the session cookie at once. */
export function clearSessionCookieOptions(secure: boolean): SessionCookieOptions {
  return { httpOnly: true, sameSite: 'Strict', path: '/', secure, maxAge: 0 };
}

/** A complete `Set-Cookie` value for the session token. */
export function sessionCookieHeader(token: string, expiresAt: string, secure: boolean, now: Date = new Date()): string {
  return formatCookie(token, sessionCookieOptions(expiresAt, secure, now));
}

/** A complete `Set-Cookie` value that clears the session cookie (log out, refused session). */
export function clearSessionCookieHeader(secure: boolean): string {
  return formatCookie('', clearSessionCookieOptions(secure));
}

/** Whether the request reached us over HTTPS, from its URL; only this decides the Secure attribute. */
export function isHttpsRequest(url: string | URL): boolean {
  return new URL(url).protocol === 'https:';
}

/** The session token from a `Cookie` request header (e.g. on a WebSocket upgrade outside Hono), if present. */
export function sessionTokenFromCookieHeader(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq !== -1 && pair.slice(0, eq).trim() === SESSION_COOKIE_NAME) return pair.slice(eq + 1).trim();
  }
  return undefined;
}

function formatCookie(value: string, options: SessionCookieOptions): string {
  const parts = [`${SESSION_COOKIE_NAME}=${value}`, 'HttpOnly', 'SameSite=Strict', 'Path=/', `Max-Age=${options.maxAge}`];
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}
