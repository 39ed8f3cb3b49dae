/**
 * Browsers are held to their origin (SECURITY.md rule 4): a state-changing request or a WebSocket upgrade
 * whose Origin is not this console's own is refused, whatever cookie it carries.
 */
import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { SESSION_COOKIE_NAME } from '../auth/sessions.js';
import type { AppEnv } from './env.js';
import { problemResponse } from './problems.js';

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface OriginPolicy {
  /** Origins allowed besides the one the request itself was addressed to. */
  extra: readonly string[];
}

/** Is `origin` this console as addressed by the request (scheme + Host), or one configured as allowed? */
export function originAllowed(origin: string, requestOrigin: string, policy: OriginPolicy): boolean {
  return origin === requestOrigin || policy.extra.includes(origin);
}

export function originCheck(policy: OriginPolicy): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (safeMethods.has(c.req.method)) return next();
    const origin = c.req.header('origin');
    const fetchSite = c.req.header('sec-fetch-site');
    // Programs (scripts, agents) send no Origin; a browser always does on these methods. A browser that says
    // the request is cross-site is refused even without an Origin.
    if (origin === undefined) {
      if (fetchSite === 'cross-site') return problemResponse(c, 'forbidden', 'cross-site request refused');
      // The session cookie is a browser's credential, and browsers send Origin on these methods; a request that
      // carries the cookie without one did not come from a page of ours, so it cannot act for the session.
      if (getCookie(c, SESSION_COOKIE_NAME) !== undefined) {
        return problemResponse(c, 'forbidden', 'a request with a session cookie must carry an Origin header');
      }
      return next();
    }
    if (!originAllowed(origin, new URL(c.req.url).origin, policy)) {
      return problemResponse(c, 'forbidden', `requests from origin ${origin} are not allowed`);
    }
    return next();
  };
}
