/**
 * Maintenance windows (mounted at /api/maintenance-windows): anyone who may see alarms may see when they are not
 * paged; scheduling and ending a window is alarm.manage. Shapes in modules/kernel/alarm-api.ts.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { maintenanceWindowRequestSchema } from '../../../modules/kernel/alarm-api.js';
import { GatehouseError } from '../../../modules/kernel/errors.js';
import type { AppEnv } from '../http/env.js';
import { requireAction } from '../http/auth.js';
import { readJson } from '../http/json-body.js';
import type { Services } from '../services.js';

const listQuery = z.object({ state: z.enum(['current', 'upcoming', 'past', 'all']).default('all') });

/** Ids are `mw_` and base64url; anything else cannot name a window and is refused before a lookup. */
const windowId = z.string().regex(/^mw_[A-Za-z0-9_-]{1,64}$/);

export function maintenanceRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const actor = (c: { get(key: 'user'): AppEnv['Variables']['user']; get(key: 'address'): string }) => ({ username: c.get('user').username, address: c.get('address') });

  app.get('/', requireAction('alarm.read'), (c) => {
    const query = listQuery.safeParse(c.req.query());
    if (!query.success) throw new GatehouseError('invalid-params', 'state: give current, upcoming, past or all');
    return c.json(services.maintenance.list({ state: query.data.state }));
  });

  app.post('/', requireAction('alarm.manage'), async (c) => {
    const request = await readJson(c, maintenanceWindowRequestSchema);
    return c.json(await services.maintenance.create(actor(c), request), 201);
  });

  app.post('/:id/end', requireAction('alarm.manage'), async (c) => {
    const id = windowId.safeParse(c.req.param('id'));
    if (!id.success) throw new GatehouseError('not-found', 'no such maintenance window');
    return c.json(await services.maintenance.end(actor(c), id.data));
  });

  return app;
}
