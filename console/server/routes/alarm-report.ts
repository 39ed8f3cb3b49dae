/**
 * The alarm system's health report: `GET /api/alarm-report?from=<ms>&to=<ms>&site=<id>&operators=<n>`, the
 * ISA-18.2 / EEMUA 191 measures for a period (console/server/alarms/report.ts says how each is counted).
 * Defaults to the last 7 days; a period spans at most 400 days.
 */
import { Hono } from 'hono';
import { alarmReportQuerySchema } from '../../../modules/kernel/alarm-report.js';
import { GatehouseError } from '../../../modules/kernel/errors.js';
import { computeAlarmReport } from '../alarms/report.js';
import { requireAction } from '../http/auth.js';
import { mustMay } from '../http/caller.js';
import { fleetPlace } from '../access/access.js';
import type { AppEnv } from '../http/env.js';
import type { Services } from '../services.js';

const day = 86_400_000;
const defaultDays = 7;
const maxDays = 400;

/** The period asked for, with its defaults filled in; throws `invalid-params` naming the key at fault. */
export function reportPeriod(query: Record<string, string>, now = Date.now()): { from: number; to: number; siteId?: string; operators?: number } {
  const parsed = alarmReportQuerySchema.safeParse(query);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new GatehouseError('invalid-params', `${issue?.path.join('.') || 'query'}: ${issue?.message ?? 'is not valid'}`);
  }
  const { from: askedFrom, to: askedTo, site, operators } = parsed.data;
  const to = askedTo ?? (askedFrom === undefined ? now : Math.min(now, askedFrom + defaultDays * day));
  const from = askedFrom ?? to - defaultDays * day;
  if (to <= from) throw new GatehouseError('invalid-params', 'to: must be after from');
  if (to - from > maxDays * day) throw new GatehouseError('invalid-params', `to: a report spans at most ${maxDays} days`);
  return { from, to, ...(site === undefined ? {} : { siteId: site }), ...(operators === undefined ? {} : { operators }) };
}

export function alarmReportRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/', requireAction('alarm.read'), async (c) => {
    const period = reportPeriod(c.req.query());
    // A site's report needs alarm.read there; the whole fleet's needs it on the whole fleet.
    mustMay(c, 'alarm.read', period.siteId === undefined ? fleetPlace : services.access.sitePlace(period.siteId), period.siteId === undefined ? 'the whole fleet' : `site ${period.siteId}`);
    return c.json(await computeAlarmReport(services.storage.db, period));
  });
  return app;
}
