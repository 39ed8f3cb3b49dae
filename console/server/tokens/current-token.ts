/**
 * The API token a request is being served with, for code that has no Hono context (the audit trail): set by the
 * session gate around the whole request, read wherever an audit entry is written.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const current = new AsyncLocalStorage<string>();

/** Run `serve` (and everything it awaits) as acting through the token `tokenId`. */
export function withApiToken<T>(tokenId: string, serve: () => T): T {
  return current.run(tokenId, serve);
}

/** The id of the API token the current request came with, or undefined for a browser session or no request. */
export function currentApiTokenId(): string | undefined {
  return current.getStore();
}
