/**
 * Approvals (docs/api.md "Approvals"), under /api/approvals behind the session gate:
 *   GET  /                    requests the caller may see (their own, and those they could approve);
 *                             `?state=pending,approved` filters by state, `?mine=1` only their own
 *   GET  /:id                 one request
 *   POST /                    { hostId, action, params, reason } asks for one call to be approved
 *   POST /:id/approve         { comment? } approves and performs it (a terminal: allows one open)
 *   POST /:id/reject          { reason }
 *   POST /:id/cancel          the requester withdraws it
 * The service checks who may do what; every step is audited there.
 */
import { Hono, type Context } from 'hono';
import { approvalDecisionSchema, approvalRejectionSchema, approvalRequestSchema, approvalStates, type ApprovalState } from '../../../modules/kernel/approvals.js';
import { GatehouseError } from '../../../modules/kernel/errors.js';
import type { ApprovalService } from '../approvals/service.js';
import type { AppEnv } from '../http/env.js';
import { readJson } from '../http/json-body.js';

function actor(c: Context<AppEnv>) {
  return { user: c.get('user'), address: c.get('address'), access: c.get('access') };
}

function requestId(c: Context<AppEnv>): number {
  const raw = c.req.param('id') ?? '';
  if (!/^[1-9][0-9]{0,15}$/.test(raw)) throw new GatehouseError('not-found', 'no such approval request');
  return Number(raw);
}

function statesOf(query: string | undefined): ApprovalState[] | undefined {
  if (query === undefined || query === '') return undefined;
  const states = query.split(',');
  const unknown = states.find((s) => !(approvalStates as readonly string[]).includes(s));
  if (unknown !== undefined) throw new GatehouseError('invalid-params', `state: ${unknown.slice(0, 32)} is not one of ${approvalStates.join(', ')}`);
  return states as ApprovalState[];
}

export function approvalRoutes(services: { approvals: ApprovalService }): Hono<AppEnv> {
  const { approvals } = services;
  const app = new Hono<AppEnv>();

  app.get('/', async (c) => {
    const states = statesOf(c.req.query('state'));
    const mine = c.req.query('mine') === '1' || c.req.query('mine') === 'true';
    return c.json({ requests: await approvals.list(actor(c), { ...(states ? { states } : {}), mine }) });
  });

  app.get('/:id', async (c) => c.json(await approvals.get(actor(c), requestId(c))));

  app.post('/', async (c) => c.json(await approvals.request(actor(c), await readJson(c, approvalRequestSchema)), 201));

  app.post('/:id/approve', async (c) => {
    const id = requestId(c);
    const { comment } = await readJson(c, approvalDecisionSchema);
    return c.json(await approvals.approve(actor(c), id, comment));
  });

  app.post('/:id/reject', async (c) => {
    const id = requestId(c);
    const { reason } = await readJson(c, approvalRejectionSchema);
    return c.json(await approvals.reject(actor(c), id, reason));
  });

  app.post('/:id/cancel', async (c) => c.json(await approvals.cancel(actor(c), requestId(c))));

  return app;
}
