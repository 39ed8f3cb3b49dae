/**
 * Console accounts against a real console and agent: an administrator creates people with `POST /api/users`
 * `{ username, password, role }`; each then holds that role on the whole fleet and no more (403 `forbidden`
 * beyond it); non-administrators cannot manage accounts; a changed role or a disabled account holds at once
 * (sessions end); the last administrator cannot be demoted; hostile input is refused with a code; a burst of
 * failed logins raises the built-in alarm.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alarm } from '../../modules/kernel/alarm-model.js';
import { ApiClient } from '../support/client.js';
import { startFleet, type Fleet } from '../support/fleet.js';

let fleet: Fleet;
const password = 'a-long-enough-password-42';

beforeAll(async () => {
  fleet = await startFleet();
}, 60_000);

afterAll(async () => {
  await fleet?.stop();
});

async function loggedIn(username: string): Promise<ApiClient> {
  const client = new ApiClient(fleet.console.url);
  await client.login(username, password);
  return client;
}

describe('console accounts', () => {
  it('an administrator creates a plant operator, who holds that role on the whole fleet and no more', async () => {
    const created = await fleet.api.post('/api/users', { username: 'olga', password, role: 'plant-operator' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ username: 'olga', role: 'plant-operator', disabled: false });
    expect(JSON.stringify(created.body)).not.toMatch(/argon2|password/i);

    const olga = await loggedIn('olga');
    expect((await olga.get('/api/session')).body.user).toMatchObject({ username: 'olga', role: 'plant-operator' });
    expect((await olga.get('/api/sites')).status).toBe(200);
    expect((await olga.get('/api/alarms')).status).toBe(200);
    // Nothing on the operating system: a process list is refused with the stable problem shape.
    const refused = await olga.call(fleet.hostId, 'process', 'list', {});
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: { code: 'forbidden' } });
    // Nor may she manage accounts.
    const notHers = await olga.post('/api/users', { username: 'mallory', password, role: 'administrator' });
    expect(notHers.status).toBe(403);
    expect(notHers.body).toMatchObject({ error: { code: 'forbidden' } });
    expect((await olga.get('/api/users')).status).toBe(403);

    const audit = await fleet.api.get('/api/audit?action=account.create');
    expect(audit.body.entries.map((e: { detail: string }) => e.detail)).toContain('olga with plant-operator on the whole fleet');
  });

  it('refuses hostile input with a code, and a name in use with 409', async () => {
    const cases: [unknown, number, string][] = [
      [{ username: 'olga', password, role: 'viewer' }, 409, 'exists'],
      [{ username: 'ann', password: 'short', role: 'viewer' }, 400, 'invalid-params'],
      [{ username: 'ann', password, role: 'root' }, 400, 'invalid-params'],
      [{ username: '../etc/passwd', password, role: 'viewer' }, 400, 'invalid-params'],
      [{ username: 'ann\nadmin', password, role: 'viewer' }, 400, 'invalid-params'],
      [{ username: 'ann', password, role: 'viewer', isAdmin: true }, 400, 'invalid-params'],
      [{ username: 'x'.repeat(65), password, role: 'viewer' }, 400, 'invalid-params'],
    ];
    for (const [body, status, code] of cases) {
      const res = await fleet.api.post('/api/users', body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.body).toMatchObject({ error: { code } });
    }
    const garbled = await fleet.api.request('POST', '/api/users', '{"username":', { 'content-type': 'application/json' });
    expect(garbled.status).toBe(400);
  });

  it('a changed role holds at once, and a disabled account is logged out and cannot log in', async () => {
    const list = (await fleet.api.get<Array<{ id: string; username: string }>>('/api/users')).body;
    const olgaId = list.find((a) => a.username === 'olga')!.id;
    const olga = await loggedIn('olga');
    const viewer = await fleet.api.request('PATCH', `/api/users/${olgaId}`, { role: 'viewer' });
    expect(viewer.status).toBe(200);
    expect(viewer.body).toMatchObject({ role: 'viewer' });
    expect((await olga.get('/api/session')).status).toBe(401);
    const again = await loggedIn('olga');
    expect((await again.get('/api/session')).body.user).toMatchObject({ role: 'viewer' });

    expect((await fleet.api.request('PATCH', `/api/users/${olgaId}`, { disabled: true })).status).toBe(200);
    expect((await again.get('/api/session')).status).toBe(401);
    const login = await new ApiClient(fleet.console.url).post('/api/session', { username: 'olga', password });
    expect(login.status).toBe(401);
  });

  it('keeps the last administrator: it cannot be demoted or disabled', async () => {
    const admin = (await fleet.api.get<Array<{ id: string; username: string }>>('/api/users')).body.find((a) => a.username === 'admin')!;
    for (const patch of [{ role: 'viewer' }, { disabled: true }]) {
      const res = await fleet.api.request('PATCH', `/api/users/${admin.id}`, patch);
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ error: { code: 'conflict' } });
    }
    expect((await fleet.api.request('PATCH', '/api/users/no-such-id', { disabled: true })).status).toBe(404);
    expect((await fleet.api.request('PATCH', `/api/users/${admin.id}`, {})).status).toBe(400);
  });
});

describe('failed logins', () => {
  it('many failed logins in ten minutes raise the built-in alarm on the console', async () => {
    const guesser = new ApiClient(fleet.console.url);
    for (let i = 0; i < 21; i++) {
      const res = await guesser.post('/api/session', { username: i % 2 ? 'admin' : `guess${i}`, password: `wrong-${i}` });
      expect([401, 429]).toContain(res.status);
    }
    const deadline = Date.now() + 10_000;
    let alarm: Alarm | undefined;
    while (!alarm && Date.now() < deadline) {
      alarm = (await fleet.api.get<Alarm[]>('/api/alarms')).body.find((a) => a.id === 'login-failures@console');
      if (!alarm) await new Promise((r) => setTimeout(r, 200));
    }
    expect(alarm).toMatchObject({ state: 'unacknowledged', priority: 'high', source: { hostId: 'console' } });
  });
});
