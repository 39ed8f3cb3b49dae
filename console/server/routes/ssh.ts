/**
 * Hosts without an agent (administrators: `ssh.manage`): see a server's key, register the host, trust a changed
 * key, forget it, and install the agent on it, streaming each step as a line of JSON.
 */
import { callerOf, mustMay } from '../http/caller.js';
import { Hono } from 'hono';
import { stream } from 'hono/streaming';
import { sshRegisterRequestSchema, sshRepinRequestSchema, sshScanRequestSchema, type InstallProgress } from '../../../modules/kernel/console-api.js';
import type { AppEnv } from '../http/env.js';
import { requireAction, requireFleetAction } from '../http/auth.js';
import { readJson } from '../http/json-body.js';
import type { Services } from '../services.js';

/** `/api/ssh`: probing a server before it is registered. */
export function sshScanRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('*', requireFleetAction('ssh.manage'));
  app.post('/scan', async (c) => {
    const { address, port } = await readJson(c, sshScanRequestSchema);
    return c.json(await services.sshHosts.scan(address, port));
  });
  return app;
}

/** `/api/ssh-hosts`: registering and forgetting. */
export function sshHostRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('*', requireAction('ssh.manage'));
  app.post('/', requireFleetAction('ssh.manage'), async (c) => {
    const request = await readJson(c, sshRegisterRequestSchema);
    const host = await services.sshHosts.register(callerOf(c), request);
    return c.json({ host }, 201);
  });
  app.delete('/:id', async (c) => {
    mustMay(c, 'ssh.manage', services.access.hostPlace(c.req.param('id')), `host ${c.req.param('id')}`);
    await services.sshHosts.forget(callerOf(c), c.req.param('id'));
    return c.body(null, 204);
  });
  return app;
}

/** `/api/hosts/:id/ssh/…`: what is done to one registered SSH host. */
export function sshHostActionRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('/:id/ssh/*', requireAction('ssh.manage'), async (c, next) => {
    mustMay(c, 'ssh.manage', services.access.hostPlace(c.req.param('id') ?? ''), `host ${c.req.param('id') ?? ''}`);
    return next();
  });
  app.post('/:id/ssh/host-key', async (c) => {
    const { hostKeyFingerprint } = await readJson(c, sshRepinRequestSchema);
    const host = await services.sshHosts.trustHostKey(callerOf(c), c.req.param('id'), hostKeyFingerprint);
    return c.json({ host });
  });
  app.post('/:id/ssh/install-agent', (c) => {
    const actor = callerOf(c);
    const hostId = c.req.param('id');
    c.header('Content-Type', 'application/x-ndjson; charset=utf-8');
    c.header('Cache-Control', 'no-store');
    return stream(c, async (out) => {
      // The install goes on if the page is closed; its outcome is in the audit log and the host list.
      let open = true;
      out.onAbort(() => {
        open = false;
      });
      const send = (event: InstallProgress) => {
        if (open) void out.write(`${JSON.stringify(event)}\n`).catch(() => undefined);
      };
      await services.agentInstaller.install(actor, hostId, send);
    });
  });
  return app;
}
