/**
 * Account security (docs/api.md "Two-factor login"), under /api/two-factor behind the session gate: a person's own
 * authenticator app, recovery codes and passkeys, and (with `account.manage`) which roles must use them. Managing
 * one's own factors takes a browser session, not an API token: a leaked token must not be able to swap the second
 * factor of its owner. Every change is audited; secrets never are.
 */
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { GatehouseError } from '../../../modules/kernel/errors.js';
import { ownerProofSchema, passkeyRegistrationSchema, totpConfirmSchema, twoFactorPolicySchema } from '../../../modules/kernel/two-factor.js';
import { requireAction } from '../http/auth.js';
import type { AppEnv } from '../http/env.js';
import { readJson } from '../http/json-body.js';
import type { Services } from '../services.js';
import { relyingPartyOf } from '../two-factor/webauthn.js';

/** Credential ids are base64url, as authenticators make them (up to 1023 bytes). */
const credentialIdPattern = /^[A-Za-z0-9_-]{1,1400}$/;

const browserOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.get('tokenId') !== undefined) throw new GatehouseError('forbidden', 'second factors are managed in a browser session, not with an API token');
  return next();
};

export function twoFactorRoutes(services: Pick<Services, 'twoFactor' | 'audit' | 'storage'>): Hono<AppEnv> {
  const { twoFactor, audit } = services;
  const app = new Hono<AppEnv>();

  const record = (c: Context<AppEnv>, action: string, result: string, detail?: string) =>
    audit.record({ user: c.get('user').username, action, phase: 'event', result, address: c.get('address'), ...(detail ? { detail } : {}) });

  app.get('/policy', requireAction('account.manage'), async (c) => c.json({ requiredRoles: await twoFactor.requiredRoles() }));

  app.put('/policy', requireAction('account.manage'), async (c) => {
    const { requiredRoles } = await readJson(c, twoFactorPolicySchema);
    const saved = await twoFactor.setRequiredRoles(requiredRoles, c.get('user').username);
    await record(c, 'two-factor.policy', 'ok', saved.length > 0 ? `required for ${saved.join(', ')}` : 'required for no role');
    return c.json({ requiredRoles: saved });
  });

  // Someone who lost their phone and their recovery codes: an account manager removes every factor of theirs.
  app.delete('/users/:id', requireAction('account.manage'), async (c) => {
    const id = c.req.param('id');
    const user = id.length <= 128 ? await services.storage.findUserById(id) : undefined;
    if (user === undefined) throw new GatehouseError('not-found', 'no such account');
    await twoFactor.resetUser(user.id);
    await record(c, 'two-factor.reset', 'ok', `every second factor of ${user.username} removed`);
    return c.body(null, 204);
  });

  app.use('*', browserOnly);

  app.get('/', async (c) => c.json(await twoFactor.status(c.get('user'))));

  app.post('/totp', async (c) => c.json(await twoFactor.beginTotp(c.get('user'))));

  app.post('/totp/confirm', async (c) => {
    const { code } = await readJson(c, totpConfirmSchema);
    const recoveryCodes = await twoFactor.confirmTotp(c.get('user'), code);
    await record(c, 'two-factor.totp.enrol', 'ok');
    return c.json({ recoveryCodes: recoveryCodes ?? [] });
  });

  /** Proof of ownership before a factor is removed or the codes renewed: a stolen session alone is not enough. */
  const proveOwner = async (c: Context<AppEnv>, proof: { password?: string | undefined; code?: string | undefined }, action: string) => {
    if (!(await twoFactor.proveOwner(c.get('user'), proof))) {
      await record(c, action, 'unauthorized');
      throw new GatehouseError('unauthorized', proof.password !== undefined ? 'the password is wrong' : 'that code is not right, or was used already');
    }
  };

  app.post('/totp/remove', async (c) => {
    const proof = await readJson(c, ownerProofSchema);
    await proveOwner(c, proof, 'two-factor.totp.remove');
    if (!(await twoFactor.removeTotp(c.get('user').id))) throw new GatehouseError('not-found', 'no authenticator app is set up');
    await record(c, 'two-factor.totp.remove', 'ok');
    return c.body(null, 204);
  });

  app.post('/recovery-codes', async (c) => {
    const proof = await readJson(c, ownerProofSchema);
    await proveOwner(c, proof, 'two-factor.recovery-codes');
    const recoveryCodes = await twoFactor.regenerateRecoveryCodes(c.get('user').id);
    await record(c, 'two-factor.recovery-codes', 'ok', 'ten new codes; the earlier ones no longer work');
    return c.json({ recoveryCodes });
  });

  app.post('/passkeys/options', async (c) => c.json(await twoFactor.passkeyRegistrationOptions(c.get('user'), relyingPartyOf(c.req.url, c.req.header('origin')))));

  app.post('/passkeys', async (c) => {
    const { name, response } = await readJson(c, passkeyRegistrationSchema);
    const added = await twoFactor.addPasskey(c.get('user'), name, response);
    await record(c, 'two-factor.passkey.add', 'ok', `"${added.passkey.name}"`);
    return c.json({ passkey: added.passkey, recoveryCodes: added.recoveryCodes ?? [] }, 201);
  });

  app.delete('/passkeys/:id', async (c) => {
    const id = c.req.param('id');
    const removed = credentialIdPattern.test(id) ? await twoFactor.removePasskey(c.get('user').id, id) : undefined;
    if (removed === undefined) throw new GatehouseError('not-found', 'no such security key');
    await record(c, 'two-factor.passkey.remove', 'ok', `"${removed.name}"`);
    return c.body(null, 204);
  });

  return app;
}
