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
import type { Access } from '../access/access.js';
import type { MaintenanceScope } from '../../../modules/kernel/alarm-api.js';
import { readJson } from '../http/json-body.js';
import type { Services } from '../services.js';

const listQuery = z.object({ state: z.enum(['current', 'upcoming', 'past', 'all']).default('all') });

/** Ids are `mw_` and base64url; anything else cannot name a window and is refused before a lookup. */
const windowId = z.string().regex(/^mw_[A-Za-z0-9_-]{1,64}$/);

export function maintenanceRoutes(services: Services): Hono<AppEnv> {
  /** A window's scope is a grant's scope (host, host group, site): the code must hold throughout it. */
  const holdsOn = (held: Access, code: string, scope: MaintenanceScope) => held.mayThroughout(code, scope);
  const app = new Hono<AppEnv>();
  const actor = (c: { get(key: 'user'): AppEnv['Variables']['user']; get(key: 'address'): string }) => ({ username: c.get('user').username, address: c.get('address') });

  app.get('/', requireAction('alarm.read'), (c) => {
    const query = listQuery.safeParse(c.req.query());
    if (!query.success) throw new GatehouseError('invalid-params', 'state: give current, upcoming, past or all');
    const held = c.get('access');
    return c.json(services.maintenance.list({ state: query.data.state }).filter((window) => holdsOn(held, 'alarm.read', window.scope)));
  });

  app.post('/', requireAction('alarm.manage'), async (c) => {
    const request = await readJson(c, maintenanceWindowRequestSchema);
    if (!holdsOn(c.get('access'), 'alarm.manage', request.scope)) throw new GatehouseError('forbidden', 'your grants do not allow alarm.manage throughout that scope');
    return c.json(await services.maintenance.create(actor(c), request), 201);
  });

  app.post('/:id/end', requireAction('alarm.manage'), async (c) => {
    const id = windowId.safeParse(c.req.param('id'));
    if (!id.success) throw new GatehouseError('not-found', 'no such maintenance window');
    const window = services.maintenance.list({ state: 'all' }).find((w) => w.id === id.data);
    if (window !== undefined && !holdsOn(c.get('access'), 'alarm.manage', window.scope)) throw new GatehouseError('forbidden', 'your grants do not allow alarm.manage throughout that window\'s scope');
    return c.json(await services.maintenance.end(actor(c), id.data));
  });

  return app;
}
