/**
 * `GET /api/scopes`: where the caller may give grants (their own reach for account.manage) and which roles, with
 * names, for the account pages' pickers. The server checks each grant again when it is given (accounts.ts).
 */
import { Hono } from 'hono';
import type { GrantableScopes } from '../../../modules/kernel/access.js';
import { requireAction } from '../http/auth.js';
import type { AppEnv } from '../http/env.js';
import type { Services } from '../services.js';

export function scopeRoutes(services: Services): Hono<AppEnv> {
  const { access } = services;
  const app = new Hono<AppEnv>();
  app.get('/', requireAction('account.manage'), async (c) => {
    const held = c.get('access');
    const manages = (scope: Parameters<typeof held.mayThroughout>[1]) => held.mayThroughout('account.manage', scope);
    const [sites, hosts] = await Promise.all([services.sites.summaries(), services.hosts.list()]);
    const tags = [...new Set(hosts.flatMap((host) => host.tags))].sort();
    const codes = new Set(held.codesAnywhere());
    const answer: GrantableScopes = {
      fleet: manages({ kind: 'fleet' }),
      sites: sites.filter((site) => manages({ kind: 'site', siteId: site.id })).map((site) => ({ id: site.id, name: site.name })),
      groups: tags.filter((tag) => manages({ kind: 'group', tag })),
      hosts: hosts
        .filter((host) => host.state !== 'revoked' && manages({ kind: 'host', hostId: host.id }))
        .map((host) => ({ id: host.id, name: host.name, siteId: services.sites.siteOf(host.id) ?? null })),
      roles: access.roles
        .list()
        .filter((role) => [...role.allow].every((code) => codes.has(code)))
        .map((role) => ({ id: role.id, name: role.name })),
    };
    return c.json(answer);
  });
  return app;
}
