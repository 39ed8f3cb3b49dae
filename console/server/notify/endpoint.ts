import { isIP } from 'node:net';
import { GatehouseError } from '../../../modules/kernel/errors.js';

/**
 * Where a channel may send. Plain (unencrypted) transport is allowed only to this machine — a local mail relay, a
 * test receiver — because everything else crosses a network where alarm text and acknowledge links can be read.
 * TLS verification has no off switch (SECURITY.md rule 7); a private CA is given as `ca`, not by turning checks off.
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return bare === '::1';
}

/** A webhook or SMS gateway URL: https (or http to loopback), no user:password in it. */
export function checkHttpEndpoint(raw: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new GatehouseError('invalid-params', `${what}: not a URL`);
  }
  if (url.username || url.password) {
    throw new GatehouseError('invalid-params', `${what}: credentials do not belong in a URL; put them in the headers`);
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return url;
  throw new GatehouseError('invalid-params', `${what}: must be https (plain http only to this machine)`);
}
