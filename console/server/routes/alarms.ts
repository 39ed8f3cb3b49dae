/**
 * Alarms for operators (docs/api.md "Alarms"): `GET /api/alarms` (current, what needs someone first), one alarm
 * with its history and notification attempts, and what people do to alarms: acknowledge (one or many), shelve,
 * unshelve, reset a latched one (alarm.acknowledge), take out of and return to service (alarm.manage). Rules are
 * at /api/alarm-rules (alarmRuleRoutes).
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import {
  acknowledgeManyRequestSchema,
  acknowledgeRequestSchema,
  operatorCommentRequestSchema,
  removeFromServiceRequestSchema,
  shelveRequestSchema,
} from '../../../modules/kernel/alarm-api.js';
import { GatehouseError } from '../../../modules/kernel/errors.js';
import type { AppEnv } from '../http/env.js';
import { requireAction } from '../http/auth.js';
import { readJson } from '../http/json-body.js';
import type { Services } from '../services.js';

const listQuery = z.object({ site: z.string().max(64).optional(), host: z.string().max(64).optional() }).strict();

function actor(c: Context<AppEnv>) {
  return { username: c.get('user').username, address: c.get('address') };
}

export function alarmRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const alarms = services.alarms;

  app.get('/', requireAction('alarm.read'), (c) => {
    const parsed = listQuery.safeParse(c.req.query());
    if (!parsed.success) throw new GatehouseError('invalid-params', `query: ${parsed.error.issues[0]?.path.join('.') || 'query'}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    return c.json(alarms.list({ siteId: parsed.data.site, hostId: parsed.data.host }));
  });

  app.get('/floods', requireAction('alarm.read'), (c) => c.json(alarms.floods()));

  app.post('/acknowledge', requireAction('alarm.acknowledge'), async (c) => {
    const { ids, comment } = await readJson(c, acknowledgeManyRequestSchema);
    return c.json(await alarms.acknowledgeMany(actor(c), ids, comment));
  });

  app.get('/:id', requireAction('alarm.read'), async (c) => c.json(await alarms.detail(c.req.param('id'))));

  app.post('/:id/acknowledge', requireAction('alarm.acknowledge'), async (c) => {
    const { comment } = await readJson(c, acknowledgeRequestSchema);
    return c.json(await alarms.acknowledge(actor(c), c.req.param('id'), comment));
  });

  app.post('/:id/shelve', requireAction('alarm.acknowledge'), async (c) => {
    const request = await readJson(c, shelveRequestSchema);
    const until = request.oneShot === true ? { oneShot: true as const } : { minutes: request.minutes! };
    return c.json(await alarms.shelve(actor(c), c.req.param('id'), request.reason, until));
  });

  app.post('/:id/unshelve', requireAction('alarm.acknowledge'), async (c) => {
    const { comment } = await readJson(c, operatorCommentRequestSchema);
    return c.json(await alarms.unshelve(actor(c), c.req.param('id'), comment));
  });

  app.post('/:id/reset', requireAction('alarm.acknowledge'), async (c) => {
    const { comment } = await readJson(c, operatorCommentRequestSchema);
    return c.json(await alarms.reset(actor(c), c.req.param('id'), comment));
  });

  app.post('/:id/remove-from-service', requireAction('alarm.manage'), async (c) => {
    const { reason } = await readJson(c, removeFromServiceRequestSchema);
    return c.json(await alarms.removeFromService(actor(c), c.req.param('id'), reason));
  });

  app.post('/:id/return-to-service', requireAction('alarm.manage'), async (c) => {
    const { comment } = await readJson(c, operatorCommentRequestSchema);
    return c.json(await alarms.returnToService(actor(c), c.req.param('id'), comment));
  });

  return app;
}

/** `GET /api/alarm-rules`, `PUT /api/alarm-rules/:id` (the rule as JSON), `DELETE /api/alarm-rules/:id`. */
export function alarmRuleRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/', requireAction('alarm.read'), (c) => c.json(services.alarms.ruleViews()));
  app.put('/:id', requireAction('alarm.manage'), async (c) => {
    const body = await readJson(c, z.unknown());
    return c.json(await services.alarms.saveRule(actor(c), c.req.param('id'), body));
  });
  app.delete('/:id', requireAction('alarm.manage'), async (c) => {
    await services.alarms.deleteRule(actor(c), c.req.param('id'));
    return c.body(null, 204);
  });
  return app;
}
