/**
 * Alarms for operators (docs/api.md "Alarms"): `GET /api/alarms` (current, what needs someone first), one alarm
 * with its history and notification attempts, and what people do to alarms: acknowledge (one or many), shelve,
 * unshelve, reset a latched one (alarm.acknowledge), take out of and return to service (alarm.manage). Rules are
 * at /api/alarm-rules (alarmRuleRoutes).
 */
import { Hono, type Context, type MiddlewareHandler } from 'hono';
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
import { mustMay } from '../http/caller.js';
import { fleetPlace, type Place } from '../access/access.js';
import { alarmPlace } from '../access/places.js';
import type { Alarm } from '../../../modules/kernel/alarm-model.js';

/** A rule's target as far as where it holds (the full rule is checked by the alarm service). */
const ruleTarget = z.object({ hostId: z.string().optional(), siteId: z.string().optional(), allHosts: z.literal(true).optional() });
import { readJson } from '../http/json-body.js';
import type { Services } from '../services.js';

const listQuery = z.object({ site: z.string().max(64).optional(), host: z.string().max(64).optional() }).strict();

function actor(c: Context<AppEnv>) {
  return { username: c.get('user').username, address: c.get('address') };
}

/** Refuse unless the grants allow `code` where the alarm is (its host, else its site, else the whole fleet). */
function mustMayOnAlarm(c: Context<AppEnv>, services: Services, alarm: Alarm, code: string): void {
  mustMay(c, code, alarmPlace(alarm, services.access), `alarm ${alarm.id}`);
}

/** Where a rule's alarms will be: its host, its site, or (every host) the whole fleet. */
function rulePlace(services: Services, target: { hostId?: string | undefined; siteId?: string | undefined; allHosts?: true | undefined }): Place {
  if (target.hostId !== undefined) return services.access.hostPlace(target.hostId);
  if (target.siteId !== undefined) return services.access.sitePlace(target.siteId);
  return fleetPlace;
}

export function alarmRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const alarms = services.alarms;
  /** An operator action on one alarm: allowed only where the alarm is. */
  const onAlarm = (code: string): MiddlewareHandler<AppEnv> => async (c, next) => {
    mustMayOnAlarm(c, services, alarms.alarm(c.req.param('id') ?? ''), code);
    return next();
  };

  app.get('/', requireAction('alarm.read'), (c) => {
    const parsed = listQuery.safeParse(c.req.query());
    if (!parsed.success) throw new GatehouseError('invalid-params', `query: ${parsed.error.issues[0]?.path.join('.') || 'query'}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    const held = c.get('access');
    return c.json(alarms.list({ siteId: parsed.data.site, hostId: parsed.data.host }).filter((alarm) => held.may('alarm.read', alarmPlace(alarm, services.access))));
  });

  app.get('/floods', requireAction('alarm.read'), (c) => {
    const held = c.get('access');
    return c.json(alarms.floods().filter((flood) => held.may('alarm.read', services.access.sitePlace(flood.siteId))));
  });

  app.post('/acknowledge', requireAction('alarm.acknowledge'), async (c) => {
    const { ids, comment } = await readJson(c, acknowledgeManyRequestSchema);
    // All or none: a list holding one alarm out of reach is refused whole, so nothing is half done.
    const standing = new Map(alarms.list().map((alarm) => [alarm.id, alarm]));
    for (const id of ids) {
      const alarm = standing.get(id);
      if (alarm !== undefined) mustMayOnAlarm(c, services, alarm, 'alarm.acknowledge');
    }
    return c.json(await alarms.acknowledgeMany(actor(c), ids, comment));
  });

  app.get('/:id', requireAction('alarm.read'), async (c) => {
    const detail = await alarms.detail(c.req.param('id'));
    mustMayOnAlarm(c, services, detail.alarm, 'alarm.read');
    return c.json(detail);
  });

  app.post('/:id/acknowledge', requireAction('alarm.acknowledge'), onAlarm('alarm.acknowledge'), async (c) => {
    const { comment } = await readJson(c, acknowledgeRequestSchema);
    return c.json(await alarms.acknowledge(actor(c), c.req.param('id'), comment));
  });

  app.post('/:id/shelve', requireAction('alarm.acknowledge'), onAlarm('alarm.acknowledge'), async (c) => {
    const request = await readJson(c, shelveRequestSchema);
    const until = request.oneShot === true ? { oneShot: true as const } : { minutes: request.minutes! };
    return c.json(await alarms.shelve(actor(c), c.req.param('id'), request.reason, until));
  });

  app.post('/:id/unshelve', requireAction('alarm.acknowledge'), onAlarm('alarm.acknowledge'), async (c) => {
    const { comment } = await readJson(c, operatorCommentRequestSchema);
    return c.json(await alarms.unshelve(actor(c), c.req.param('id'), comment));
  });

  app.post('/:id/reset', requireAction('alarm.acknowledge'), onAlarm('alarm.acknowledge'), async (c) => {
    const { comment } = await readJson(c, operatorCommentRequestSchema);
    return c.json(await alarms.reset(actor(c), c.req.param('id'), comment));
  });

  app.post('/:id/remove-from-service', requireAction('alarm.manage'), onAlarm('alarm.manage'), async (c) => {
    const { reason } = await readJson(c, removeFromServiceRequestSchema);
    return c.json(await alarms.removeFromService(actor(c), c.req.param('id'), reason));
  });

  app.post('/:id/return-to-service', requireAction('alarm.manage'), onAlarm('alarm.manage'), async (c) => {
    const { comment } = await readJson(c, operatorCommentRequestSchema);
    return c.json(await alarms.returnToService(actor(c), c.req.param('id'), comment));
  });

  return app;
}

/** `GET /api/alarm-rules`, `PUT /api/alarm-rules/:id` (the rule as JSON), `DELETE /api/alarm-rules/:id`. */
export function alarmRuleRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const existing = (id: string) => services.alarms.ruleViews().find((view) => view.rule.id === id);
  app.get('/', requireAction('alarm.read'), (c) => {
    const held = c.get('access');
    return c.json(services.alarms.ruleViews().filter((view) => held.may('alarm.read', rulePlace(services, view.rule.target))));
  });
  app.put('/:id', requireAction('alarm.manage'), async (c) => {
    const body = await readJson(c, z.unknown());
    // Both where the rule watches now and where it would watch: a rule cannot be moved out of or into someone's reach.
    const before = existing(c.req.param('id'));
    if (before !== undefined) mustMay(c, 'alarm.manage', rulePlace(services, before.rule.target), `rule ${before.rule.id}`);
    const target = ruleTarget.safeParse((body as { target?: unknown } | null)?.target);
    mustMay(c, 'alarm.manage', target.success ? rulePlace(services, target.data) : fleetPlace, 'the rule\'s target');
    return c.json(await services.alarms.saveRule(actor(c), c.req.param('id'), body));
  });
  app.delete('/:id', requireAction('alarm.manage'), async (c) => {
    const before = existing(c.req.param('id'));
    if (before !== undefined) mustMay(c, 'alarm.manage', rulePlace(services, before.rule.target), `rule ${before.rule.id}`);
    await services.alarms.deleteRule(actor(c), c.req.param('id'));
    return c.body(null, 204);
  });
  return app;
}
