/**
 * Headers every answer carries (SECURITY.md rule 4): no framing, no sniffing, no referrer, and a strict
 * Content-Security-Policy. HTML pages get their own policy with a per-response style nonce (static.ts).
 */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './env.js';

export const apiContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export function pageContentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "object-src 'none'",
  ].join('; ');
}

export function securityHeaders(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    const h = c.res.headers;
    h.set('X-Content-Type-Options', 'nosniff');
    h.set('X-Frame-Options', 'DENY');
    // A page may ask for `same-origin` (the acknowledge page: its form POST needs a real Origin); nothing looser.
    if (h.get('Referrer-Policy') !== 'same-origin') h.set('Referrer-Policy', 'no-referrer');
    h.set('Cross-Origin-Opener-Policy', 'same-origin');
    h.set('Cross-Origin-Resource-Policy', 'same-origin');
    if (!h.has('Content-Security-Policy')) h.set('Content-Security-Policy', apiContentSecurityPolicy);
    if (new URL(c.req.url).protocol === 'https:') h.set('Strict-Transport-Security', 'max-age=31536000');
    if (c.req.path.startsWith('/api/')) h.set('Cache-Control', 'no-store');
  };
}
