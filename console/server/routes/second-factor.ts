/**
 * The second step of a login, and the enrolment walk for users whose role requires two-factor login but who have
 * no factor yet (docs/api.md "Two-factor login"). Both hold a login ticket from `POST /api/session`, not a
 * session; the session starts only when this step succeeds. Wrong second factors count against the account and
 * the address in the login rate limiter, void the ticket after five, and are audited as failed logins.
 */
import { Hono, type Context } from 'hono';
import type { SessionUser } from '../../../modules/kernel/console-api.js';
import { GatehouseError } from '../../../modules/kernel/errors.js';
import {
  passkeyRegistrationSchema,
  secondFactorRequestSchema,
  ticketRequestSchema,
  totpConfirmSchema,
} from '../../../modules/kernel/two-factor.js';
import type { AppEnv } from '../http/env.js';
import { readJson } from '../http/json-body.js';
import { problemResponse } from '../http/problems.js';
import type { Services } from '../services.js';
import type { UserRecord } from '../storage/types.js';
import type { TicketPurpose } from '../two-factor/tickets.js';
import { relyingPartyOf } from '../two-factor/webauthn.js';

/** Starts the session of a user who has proved who they are; `how` goes into the login's audit entry. */
export type StartSession = (c: Context<AppEnv>, user: UserRecord, how?: string) => Promise<SessionUser>;

const expired = () => new GatehouseError('unauthorized', 'this login has expired or was used; enter your password again');

export function secondFactorRoutes(services: Services, startSession: StartSession): Hono<AppEnv> {
  const { storage, twoFactor, loginLimiter, audit, events } = services;
  const { tickets } = twoFactor;
  const app = new Hono<AppEnv>();

  /** The enabled user a live ticket stands for; a ticket of a since-disabled account is spent and refused. */
  const holder = async (c: Context<AppEnv>, ticket: string, purpose: TicketPurpose): Promise<UserRecord> => {
    const held = tickets.find(ticket, purpose, c.get('address'));
    if (held === undefined) throw expired();
    const user = await storage.findUserById(held.userId);
    if (user === undefined || user.disabled) {
      tickets.spend(ticket);
      throw expired();
    }
    return user;
  };

  app.post('/second-factor/webauthn-options', async (c) => {
    const { ticket } = await readJson(c, ticketRequestSchema);
    const user = await holder(c, ticket, 'second-factor');
    return c.json(await twoFactor.passkeyLoginOptions(user.id, relyingPartyOf(c.req.url, c.req.header('origin'))));
  });

  app.post('/second-factor', async (c) => {
    const request = await readJson(c, secondFactorRequestSchema);
    const address = c.get('address');
    const user = await holder(c, request.ticket, 'second-factor');
    const method = request.totp !== undefined ? 'totp' : request.recoveryCode !== undefined ? 'recovery code' : 'security key';
    const how = `second factor (${method})`;
    const decision = loginLimiter.check(user.username, address);
    if (!decision.allowed) {
      await audit.record({ user: user.username, action: 'session.login', phase: 'event', result: 'rate-limited', address, detail: how });
      events.emit('login-failed', { username: user.username, address, reason: 'rate-limited', at: new Date().toISOString() });
      return problemResponse(c, 'rate-limited', `too many failed logins; try again in ${decision.retryAfterSeconds} s`, {
        'Retry-After': String(decision.retryAfterSeconds),
      });
    }
    const right =
      request.totp !== undefined
        ? await twoFactor.checkTotp(user.id, request.totp)
        : request.recoveryCode !== undefined
          ? await twoFactor.useRecoveryCode(user.id, request.recoveryCode)
          : await twoFactor.checkPasskey(user.id, request.webauthn!);
    if (!right) {
      loginLimiter.fail(user.username, address);
      tickets.fail(request.ticket);
      await audit.record({ user: user.username, action: 'session.login', phase: 'event', result: 'unauthorized', address, detail: how });
      events.emit('login-failed', { username: user.username, address, reason: 'unauthorized', at: new Date().toISOString() });
      const what = method === 'security key' ? 'the security key was not accepted' : `that ${method === 'totp' ? 'code' : 'recovery code'} is not right, or was used already`;
      return problemResponse(c, 'unauthorized', what);
    }
    if (!tickets.spend(request.ticket)) throw expired();
    return c.json({ user: await startSession(c, user, how) });
  });

  // --- enrolment before the first session, for a user whose role requires a second factor ---

  app.post('/enrolment/totp', async (c) => {
    const { ticket } = await readJson(c, ticketRequestSchema);
    const user = await holder(c, ticket, 'enrolment');
    return c.json(await twoFactor.beginTotp(user));
  });

  app.post('/enrolment/totp/confirm', async (c) => {
    const { ticket, code } = await readJson(c, ticketRequestSchema.extend(totpConfirmSchema.shape).strict());
    const user = await holder(c, ticket, 'enrolment');
    let recoveryCodes: string[] | null;
    try {
      recoveryCodes = await twoFactor.confirmTotp(user, code);
    } catch (err) {
      if (err instanceof GatehouseError && err.code === 'unauthorized') tickets.fail(ticket);
      throw err;
    }
    if (!tickets.spend(ticket)) throw expired();
    await audit.record({ user: user.username, action: 'two-factor.totp.enrol', phase: 'event', result: 'ok', address: c.get('address'), detail: 'at login' });
    return c.json({ user: await startSession(c, user, 'second factor enrolled (totp)'), recoveryCodes: recoveryCodes ?? [] });
  });

  app.post('/enrolment/webauthn-options', async (c) => {
    const { ticket } = await readJson(c, ticketRequestSchema);
    const user = await holder(c, ticket, 'enrolment');
    return c.json(await twoFactor.passkeyRegistrationOptions(user, relyingPartyOf(c.req.url, c.req.header('origin'))));
  });

  app.post('/enrolment/webauthn', async (c) => {
    const { ticket, name, response } = await readJson(c, ticketRequestSchema.extend(passkeyRegistrationSchema.shape).strict());
    const user = await holder(c, ticket, 'enrolment');
    const added = await twoFactor.addPasskey(user, name, response);
    if (!tickets.spend(ticket)) throw expired();
    await audit.record({ user: user.username, action: 'two-factor.passkey.add', phase: 'event', result: 'ok', address: c.get('address'), detail: `"${added.passkey.name}" at login` });
    return c.json({ user: await startSession(c, user, 'second factor enrolled (security key)'), recoveryCodes: added.recoveryCodes ?? [] });
  });

  return app;
}
