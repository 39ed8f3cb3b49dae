/** Enrollment tokens (administrators) and the registration endpoint agents call with a token. */
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../http/env.js';
import { requireFleetAction, clientAddress } from '../http/auth.js';
import { readJson } from '../http/json-body.js';
import { createTokenRequest, enrollRequest } from '../enrollment.js';
import type { Services } from '../services.js';
import type { EnrollmentTokenView, IssuedEnrollmentToken } from '../../../modules/kernel/console-api.js';

/** Routes under /api/enrollment-tokens, behind the session gate. */
export function enrollmentTokenRoutes(services: Services): Hono<AppEnv> {
  const { enrollment, storage, audit } = services;
  const app = new Hono<AppEnv>();
  app.use('*', requireFleetAction('enrollment.manage'));

  app.post('/', async (c) => {
    const request = await readJson(c, createTokenRequest);
    const issued = await enrollment.issue(c.get('user').username, request);
    await audit.record({
      user: c.get('user').username,
      action: 'enrollment.create',
      phase: 'event',
      result: 'ok',
      address: c.get('address'),
      detail: `token ${issued.id}${request.autoApprove ? ', auto-approve' : ''}, expires ${issued.expiresAt}${request.note ? `: ${request.note}` : ''}`,
    });
    // Read at request time: with port 0 the real origin is only known once the server listens.
    const origin = services.publicOrigin;
    const command = `gatehouse-agent enroll --console ${origin} --token ${issued.token}`;
    const body: IssuedEnrollmentToken = { ...issued, command, installCommand: installCommand(origin, issued.token, services.publicKeyPin) };
    return c.json(body, 201);
  });

  app.get('/', async (c) => {
    const tokens = await storage.listEnrollmentTokens();
    const views: EnrollmentTokenView[] = tokens.map(({ secretHash: _secret, ...visible }) => ({
      ...visible,
      state: visible.usedAt ? 'used' : visible.revokedAt ? 'revoked' : Date.parse(visible.expiresAt) <= Date.now() ? 'expired' : 'active',
    }));
    return c.json(views);
  });

  app.delete('/:id', async (c) => {
    const id = c.req.param('id');
    await storage.revokeEnrollmentToken(id, new Date().toISOString());
    await audit.record({ user: c.get('user').username, action: 'enrollment.revoke', phase: 'event', result: 'ok', address: c.get('address'), detail: `token ${id}` });
    return c.body(null, 204);
  });

  return app;
}

/**
 * One line for a machine that has only Node.js: fetch the agent from this console (over TLS, the download is
 * pinned to this console's key, so curl's -k skips only the CA check, not the identity check), enroll, and
 * install it as a systemd service.
 */
export function installCommand(origin: string, token: string, publicKeyPin: string | undefined): string {
  const fetch = publicKeyPin ? `curl -fsSL -k --pinnedpubkey '${publicKeyPin}'` : 'curl -fsSL';
  const bin = '/usr/local/bin/gatehouse-agent';
  return `${fetch} ${origin}/agent/gatehouse-agent.mjs -o ${bin} && chmod 755 ${bin} && ${bin} enroll --console ${origin} --token ${token} && ${bin} install-service`;
}

/** Routes under /agent/enroll, used by agents: authenticated by the token, not by a session. */
export function enrollRoutes(services: Services): Hono<AppEnv> {
  const { enrollment, audit, hosts } = services;
  const app = new Hono<AppEnv>();

  app.get('/proof', async (c) => {
    const id = z.string().regex(/^[a-z0-9]{16}$/).safeParse(c.req.query('id'));
    if (!id.success) return c.json({ error: { code: 'invalid-params', message: 'id: expected a token id' } }, 400);
    return c.json({ proof: await enrollment.proof(id.data) });
  });

  app.post('/', async (c) => {
    const request = await readJson(c, enrollRequest);
    const address = clientAddress(c.env.incoming);
    const { host, tokenId } = await enrollment.register(request, address);
    await audit.record({
      user: `agent:${host.id}`,
      hostId: host.id,
      hostName: host.name,
      action: 'host.enroll',
      phase: 'event',
      result: 'ok',
      address,
      detail: `with token ${tokenId}, ${host.state}`,
    });
    await hosts.announce(host.id);
    return c.json({ hostId: host.id, name: host.name, state: host.state }, 201);
  });

  return app;
}
