/** The Hono environment shared by every route: what the auth middleware puts on the context. */
import type { HttpBindings } from '@hono/node-server';
import type { SessionRecord, UserRecord } from '../storage/types.js';

export interface AppEnv {
  Bindings: HttpBindings;
  Variables: {
    user: UserRecord;
    session: SessionRecord;
    /** The client's address as seen by this server. */
    address: string;
  };
}
