/** Hosts: the fleet list, one host, approval, revocation, renaming, and relayed module calls. */
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../http/env.js';
import { requireAction } from '../http/auth.js';
import { readJson } from '../http/json-body.js';
import type { Services } from '../services.js';
import { cleanHostName } from '../enrollment.js';
import { hostPatchSchema } from '../../../modules/kernel/console-api.js';

const callRequest = z.object({
  module: z.string().min(1).max(64),
  method: z.string().min(1).max(64),
  params: z.unknown().optional(),
});


export function hostRoutes(services: Services): Hono<AppEnv> {
  const { hosts, relay, audit } = services;
  const app = new Hono<AppEnv>();

  app.get('/', async (c) => c.json(await hosts.list()));

  app.get('/:id', async (c) => c.json(await hosts.get(c.req.param('id'))));

  app.post('/:id/approve', requireAction('host.manage'), async (c) => {
    const host = await hosts.setState(c.req.param('id'), 'approved');
    await audit.record({ user: c.get('user').username, hostId: host.id, hostName: host.name, action: 'host.approve', phase: 'event', result: 'ok', address: c.get('address') });
    return c.json(host);
  });

  app.post('/:id/revoke', requireAction('host.manage'), async (c) => {
    const host = await hosts.setState(c.req.param('id'), 'revoked');
    await audit.record({ user: c.get('user').username, hostId: host.id, hostName: host.name, action: 'host.revoke', phase: 'event', result: 'ok', address: c.get('address') });
    return c.json(host);
  });

  app.patch('/:id', requireAction('host.manage'), async (c) => {
    const { name, tags } = await readJson(c, hostPatchSchema);
    const before = await hosts.get(c.req.param('id'));
    const who = { user: c.get('user').username, hostId: before.id, phase: 'event', result: 'ok', address: c.get('address') } as const;
    let host = before;
    if (name !== undefined) {
      host = await hosts.rename(before.id, cleanHostName(name));
      await audit.record({ ...who, hostName: host.name, action: 'host.rename', detail: `${before.name} → ${host.name}` });
    }
    if (tags !== undefined) {
      host = await hosts.setTags(before.id, tags);
      await audit.record({ ...who, hostName: host.name, action: 'host.tag', detail: `[${before.tags.join(', ')}] → [${host.tags.join(', ')}]` });
    }
    return c.json(host);
  });

  app.post('/:id/call', async (c) => {
    const request = await readJson(c, callRequest);
    const result = await relay.call(
      { user: c.get('user'), address: c.get('address') },
      c.req.param('id'),
      request.module,
      request.method,
      request.params,
    );
    return c.json({ result });
  });

  return app;
}
