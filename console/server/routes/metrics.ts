/**
 * Metrics history for charts and the fleet overview. Reading figures needs `metrics.read` on the host, the
 * same code that guards `metrics.snapshot` on the agent; the fleet overview holds the hosts where it is allowed.
 */
import { Hono, type MiddlewareHandler } from 'hono';
import { z } from 'zod';
import type { contract } from '../../../modules/metrics/contract.js';
import { metricRanges, metricSeries, type MetricSeries } from '../../../modules/metrics/series.js';
import { GatehouseError } from '../../../modules/kernel/errors.js';
import type { AppEnv } from '../http/env.js';
import { problemResponse } from '../http/problems.js';
import { mustMay } from '../http/caller.js';
import type { Services } from '../services.js';

const readPermission = 'metrics.read' satisfies keyof typeof contract.permissions;

function requireMetricsRead(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!c.get('access').mayAnywhere(readPermission)) return problemResponse(c, 'forbidden', `your grants do not allow ${readPermission}`);
    return next();
  };
}

const historyQuery = z
  .object({
    range: z.enum(Object.keys(metricRanges) as [keyof typeof metricRanges, ...(keyof typeof metricRanges)[]]).default('1h'),
    series: z
      .string()
      .max(200)
      .optional()
      .transform((value, ctx) => {
        if (!value) return [] as MetricSeries[];
        const names = value.split(',').filter((name) => name !== '');
        const unknown = names.find((name) => !(metricSeries as readonly string[]).includes(name));
        if (unknown !== undefined) {
          ctx.addIssue({ code: 'custom', message: `unknown series "${unknown.slice(0, 40)}"; known: ${metricSeries.join(', ')}` });
          return z.NEVER;
        }
        return [...new Set(names)] as MetricSeries[];
      }),
  })
  .strict();

/** `/api/hosts/:id/metrics`: a host's history as uPlot columns. */
export function hostMetricsRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/:id/metrics', requireMetricsRead(), async (c) => {
    const parsed = historyQuery.safeParse(c.req.query());
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new GatehouseError('invalid-params', `${String(issue?.path[0] ?? 'query')}: ${issue?.message ?? 'invalid'}`);
    }
    const host = await services.hosts.get(c.req.param('id'));
    mustMay(c, readPermission, services.access.hostPlace(host.id), host.name);
    const history = await services.metrics.history(host.id, parsed.data.range, parsed.data.series);
    const latest = await services.metrics.latest(host.id);
    return c.json({ ...history, latest: latest?.sample ?? null });
  });
  return app;
}

/** `/api/fleet/metrics`: every host's latest figures, worst first. */
export function fleetMetricsRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/metrics', requireMetricsRead(), async (c) => {
    const held = c.get('access');
    const hosts = await services.metrics.fleet();
    return c.json({ hosts: hosts.filter((host) => held.may(readPermission, services.access.hostPlace(host.hostId))) });
  });
  return app;
}
