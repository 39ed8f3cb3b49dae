/**
 * DNS rebinding guard: a page on attacker.example can make its name resolve to this console's address, and then
 * its requests carry a matching Host and Origin. Answering only to host names we know closes that door.
 */
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './env.js';
import { problemResponse } from './problems.js';

export class HostNames {
  readonly #known: Set<string>;

  constructor(origins: readonly string[]) {
    this.#known = new Set(['localhost', hostname().toLowerCase(), ...origins.map((o) => new URL(o).hostname.toLowerCase())]);
  }

  /** May a request addressed to this Host header be answered? IP literals always may: they cannot be rebound. */
  allows(hostHeader: string | undefined): boolean {
    if (!hostHeader) return false;
    let name: string;
    try {
      name = new URL(`http://${hostHeader}`).hostname.toLowerCase();
    } catch {
      return false;
    }
    const bare = name.replace(/^\[|\]$/g, '');
    return isIP(bare) !== 0 || this.#known.has(name);
  }
}

export function hostCheck(names: HostNames): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!names.allows(c.req.header('host'))) {
      return problemResponse(c, 'forbidden', 'this console does not answer to that host name; add it to publicUrl or allowedOrigins');
    }
    return next();
  };
}
