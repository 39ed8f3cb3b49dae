/**
 * The session gate for /api: resolves the cookie's session to a user, slides its expiry, and refuses
 * everything else with 401. Given the API tokens, it also lets scripts in with `Authorization: Bearer <token>`,
 * acting as the token's owner with the token's role. Console-level actions check the role with `requireAction`.
 */
import type { MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { SESSION_COOKIE_NAME, sessionCookieOptions, validateSessionToken } from '../auth/sessions.js';
import { roleMay, type ConsoleAction } from '../roles.js';
import type { Storage } from '../storage/types.js';
import { withApiToken } from '../tokens/current-token.js';
import type { ApiTokens } from '../tokens/store.js';
import type { AppEnv } from './env.js';
import { problemResponse } from './problems.js';

/**
 * `tokens` absent: browser sessions only, and a request with a token is refused (403), as the routes behind such
 * a gate (log out, change password) are about the browser session itself.
 */
export function requireSession(storage: Storage, tokens?: ApiTokens): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = getCookie(c, SESSION_COOKIE_NAME);
    const authorization = c.req.header('authorization');
    if (authorization !== undefined) {
      // Which of two credentials would act is not something to guess: a request says who it is once.
      if (token) return problemResponse(c, 'bad-request', 'send either a session cookie or an Authorization header, not both');
      if (tokens === undefined) return problemResponse(c, 'forbidden', 'this route is for browser sessions; API tokens are not accepted here');
      const bearer = /^Bearer +(\S+) *$/i.exec(authorization)?.[1] ?? '';
      const check = await tokens.verify(bearer, c.get('address'));
      if (!check.ok) {
        if (check.reason === 'rate-limited') {
          const retryAfter = String(check.retryAfterSeconds);
          return problemResponse(c, 'rate-limited', `too many bad tokens; try again in ${retryAfter} s`, { 'Retry-After': retryAfter });
        }
        // One answer for garbled, unknown, wrong, expired, revoked and disowned tokens: no hint which it was.
        return problemResponse(c, 'unauthorized', 'the API token is not valid');
      }
      c.set('user', check.identity.user);
      c.set('tokenId', check.identity.tokenId);
      return withApiToken(check.identity.tokenId, next);
    }
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
