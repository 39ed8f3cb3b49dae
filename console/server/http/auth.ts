/**
 * The session gate for /api: resolves the cookie's session to a user, slides its expiry, and refuses
 * everything else with 401. Given the API tokens, it also lets scripts in with `Authorization: Bearer <token>`,
 * acting as the token's owner with the token's grants. Each request carries its `access` (grants on scopes); console
 * actions are checked with `requireAction` (somewhere) or `requireFleetAction` (on the whole fleet), things in a
 * place with `access.may(code, place)` in the route.
 */
import type { MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { SESSION_COOKIE_NAME, sessionCookieOptions, validateSessionToken } from '../auth/sessions.js';
import { ownerStillHolds } from '../access/token-grants.js';
import type { AccessControl } from '../access/service.js';
import type { ConsoleAction } from '../roles.js';
import type { Storage } from '../storage/types.js';
import { withApiToken } from '../tokens/current-token.js';
import type { ApiTokens } from '../tokens/store.js';
import type { AppEnv } from './env.js';
import { problemResponse } from './problems.js';

/**
 * `tokens` absent: browser sessions only, and a request with a token is refused (403), as the routes behind such
 * a gate (log out, change password) are about the browser session itself.
 */
export function requireSession(storage: Storage, access: AccessControl, tokens?: ApiTokens): MiddlewareHandler<AppEnv> {
  const stillHeld = ownerStillHolds(access);
  return async (c, next) => {
    const token = getCookie(c, SESSION_COOKIE_NAME);
    const authorization = c.req.header('authorization');
    if (authorization !== undefined) {
      // Which of two credentials would act is not something to guess: a request says who it is once.
      if (token) return problemResponse(c, 'bad-request', 'send either a session cookie or an Authorization header, not both');
      if (tokens === undefined) return problemResponse(c, 'forbidden', 'this route is for browser sessions; API tokens are not accepted here');
      const bearer = /^Bearer +(\S+) *$/i.exec(authorization)?.[1] ?? '';
      const check = await tokens.verify(bearer, c.get('address'), stillHeld);
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
      c.set('access', access.forGrants(check.identity.grants));
      return withApiToken(check.identity.tokenId, next);
    }
    const validation = token ? await validateSessionToken(storage, token) : null;
    if (!validation) return problemResponse(c, 'unauthorized', 'log in first');
    c.set('user', validation.user);
    c.set('access', await access.of(validation.user));
    c.set('session', validation.session);
    if (validation.renewed && token) {
      const secure = new URL(c.req.url).protocol === 'https:';
      setCookie(c, SESSION_COOKIE_NAME, token, sessionCookieOptions(validation.session.expiresAt, secure));
    }
    return next();
  };
}

/** The action must be the caller's somewhere; the route then limits what it shows or does to where it is theirs. */
export function requireAction(action: ConsoleAction): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!c.get('access').mayAnywhere(action)) return problemResponse(c, 'forbidden', `your grants do not allow ${action}`);
    return next();
  };
}

/** The action must be the caller's on the whole fleet (enrolling machines, making roles). */
export function requireFleetAction(action: ConsoleAction): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!c.get('access').mayThroughout(action, { kind: 'fleet' })) return problemResponse(c, 'forbidden', `your grants do not allow ${action} on the whole fleet`);
    return next();
  };
}

/** The client's address as this server saw it. */
export function clientAddress(incoming: { socket: { remoteAddress?: string | undefined } }): string {
  return incoming.socket.remoteAddress ?? 'unknown';
}
