/**
 * Sites for operators: `GET /api/sites`, a site's tags with their latest readings, trends and CSV exports, and
 * setpoint writes. Creating sites and giving gateways their profiles is for administrators (site.manage).
 */
import { callerOf, mustMay } from '../http/caller.js';
import { Readable } from 'node:stream';
import { Hono, type MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { GatehouseError } from '../../../modules/kernel/errors.js';
import { profileName } from '../../../modules/modbus/profile.js';
import { setpointRequestSchema, siteIdSchema } from '../../../modules/modbus/site-api.js';
import type { AppEnv } from '../http/env.js';
import { requireAction, requireFleetAction } from '../http/auth.js';
import { readJson } from '../http/json-body.js';
import type { Services } from '../services.js';

const newSite = z
  .object({ id: siteIdSchema, name: z.string().trim().min(1).max(128), description: z.string().max(1000).default('') })
  .strict();

const profileRequest = z
  .object({ hostId: z.string().min(1).max(64), text: z.string().min(1).max(1024 * 1024), format: z.enum(['yaml', 'json']).default('yaml') })
  .strict();

/** A range of history: `tags=a,b&from=<ms>&to=<ms>`; at most 16 tags and 400 days. */
const rangeQuery = z.object({
  tags: z
    .string()
    .max(16 * 65)
    .transform((s) => s.split(',').filter(Boolean))
    .pipe(z.array(profileName).min(1).max(16)),
  from: z.coerce.number().int().nonnegative(),
  to: z.coerce.number().int().nonnegative(),
  maxPoints: z.coerce.number().int().min(10).max(10_000).default(2000),
});

function range(query: Record<string, string>) {
  const parsed = rangeQuery.safeParse(query);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new GatehouseError('invalid-params', `${issue?.path.join('.') || 'query'}: ${issue?.message ?? 'is not valid'}`);
  }
  const { from, to } = parsed.data;
  if (to <= from) throw new GatehouseError('invalid-params', 'to must be after from');
  if (to - from > 400 * 86_400_000) throw new GatehouseError('invalid-params', 'a range may span at most 400 days');
  return parsed.data;
}

export function siteRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const caller = callerOf;
  /** Site routes act on one site: the grants must allow the action there (a site, or the whole fleet). */
  const onSite = (code: 'site.read' | 'site.manage'): MiddlewareHandler<AppEnv> => async (c, next) => {
    mustMay(c, code, services.access.sitePlace(c.req.param('id') ?? ''), `site ${c.req.param('id') ?? ''}`);
    return next();
  };

  app.get('/', requireAction('site.read'), async (c) => {
    const held = c.get('access');
    return c.json((await services.sites.summaries()).filter((site) => held.may('site.read', services.access.sitePlace(site.id))));
  });

  app.post('/', requireFleetAction('site.manage'), async (c) => {
    const site = await readJson(c, newSite);
    return c.json(await services.sites.createSite({ username: c.get('user').username, address: c.get('address') }, site), 201);
  });

  app.get('/:id', onSite('site.read'), async (c) => c.json(await services.sites.summary(c.req.param('id'))));

  app.get('/:id/tags', onSite('site.read'), async (c) => c.json(await services.sites.tags(c.req.param('id'))));

  app.get('/:id/trend', onSite('site.read'), async (c) => {
    const { tags, from, to, maxPoints } = range(c.req.query());
    return c.json(await services.sites.trend(c.req.param('id'), tags, from, to, maxPoints));
  });

  app.get('/:id/export.csv', onSite('site.read'), async (c) => {
    const { tags, from, to } = range(c.req.query());
    const siteId = c.req.param('id');
    // Resolve the tags before the first byte goes out, so a bad name is a clean 404, not a truncated file.
    await services.sites.checkTags(siteId, tags);
    const name = `${siteId}-${new Date(from).toISOString().slice(0, 10)}.csv`;
    const body = Readable.toWeb(Readable.from(services.sites.exportCsv(siteId, tags, from, to))) as ReadableStream;
    return c.body(body, 200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${name}"` });
  });

  app.post('/:id/tags/:tag/write', async (c) => {
    const tag = profileName.safeParse(c.req.param('tag'));
    if (!tag.success) throw new GatehouseError('invalid-params', 'that is not a tag name');
    const { value, reason } = await readJson(c, setpointRequestSchema);
    // Rights are the relay's to check (modbus.write on the gateway host), as for any module call.
    return c.json(await services.sites.write(caller(c), c.req.param('id'), tag.data, value, reason));
  });

  app.get('/:id/gateways', onSite('site.manage'), async (c) => {
    await services.sites.summary(c.req.param('id'));
    const gateways = await services.sites.store.gateways(c.req.param('id'));
    return c.json(gateways.map(({ profile: _parsed, ...rest }) => rest));
  });

  app.put('/:id/gateways', onSite('site.manage'), async (c) => {
    const { hostId, text, format } = await readJson(c, profileRequest);
    // Making a host a gateway brings it into the site, and into the reach of the site's grants: it must be yours.
    mustMay(c, 'host.manage', services.access.hostPlace(hostId), `host ${hostId}`);
    const saved = await services.sites.setProfile({ username: c.get('user').username, address: c.get('address') }, c.req.param('id'), hostId, text, format);
    const { profile: _parsed, ...rest } = saved;
    return c.json(rest);
  });

  return app;
}
