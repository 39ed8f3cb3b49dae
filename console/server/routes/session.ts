/** Logging in and out (the Lucia session pattern: random token in the cookie, its SHA-256 in the database). */
import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import type { AppEnv } from '../http/env.js';
import { readJson } from '../http/json-body.js';
import { problemResponse } from '../http/problems.js';
import { requireSession } from '../http/auth.js';
import { hashPassword, verifyPassword, MAX_PASSWORD_LENGTH } from '../auth/passwords.js';
import {
  SESSION_COOKIE_NAME,
  createSession,
  invalidateSession,
  invalidateUserSessions,
  sessionCookieOptions,
  sessionIdFromToken,
} from '../auth/sessions.js';
import type { Services } from '../services.js';
import type { UserRecord } from '../storage/types.js';
import type { Access } from '../access/access.js';
import { terminalUsersOf } from '../roles.js';
import type { SessionUser } from '../../../modules/kernel/console-api.js';
import { isOffHours } from '../auth/login-hours.js';
import { secondFactorRoutes, type StartSession } from './second-factor.js';

const loginRequest = z.object({
  username: z.string().min(1).max(128),
  password: z.string().min(1).max(MAX_PASSWORD_LENGTH),
});

const passwordChange = z.object({
  currentPassword: z.string().min(1).max(MAX_PASSWORD_LENGTH),
  newPassword: z.string().min(12, 'must be at least 12 characters').max(MAX_PASSWORD_LENGTH),
});

/** A hash of a random password, verified against when the account does not exist so timing does not tell. */
let decoyHash: Promise<string> | undefined;

/** The person as their pages see them: codes they hold somewhere (pages offer only those), grants with names. */
async function publicUser(user: UserRecord, services: Services, held?: Access): Promise<SessionUser> {
  const access = held ?? (await services.access.of(user));
  return {
    id: user.id,
    username: user.username,
    role: user.role,
    permissions: access.codesAnywhere(),
    terminalUsers: [...terminalUsersOf(access.grants.map((grant) => grant.role), services.terminalUsers)],
    grants: access.grants.map((grant) => services.access.describe(grant)),
  };
}

export function sessionRoutes(services: Services): Hono<AppEnv> {
  const { storage, loginLimiter, audit, live, terminals, events } = services;
  const app = new Hono<AppEnv>();

  app.post('/', async (c) => {
    const { username, password } = await readJson(c, loginRequest);
    const address = c.get('address');
    const decision = loginLimiter.check(username, address);
    if (!decision.allowed) {
      await audit.record({ user: username, action: 'session.login', phase: 'event', result: 'rate-limited', address });
      events.emit('login-failed', { username, address, reason: 'rate-limited', at: new Date().toISOString() });
      return problemResponse(c, 'rate-limited', `too many failed logins; try again in ${decision.retryAfterSeconds} s`, {
        'Retry-After': String(decision.retryAfterSeconds),
      });
    }
    const user = await storage.findUserByName(username);
    decoyHash ??= hashPassword(`decoy-${Math.random()}`);
    const valid = user && !user.disabled ? await verifyPassword(user.passwordHash, password) : (await verifyPassword(await decoyHash, password), false);
    if (!user || !valid) {
      loginLimiter.fail(username, address);
      await audit.record({ user: username, action: 'session.login', phase: 'event', result: 'unauthorized', address });
      events.emit('login-failed', { username, address, reason: 'unauthorized', at: new Date().toISOString() });
      return problemResponse(c, 'unauthorized', 'wrong username or password');
    }
    // With two-factor login the password alone starts nothing: a ticket for the second step (or the enrolment).
    const step = await services.twoFactor.loginStep(user, address);
    if (step.kind !== 'session') {
      loginLimiter.release(username, address);
      const detail = step.kind === 'second-factor' ? 'password right; second factor asked' : 'password right; two-factor enrolment required';
      await audit.record({ user: user.username, action: 'session.login', phase: 'requested', result: 'ok', address, detail });
      return c.json(step.kind === 'second-factor' ? { secondFactor: { methods: step.methods, ticket: step.ticket } } : { enrolmentRequired: { ticket: step.ticket } });
    }
    return c.json({ user: await startSession(c, user) });
  });

  /**
   * Start the session of a user who has proved who they are (the password, and a second factor where needed).
   * A login outside the working hours (config `loginHours`) is let in, audited as `off-hours` and raises an alarm.
   */
  const startSession: StartSession = async (c, user, how) => {
    const address = c.get('address');
    loginLimiter.succeed(user.username, address);
    const { token, session } = await createSession(storage, user.id, address);
    const secure = new URL(c.req.url).protocol === 'https:';
    setCookie(c, SESSION_COOKIE_NAME, token, sessionCookieOptions(session.expiresAt, secure));
    const at = new Date();
    const offHours = isOffHours(services.loginHours, at.getTime());
    const detail = [how, offHours ? 'off-hours' : undefined].filter(Boolean).join(', ');
    await audit.record({ user: user.username, action: 'session.login', phase: 'event', result: 'ok', address, ...(detail ? { detail } : {}) });
    if (offHours) events.emit('login-off-hours', { username: user.username, address, at: at.toISOString() });
    return publicUser(user, services);
  };

  // The second step and the enrolment walk hold a login ticket, not a session: they come before the gate.
  app.route('/', secondFactorRoutes(services, startSession));

  app.use('*', requireSession(storage, services.access));

  app.get('/', async (c) => c.json({ user: await publicUser(c.get('user'), services, c.get('access')) }));

  app.delete('/', async (c) => {
    const token = getCookie(c, SESSION_COOKIE_NAME);
    if (token) await invalidateSession(storage, sessionIdFromToken(token));
    live.endSession(c.get('session').id);
    terminals.endSession(c.get('session').id);
    deleteCookie(c, SESSION_COOKIE_NAME, { path: '/', secure: new URL(c.req.url).protocol === 'https:', httpOnly: true, sameSite: 'Strict' });
    await audit.record({ user: c.get('user').username, action: 'session.logout', phase: 'event', result: 'ok', address: c.get('address') });
    return c.body(null, 204);
  });

  app.post('/password', async (c) => {
    const { currentPassword, newPassword } = await readJson(c, passwordChange);
    const user = c.get('user');
    if (!(await verifyPassword(user.passwordHash, currentPassword))) {
      await audit.record({ user: user.username, action: 'session.password', phase: 'event', result: 'unauthorized', address: c.get('address') });
      return problemResponse(c, 'unauthorized', 'the current password is wrong');
    }
    await storage.setUserPassword(user.id, await hashPassword(newPassword));
    await invalidateUserSessions(storage, user.id, c.get('session').id);
    // A login half done with the old password must not finish with the second factor.
    services.twoFactor.tickets.revokeUser(user.id);
    await audit.record({ user: user.username, action: 'session.password', phase: 'event', result: 'ok', address: c.get('address') });
    return c.body(null, 204);
  });

  return app;
}
