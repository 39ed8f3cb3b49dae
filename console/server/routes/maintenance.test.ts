import { AccessControl } from '../access/service.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { GatehouseError } from '../../../modules/kernel/errors.js';
import { MaintenanceWindows } from '../alarms/maintenance.js';
import { AuditTrail } from '../audit.js';
import type { AppEnv } from '../http/env.js';
import { errorResponse } from '../http/problems.js';
import type { Services } from '../services.js';
import { openSqliteStorage } from '../storage/sqlite.js';
import type { RoleId, UserRecord } from '../storage/types.js';
import { maintenanceRoutes } from './maintenance.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

/** The routes behind a stand-in session gate that signs in as `role`, with the app's error mapping. */
async function serve(role: RoleId) {
  const folder = await mkdtemp(join(tmpdir(), 'gh-maintenance-routes-'));
  cleanups.push(() => rm(folder, { recursive: true, force: true }));
  const storage = await openSqliteStorage(join(folder, 'gatehouse.db'));
  cleanups.push(() => storage.close());
  const maintenance = new MaintenanceWindows({ db: storage.db, audit: new AuditTrail(storage) });
  await maintenance.start();
  const access = new AccessControl(storage.db);
  const app = new Hono<AppEnv>();
  app.use('*', async (c, next) => {
    c.set('user', { id: 'u1', username: 'ana', role } as UserRecord);
    c.set('access', access.forGrants([{ role, scope: { kind: 'fleet' } }]));
    c.set('address', '10.0.0.7');
    await next();
  });
  app.route('/api/maintenance-windows', maintenanceRoutes({ maintenance, access } as unknown as Services));
  app.onError((err, c) => (err instanceof GatehouseError ? errorResponse(c, err) : c.json({ error: { code: 'internal-error', message: err.message } }, 500)));
  const post = (path: string, body: unknown) =>
    app.request(`/api/maintenance-windows${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { app, post };
}

const request = () => ({
  scope: { kind: 'site', siteId: 'plant-1' },
  from: new Date(Date.now() - 60_000).toISOString(),
  to: new Date(Date.now() + 3_600_000).toISOString(),
  reason: 'filter backwash valve replacement',
});

describe('maintenance window routes', () => {
  it('schedules (201), lists by state and ends a window', async () => {
    const { app, post } = await serve('administrator');
    const created = await post('', request());
    expect(created.status).toBe(201);
    const window = (await created.json()) as { id: string; createdBy: string };
    expect(window.createdBy).toBe('ana');

    const current = await app.request('/api/maintenance-windows?state=current');
    expect(((await current.json()) as { id: string }[]).map((w) => w.id)).toEqual([window.id]);
    expect(await (await app.request('/api/maintenance-windows?state=upcoming')).json()).toEqual([]);
    expect((await app.request('/api/maintenance-windows?state=soon')).status).toBe(400);

    const ended = await post(`/${window.id}/end`, {});
    expect(ended.status).toBe(200);
    expect(await (await app.request('/api/maintenance-windows?state=current')).json()).toEqual([]);
    expect((await post(`/${window.id}/end`, {})).status).toBe(409);
    expect((await post('/mw_unknown/end', {})).status).toBe(404);
    expect((await post('/..%2Fx/end', {})).status).toBe(404);
  });

  it('answers bad bodies with 400 naming the key', async () => {
    const { post } = await serve('administrator');
    const bad = await post('', { ...request(), to: new Date(Date.now() + 40 * 86_400_000).toISOString() });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'invalid-params', message: expect.stringMatching(/^to: /) } });
    const notJson = await post('', '{');
    expect(await notJson.json()).toMatchObject({ error: { code: 'bad-request' } });
  });

  it('lets every role read windows but only alarm.manage schedule or end them', async () => {
    const { app, post } = await serve('plant-operator');
    expect((await app.request('/api/maintenance-windows')).status).toBe(200);
    expect((await post('', request())).status).toBe(403);
    expect((await post('/mw_x/end', {})).status).toBe(403);
  });
});
