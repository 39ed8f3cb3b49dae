/**
 * API tokens (docs/api.md "API tokens"), under /api/tokens behind the session gate: `GET /` lists the caller's own
 * tokens (an administrator's list holds everyone's), `POST /` makes one and answers it once
 * (from a browser session only), `DELETE /:id` revokes
 * (its owner or an administrator). Creating and revoking are audited, naming the token's id, never the token.
 */
import { Hono, type Context } from 'hono';
import { scopeKey } from '../../../modules/kernel/access.js';
import { grantRefusal } from '../access/authority.js';
import { apiTokenRequestSchema } from '../../../modules/kernel/api-tokens.js';
import { GatehouseError } from '../../../modules/kernel/errors.js';
import type { AppEnv } from '../http/env.js';
import { readJson } from '../http/json-body.js';
import type { Services } from '../services.js';

/** Selectors are 16 hex digits; anything else cannot name a token. */
const tokenIdPattern = /^[0-9a-f]{16}$/;

export function tokenRoutes(services: Pick<Services, 'tokens' | 'audit' | 'access'>): Hono<AppEnv> {
  const { tokens, audit, access } = services;
  /** Whoever manages accounts on the whole fleet sees and revokes everyone's tokens. */
  const overseesTokens = (c: Context<AppEnv>) => c.get('access').mayThroughout('account.manage', { kind: 'fleet' });
  const app = new Hono<AppEnv>();

  app.get('/', async (c) => {
    const user = c.get('user');
    return c.json(await tokens.list(overseesTokens(c) ? {} : { ownerId: user.id }));
  });

  app.post('/', async (c) => {
    const user = c.get('user');
    // A leaked token must not be able to outlive its revocation by minting a successor: tokens are made by people.
    if (c.get('tokenId') !== undefined) throw new GatehouseError('forbidden', 'tokens are made in a browser session, not with another token');
    const request = await readJson(c, apiTokenRequestSchema);
    const held = c.get('access');
    const issued = await tokens.create(user, held.grants, request, (grant) => grantRefusal(held, grant, access.roles, { asAccountManager: false }));
    await audit.record({
      user: user.username,
      action: 'token.create',
      phase: 'event',
      result: 'ok',
      address: c.get('address'),
      detail: `token ${issued.id} "${issued.name}" with ${issued.grants.map((grant) => `${grant.role} on ${scopeKey(grant.scope)}`).join(', ')}, expires ${issued.expiresAt}`,
    });
    return c.json(issued, 201);
  });

  app.delete('/:id', async (c) => {
    const user = c.get('user');
    const id = c.req.param('id');
    const found = tokenIdPattern.test(id) ? await tokens.find(id) : undefined;
    // Someone else's token is "not found" to a non-administrator: ids do not confirm what exists.
    if (found === undefined || (found.owner.id !== user.id && !overseesTokens(c))) {
      throw new GatehouseError('not-found', 'no such token');
    }
    if (found.state !== 'revoked') {
      await tokens.revoke(id, user.username);
      const whose = found.owner.id === user.id ? '' : ` of ${found.owner.username}`;
      await audit.record({ user: user.username, action: 'token.revoke', phase: 'event', result: 'ok', address: c.get('address'), detail: `token ${id} "${found.name}"${whose}` });
    }
    return c.body(null, 204);
  });

  return app;
}
