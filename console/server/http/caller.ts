/** The person (or API token) behind a request, as the relay and services take it. */
import type { Context } from 'hono';
import { GatehouseError } from '../../../modules/kernel/errors.js';
import type { Place } from '../access/access.js';
import type { Caller } from '../relay.js';
import type { AppEnv } from './env.js';

export function callerOf(c: Context<AppEnv>): Caller {
  return { user: c.get('user'), address: c.get('address'), access: c.get('access') };
}

/** Refuse (403 forbidden) unless the request's grants allow `code` at `place`. */
export function mustMay(c: Context<AppEnv>, code: string, place: Place, where: string): void {
  if (!c.get('access').may(code, place)) throw new GatehouseError('forbidden', `your grants do not allow ${code} on ${where}`);
}
