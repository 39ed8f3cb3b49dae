/**
 * The session gate for /api: resolves the cookie's session to a user, slides its expiry, and refuses
 * everything else with 401. Console-level actions check the role with `requireAction`.
 */
import type { MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { SESSION_COOKIE_NAME, sessionCookieOptions, validateSessionToken } from '../auth/sessions.js';
import { roleMay, type ConsoleAction } from '../roles.js';
import type { Storage } from '../storage/types.js';
import type { AppEnv } from './env.js';
import { problemResponse } from './problems.js';

export function requireSession(storage: Storage): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = getCookie(c, SESSION_COOKIE_NAME);
    const validation = token ? await validateSessionToken(storage, token) : null;
    if (!validation) return problemResponse(c, 'unauthorized', 'log in first');
    c.set('user', validation.user);
    c.set('session', validation.session);
    if (validation.renewed && token) {
      const secure = new URL(c.req.url).protocol === 'https:';
      setCookie(c, SESSION_COOKIE_NAME, token, sessionCookieOptions(validation.session.expiresAt, secure));
    }
    return next();
  };
}

export function requireAction(action: ConsoleAction): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!roleMay(c.get('user').role, action)) {
      return problemResponse(c, 'forbidden', `your role (${c.get('user').role}) does not allow ${action}`);
    }
    return next();
  };
}

/** The client's address as this server saw it. */
export function clientAddress(incoming: { socket: { remoteAddress?: string | undefined } }): string {
  return incoming.socket.remoteAddress ?? 'unknown';
}
