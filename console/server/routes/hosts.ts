/** Hosts: the fleet list, one host, approval, revocation, renaming, and relayed module calls. */
import { callerOf, mustMay } from '../http/caller.js';
import { Hono, type Context } from 'hono';
import { GatehouseError } from '../../../modules/kernel/errors.js';
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
  const { hosts, relay, audit, access } = services;
  const app = new Hono<AppEnv>();
  /** A host outside the caller's grants is not theirs to see, nor to change. */
  const reachable = async (c: Context<AppEnv>, id: string, code?: string) => {
    const host = await hosts.get(id);
    const place = access.hostPlace(host.id);
    if (!c.get('access').reaches(place)) throw new GatehouseError('forbidden', `your grants do not reach ${host.name}`);
    if (code !== undefined) mustMay(c, code, place, host.name);
    return host;
  };

  app.get('/', async (c) => {
    const held = c.get('access');
    return c.json((await hosts.list()).filter((host) => held.reaches(access.hostPlace(host.id))));
  });

  app.get('/:id', async (c) => c.json(await reachable(c, c.req.param('id'))));

  app.post('/:id/approve', requireAction('host.manage'), async (c) => {
    await reachable(c, c.req.param('id'), 'host.manage');
    const host = await hosts.setState(c.req.param('id'), 'approved');
    await audit.record({ user: c.get('user').username, hostId: host.id, hostName: host.name, action: 'host.approve', phase: 'event', result: 'ok', address: c.get('address') });
    return c.json(host);
  });

  app.post('/:id/revoke', requireAction('host.manage'), async (c) => {
    await reachable(c, c.req.param('id'), 'host.manage');
    const host = await hosts.setState(c.req.param('id'), 'revoked');
    await audit.record({ user: c.get('user').username, hostId: host.id, hostName: host.name, action: 'host.revoke', phase: 'event', result: 'ok', address: c.get('address') });
    return c.json(host);
  });

  app.patch('/:id', requireAction('host.manage'), async (c) => {
    const { name, tags } = await readJson(c, hostPatchSchema);
    const before = await reachable(c, c.req.param('id'), 'host.manage');
    // Tags are host groups, and groups are where grants hold: tagging a host could bring it into someone's reach.
    if (tags !== undefined && !c.get('access').mayThroughout('host.manage', { kind: 'fleet' })) {
      throw new GatehouseError('forbidden', 'host tags are host groups that grants hold on; changing them needs host.manage on the whole fleet');
    }
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
      callerOf(c),
      c.req.param('id'),
      request.module,
      request.method,
      request.params,
    );
    return c.json({ result });
  });

  return app;
}
