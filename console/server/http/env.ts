/**
 * The Hono environment shared by every route: what the auth middleware puts on the context. A request made with an
 * API token has `user` and `tokenId` but no `session`: only gates that accept tokens (app.ts's) let such a request
 * through, and the routes behind them do not read `session` (the session routes have their own gate, which refuses tokens).
 */
import type { HttpBindings } from '@hono/node-server';
import type { Access } from '../access/access.js';
import type { SessionRecord, UserRecord } from '../storage/types.js';

export interface AppEnv {
  Bindings: HttpBindings;
  Variables: {
    user: UserRecord;
    /** What this request may do where: the person's grants, or the API token's. */
    access: Access;
    session: SessionRecord;
    /** The client's address as seen by this server. */
    address: string;
    /** Set when the request came with an API token (`Authorization: Bearer`) rather than a browser session. */
    tokenId?: string;
  };
}
