/** Drift from the approved baseline: `GET /api/hosts/:id/drift`, and approving what is there now (host.manage). */
import { callerOf, mustMay } from '../http/caller.js';
import { GatehouseError } from '../../../modules/kernel/errors.js';
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../http/env.js';
import { requireAction } from '../http/auth.js';
import { readJson } from '../http/json-body.js';
import type { Services } from '../services.js';

const approveRequest = z.object({ digest: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'the digest of the report you reviewed') }).strict();

export function driftRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/:id/drift', async (c) => {
    if (!c.get('access').reaches(services.access.hostPlace(c.req.param('id')))) throw new GatehouseError('forbidden', 'your grants do not reach that host');
    return c.json(await services.baselines.report(callerOf(c), c.req.param('id')));
  });
  app.post('/:id/drift/approve', requireAction('host.manage'), async (c) => {
    const { digest } = await readJson(c, approveRequest);
    mustMay(c, 'host.manage', services.access.hostPlace(c.req.param('id')), `host ${c.req.param('id')}`);
    return c.json(await services.baselines.approve(callerOf(c), c.req.param('id'), digest));
  });
  return app;
}
