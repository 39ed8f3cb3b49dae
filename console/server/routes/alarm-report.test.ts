import { AccessControl } from '../access/service.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { alarmReportSchema } from '../../../modules/kernel/alarm-report.js';
import { GatehouseError } from '../../../modules/kernel/errors.js';
import type { AppEnv } from '../http/env.js';
import { errorResponse } from '../http/problems.js';
import type { Services } from '../services.js';
import { migrateToLatest } from '../storage/migrate.js';
import { createSqliteKysely } from '../storage/sqlite.js';
import type { RoleId, UserRecord } from '../storage/types.js';
import { alarmReportRoutes, reportPeriod } from './alarm-report.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

const day = 86_400_000;
const now = Date.parse('2026-11-24T12:00:00Z');

async function appAs(role: RoleId): Promise<Hono<AppEnv>> {
  const folder = await mkdtemp(join(tmpdir(), 'gh-alarm-report-route-'));
  cleanups.push(() => rm(folder, { recursive: true, force: true }));
  const db = createSqliteKysely(join(folder, 'gatehouse.db'));
  await migrateToLatest(db);
  cleanups.push(() => db.destroy());
  const user: UserRecord = { id: 'u1', username: 'ana', role, passwordHash: '', createdAt: '', disabled: false };
  const access = new AccessControl(db);
  const app = new Hono<AppEnv>();
  app.use('*', async (c, next) => {
    c.set('user', user);
    c.set('access', access.forGrants([{ role, scope: { kind: 'fleet' } }]));
    return next();
  });
  app.route('/api/alarm-report', alarmReportRoutes({ storage: { db }, access } as unknown as Services));
  app.onError((err, c) => (err instanceof GatehouseError ? errorResponse(c, err) : c.json({ error: { code: 'internal-error', message: err.message } }, 500)));
  return app;
}

describe('GET /api/alarm-report', () => {
  it('takes the last 7 days unless told otherwise, and fills the side left out', () => {
    expect(reportPeriod({}, now)).toEqual({ from: now - 7 * day, to: now });
    expect(reportPeriod({ to: String(now - day) }, now)).toEqual({ from: now - 8 * day, to: now - day });
    expect(reportPeriod({ from: String(now - 2 * day) }, now)).toEqual({ from: now - 2 * day, to: now });
    expect(reportPeriod({ from: String(now - 30 * day), site: 'north', operators: '3' }, now)).toEqual({
      from: now - 30 * day,
      to: now - 23 * day,
      siteId: 'north',
      operators: 3,
    });
  });

  it('refuses a bad query with invalid-params naming the key', () => {
    const problem = (query: Record<string, string>) => {
      try {
        reportPeriod(query, now);
      } catch (error) {
        return error instanceof GatehouseError ? [error.code, error.message.split(':')[0]] : error;
      }
      return 'accepted';
    };
    expect(problem({ from: 'yesterday' })).toEqual(['invalid-params', 'from']);
    expect(problem({ operators: '0' })).toEqual(['invalid-params', 'operators']);
    expect(problem({ site: '' })).toEqual(['invalid-params', 'site']);
    expect(problem({ from: String(now), to: String(now - 1) })).toEqual(['invalid-params', 'to']);
    expect(problem({ from: String(now - 401 * day), to: String(now) })).toEqual(['invalid-params', 'to']);
    expect(problem({ from: String(now - 400 * day), to: String(now) })).toBe('accepted');
  });

  it('answers any signed-in role with the report, and 400 for a bad query', async () => {
    const app = await appAs('viewer');
    const ok = await app.request(`/api/alarm-report?from=${now - day}&to=${now}`);
    expect(ok.status).toBe(200);
    const report = alarmReportSchema.parse(await ok.json());
    expect(report.from).toBe(new Date(now - day).toISOString());
    expect(report.totals.annunciated).toBe(0);

    const bad = await app.request('/api/alarm-report?to=soon');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'invalid-params' } });
  });
});
