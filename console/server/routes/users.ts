/**
 * Console accounts (docs/api.md "Accounts"): `GET /api/users`, `POST /api/users` `{ username, password, role }`
 * (the role on the whole fleet) or `{ username, password, grants }`, `PATCH /api/users/:id`
 * `{ grants?, role?, disabled?, password? }`. Needs account.manage somewhere: a delegated administrator of a site
 * works inside it (accounts/accounts.ts); every change audited, no password hash ever answered.
 */
import { Hono, type Context } from 'hono';
import { accountChangeSchema, newAccountSchema } from '../accounts/accounts.js';
import type { AppEnv } from '../http/env.js';
import { requireAction } from '../http/auth.js';
import { readJson } from '../http/json-body.js';
import type { Services } from '../services.js';

export function userRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const actor = (c: Context<AppEnv>) => ({ username: c.get('user').username, address: c.get('address'), access: c.get('access') });
  app.get('/', requireAction('account.manage'), async (c) => c.json(await services.accounts.list(actor(c))));
  app.post('/', requireAction('account.manage'), async (c) => c.json(await services.accounts.create(actor(c), await readJson(c, newAccountSchema)), 201));
  app.patch('/:id', requireAction('account.manage'), async (c) => c.json(await services.accounts.change(actor(c), c.req.param('id'), await readJson(c, accountChangeSchema))));
  return app;
}
