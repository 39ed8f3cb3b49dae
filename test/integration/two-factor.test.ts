/**
 * Two-factor login against a real console: a person enrols an authenticator app (the code computed here from the
 * secret the console showed), after which the password alone starts no session; a wrong code is 401 and audited,
 * a code is good once, a recovery code once; a role marked as requiring it walks its users through enrolment
 * before their first session; a security key (the software authenticator in test/support, as no browser here has
 * one) is registered and logs in, verified end to end by the console; a login outside the working hours is audited
 * and raises the built-in alarm.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alarm } from '../../modules/kernel/alarm-model.js';
import { totpCodeAt, totpKeyFromText } from '../../console/server/two-factor/totp.js';
import { ApiClient } from '../support/client.js';
import { startTestConsole, waitFor, type TestConsole } from '../support/console.js';
import { SoftwareAuthenticator } from '../support/webauthn-authenticator.js';

const password = 'a-long-enough-password-42';
let consoleUnderTest: TestConsole;
let admin: ApiClient;

beforeAll(async () => {
  consoleUnderTest = await startTestConsole();
  admin = new ApiClient(consoleUnderTest.url);
  await admin.login();
}, 60_000);

afterAll(async () => {
  await consoleUnderTest?.stop();
});

async function person(username: string, role = 'viewer'): Promise<void> {
  const created = await admin.post('/api/users', { username, password, role });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
}

/** Log in with the password only; the answer says what comes next. */
async function firstStep(username: string) {
  const client = new ApiClient(consoleUnderTest.url);
  const res = await client.post('/api/session', { username, password });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return { client, body: res.body };
}

/** Enrol an authenticator app for a logged-in client; returns the key and the recovery codes. */
async function enrolApp(client: ApiClient) {
  const begun = await client.post('/api/two-factor/totp');
  expect(begun.status).toBe(200);
  expect(begun.body.qr).toMatch(/^data:image\/svg\+xml;base64,/);
  const key = totpKeyFromText(begun.body.secret);
  const confirmed = await client.post('/api/two-factor/totp/confirm', { code: totpCodeAt(key, Date.now()) });
  expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
  return { key, secret: begun.body.secret as string, recoveryCodes: confirmed.body.recoveryCodes as string[] };
}

async function audit(action: string) {
  const res = await admin.get(`/api/audit?action=${action}&limit=200`);
  return res.body.entries as { user: string; result: string; detail: string | null; phase: string }[];
}

describe('TOTP', () => {
  it('after enrolment the password alone starts no session; password and a code do; a wrong code is 401 and audited', async () => {
    await person('tess');
    const { client, body } = await firstStep('tess');
    expect(body.user).toMatchObject({ username: 'tess' });
    const { key, secret, recoveryCodes } = await enrolApp(client);
    expect(recoveryCodes).toHaveLength(10);
    const status = await client.get('/api/two-factor');
    expect(status.body).toMatchObject({ totp: { enabled: true }, recoveryCodesLeft: 10, passkeys: [] });
    expect(JSON.stringify(status.body)).not.toContain(secret);

    const next = await firstStep('tess');
    expect(next.body).toEqual({ secondFactor: { methods: ['totp', 'recovery'], ticket: expect.any(String) } });
    expect(next.client.cookie).toBe('');
    expect((await next.client.get('/api/session')).status).toBe(401);
    const { ticket } = next.body.secondFactor;

    const good = totpCodeAt(key, Date.now() + 30_000);
    const wrong = good === '000000' ? '000001' : '000000';
    const refused = await next.client.post('/api/session/second-factor', { ticket, totp: wrong });
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('unauthorized');
    const failed = (await audit('session.login')).find((e) => e.user === 'tess' && e.result === 'unauthorized');
    expect(failed?.detail).toContain('second factor');

    // Still the same ticket: a mistyped code does not cost the password.
    const accepted = await next.client.post('/api/session/second-factor', { ticket, totp: good });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(accepted.body.user).toMatchObject({ username: 'tess' });
    expect((await next.client.get('/api/session')).status).toBe(200);
    const ok = (await audit('session.login')).find((e) => e.user === 'tess' && e.result === 'ok' && e.phase === 'event' && e.detail?.includes('second factor'));
    expect(ok).toBeDefined();

    // The ticket is spent, and the code is good once: a new login with it is refused.
    expect((await next.client.post('/api/session/second-factor', { ticket, totp: good })).status).toBe(401);
    const replay = await firstStep('tess');
    const replayed = await replay.client.post('/api/session/second-factor', { ticket: replay.body.secondFactor.ticket, totp: good });
    expect(replayed.status).toBe(401);
  });

  it('a recovery code logs in once', async () => {
    await person('rita');
    const { client } = await firstStep('rita');
    const { recoveryCodes } = await enrolApp(client);
    const first = await firstStep('rita');
    const used = await first.client.post('/api/session/second-factor', { ticket: first.body.secondFactor.ticket, recoveryCode: recoveryCodes[3] });
    expect(used.status).toBe(200);
    expect((await first.client.get('/api/two-factor')).body.recoveryCodesLeft).toBe(9);
    const again = await firstStep('rita');
    const reused = await again.client.post('/api/session/second-factor', { ticket: again.body.secondFactor.ticket, recoveryCode: recoveryCodes[3] });
    expect(reused.status).toBe(401);
  });

  it('wrong codes count against the account: after five, even the right password is held back', async () => {
    await person('gus');
    const { client } = await firstStep('gus');
    const { key } = await enrolApp(client);
    const wrong = totpCodeAt(key, Date.now() + 30_000) === '000000' ? '000001' : '000000';
    const step = await firstStep('gus');
    for (let i = 0; i < 5; i++) {
      const res = await step.client.post('/api/session/second-factor', { ticket: step.body.secondFactor.ticket, totp: wrong });
      expect(res.status, `attempt ${i}: ${JSON.stringify(res.body)}`).toBe(401);
    }
    const held = await new ApiClient(consoleUnderTest.url).post('/api/session', { username: 'gus', password });
    expect(held.status).toBe(429);
  });

  it('removing the app needs the password or a code; hostile input gets a code', async () => {
    await person('remy');
    const { client } = await firstStep('remy');
    await enrolApp(client);
    expect((await client.post('/api/two-factor/totp/remove', { password: 'not-the-password' })).status).toBe(401);
    expect((await client.post('/api/two-factor/totp/remove', {})).status).toBe(400);
    expect((await client.post('/api/two-factor/totp/confirm', { code: '12ab56' })).status).toBe(400);
    expect((await client.post('/api/session/second-factor', { ticket: 'x', totp: '123456' })).status).toBe(400);
    expect((await client.post('/api/session/second-factor', { ticket: 'A'.repeat(43), totp: '123456' })).status).toBe(401);
    expect((await client.post('/api/two-factor/totp/remove', { password })).status).toBe(204);
    expect((await firstStep('remy')).body.user).toMatchObject({ username: 'remy' });
    const removed = await audit('two-factor.totp.remove');
    expect(removed.map((e) => [e.user, e.result])).toEqual(expect.arrayContaining([['remy', 'unauthorized'], ['remy', 'ok']]));
  });
});

describe('policy', () => {
  it('a role marked as requiring two-factor login is walked through enrolment before its first session', async () => {
    await person('olga', 'plant-operator');
    const { client: olgaBefore } = await firstStep('olga');
    // Only account managers set the policy.
    expect((await olgaBefore.request('PUT', '/api/two-factor/policy', { requiredRoles: [] })).status).toBe(403);
    const set = await admin.request('PUT', '/api/two-factor/policy', { requiredRoles: ['plant-operator'] });
    expect(set.status).toBe(200);
    expect((await admin.get('/api/two-factor/policy')).body).toEqual({ requiredRoles: ['plant-operator'] });
    expect((await admin.request('PUT', '/api/two-factor/policy', { requiredRoles: ['root'] })).status).toBe(400);

    const forced = await firstStep('olga');
    expect(forced.body).toEqual({ enrolmentRequired: { ticket: expect.any(String) } });
    expect((await forced.client.get('/api/session')).status).toBe(401);
    const { ticket } = forced.body.enrolmentRequired;
    // The enrolment ticket is no second factor: it cannot be used to skip.
    expect((await forced.client.post('/api/session/second-factor', { ticket, totp: '123456' })).status).toBe(401);
    const begun = await forced.client.post('/api/session/enrolment/totp', { ticket });
    expect(begun.status).toBe(200);
    const key = totpKeyFromText(begun.body.secret);
    const done = await forced.client.post('/api/session/enrolment/totp/confirm', { ticket, code: totpCodeAt(key, Date.now()) });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body.user).toMatchObject({ username: 'olga' });
    expect(done.body.recoveryCodes).toHaveLength(10);
    expect((await forced.client.get('/api/session')).status).toBe(200);
    expect((await firstStep('olga')).body.secondFactor.methods).toContain('totp');

    // Phone and codes lost: an account manager removes her factors; as her role requires one, she enrols again.
    const olgaId = (await admin.get('/api/users')).body.find((u: { username: string }) => u.username === 'olga').id;
    expect((await forced.client.request('DELETE', `/api/two-factor/users/${olgaId}`)).status).toBe(403);
    expect((await admin.request('DELETE', `/api/two-factor/users/${olgaId}`)).status).toBe(204);
    expect((await admin.request('DELETE', '/api/two-factor/users/nobody')).status).toBe(404);
    expect((await firstStep('olga')).body).toEqual({ enrolmentRequired: { ticket: expect.any(String) } });
    expect((await audit('two-factor.reset')).map((e) => e.detail)).toEqual(['every second factor of olga removed']);

    await admin.request('PUT', '/api/two-factor/policy', { requiredRoles: [] });
    const policyAudit = await audit('two-factor.policy');
    expect(policyAudit.map((e) => e.detail)).toEqual(expect.arrayContaining(['required for plant-operator', 'required for no role']));
  });
});

describe('security keys (WebAuthn)', () => {
  it('registers a key and logs in with it, verified by the console; the ticket is single-use', async () => {
    await person('kim');
    const origin = new URL(consoleUnderTest.url).origin;
    const key = new SoftwareAuthenticator();
    const { client } = await firstStep('kim');
    const options = await client.post('/api/two-factor/passkeys/options');
    expect(options.status).toBe(200);
    expect(options.body.rp.id).toBe('127.0.0.1');
    const added = await client.post('/api/two-factor/passkeys', { name: 'blue key', response: key.register(options.body, origin) });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    expect(added.body.passkey).toMatchObject({ id: key.id, name: 'blue key' });
    expect(added.body.recoveryCodes).toHaveLength(10);

    const step = await firstStep('kim');
    expect(step.body.secondFactor.methods).toEqual(['webauthn', 'recovery']);
    const { ticket } = step.body.secondFactor;
    const challenge = await step.client.post('/api/session/second-factor/webauthn-options', { ticket });
    expect(challenge.status).toBe(200);
    expect(challenge.body.allowCredentials.map((c: { id: string }) => c.id)).toEqual([key.id]);
    const assertion = key.authenticate(challenge.body, origin);
    const done = await step.client.post('/api/session/second-factor', { ticket, webauthn: assertion });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body.user).toMatchObject({ username: 'kim' });
    expect((await step.client.post('/api/session/second-factor', { ticket, webauthn: assertion })).status).toBe(401);

    // The same assertion on a new ticket: its challenge was spent.
    const replay = await firstStep('kim');
    const replayTicket = replay.body.secondFactor.ticket;
    await replay.client.post('/api/session/second-factor/webauthn-options', { ticket: replayTicket });
    expect((await replay.client.post('/api/session/second-factor', { ticket: replayTicket, webauthn: assertion })).status).toBe(401);

    const list = await step.client.get('/api/two-factor');
    expect(list.body.passkeys).toEqual([expect.objectContaining({ name: 'blue key', lastUsedAt: expect.any(String) })]);
    expect((await step.client.request('DELETE', `/api/two-factor/passkeys/${key.id}`)).status).toBe(204);
    expect((await firstStep('kim')).body.user).toMatchObject({ username: 'kim' });
  });
});

describe('off-hours logins', () => {
  let offHours: TestConsole | undefined;
  afterAll(async () => {
    await offHours?.stop();
    // A console given its data directory leaves it in place.
    if (offHours) await rm(offHours.dataDir, { recursive: true, force: true });
  });

  it('are let in, audited as off-hours, and raise the built-in alarm', async () => {
    // Working hours that start two hours from now and last one: now is outside them, whatever the day.
    const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);
    const dataDir = await mkdtemp(join(tmpdir(), 'gh-console-'));
    const loginHours = { days: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'], from: hhmm(Date.now() + 2 * 3_600_000), to: hhmm(Date.now() + 3 * 3_600_000), timeZone: 'UTC' };
    await writeFile(join(dataDir, 'console.json'), JSON.stringify({ loginHours }));
    offHours = await startTestConsole({ dataDir });
    const night = new ApiClient(offHours.url);
    await night.login();
    const entries = (await night.get('/api/audit?action=session.login&limit=20')).body.entries as { result: string; detail: string | null }[];
    expect(entries.find((e) => e.result === 'ok')?.detail).toBe('off-hours');
    const alarm = await waitFor('the off-hours alarm', async () => (await night.get<Alarm[]>('/api/alarms')).body.find((a) => a.id === 'login-off-hours@console'));
    expect(alarm).toMatchObject({ state: 'returned-unacknowledged', priority: 'medium', source: { hostId: 'console' } });
  }, 60_000);

  it('are not noted inside the working hours (the main console has none configured)', async () => {
    const entries = await audit('session.login');
    expect(entries.some((e) => e.detail?.includes('off-hours'))).toBe(false);
  });
});
