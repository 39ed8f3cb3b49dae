/** Drift from the approved baseline: `GET /api/hosts/:id/drift`, and approving what is there now (host.manage). */
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
    return c.json(await services.baselines.report({ user: c.get('user'), address: c.get('address') }, c.req.param('id')));
  });
  app.post('/:id/drift/approve', requireAction('host.manage'), async (c) => {
    const { digest } = await readJson(c, approveRequest);
    return c.json(await services.baselines.approve({ user: c.get('user'), address: c.get('address') }, c.req.param('id'), digest));
  });
  return app;
}
