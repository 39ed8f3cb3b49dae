/**
 * Roles (docs/api.md "Roles and grants"): `GET /api/roles` lists built-in and custom roles with their codes;
 * `POST /api/roles`, `PUT /api/roles/:id` and `DELETE /api/roles/:id` make, change and remove custom roles, by
 * whoever manages accounts on the whole fleet (a role is one definition for every scope). A role in use cannot be
 * removed. Each change is audited and holds at once, for every grant of the role.
 */
import { Hono, type Context } from 'hono';
import { customRoleRequestSchema, roleIdSchema, type RoleView } from '../../../modules/kernel/access.js';
import { GatehouseError } from '../../../modules/kernel/errors.js';
import type { RoleDefinition } from '../access/role-book.js';
import { roleIdFromName } from '../access/role-store.js';
import { requireFleetAction } from '../http/auth.js';
import type { AppEnv } from '../http/env.js';
import { readJson } from '../http/json-body.js';
import type { Services } from '../services.js';

function view(role: RoleDefinition, grantCount: number): RoleView {
  return { id: role.id, name: role.name, summary: role.summary, builtIn: role.builtIn, allow: [...role.allow].sort(), deny: [...role.deny].sort(), grantCount };
}

export function roleRoutes(services: Services): Hono<AppEnv> {
  const { access, audit } = services;
  const app = new Hono<AppEnv>();
  const record = (c: Context<AppEnv>, action: string, detail: string) =>
    audit.record({ user: c.get('user').username, address: c.get('address'), action, phase: 'event', result: 'ok', detail });
  const roleId = (c: Context<AppEnv>) => {
    const id = roleIdSchema.safeParse(c.req.param('id'));
    if (!id.success) throw new GatehouseError('not-found', 'no such role');
    return id.data;
  };

  // Everyone who holds grants may read what roles mean: the catalogue is no secret, and grants name roles.
  app.get('/', async (c) => {
    const counts = await access.grants.countByRole();
    return c.json(access.roles.list().map((role) => view(role, counts.get(role.id) ?? 0)));
  });

  app.post('/', requireFleetAction('account.manage'), async (c) => {
    const request = await readJson(c, customRoleRequestSchema);
    const codes = access.roleStore.checkCodes(request);
    const role = await access.roleStore.create({ id: roleIdFromName(request.name), name: request.name, summary: request.summary, ...codes }, c.get('user').username);
    await record(c, 'role.create', `${role.id} "${role.name}": allows ${codes.allow.length}, denies ${codes.deny.length} (${codes.deny.join(', ') || 'none'})`);
    return c.json(view(role, 0), 201);
  });

  app.put('/:id', requireFleetAction('account.manage'), async (c) => {
    const id = roleId(c);
    const request = await readJson(c, customRoleRequestSchema);
    const codes = access.roleStore.checkCodes(request);
    const role = await access.roleStore.replace(id, { name: request.name, summary: request.summary, ...codes }, c.get('user').username);
    await record(c, 'role.change', `${role.id} "${role.name}": allows ${codes.allow.length}, denies ${codes.deny.length} (${codes.deny.join(', ') || 'none'})`);
    return c.json(view(role, (await access.grants.countByRole()).get(role.id) ?? 0));
  });

  app.delete('/:id', requireFleetAction('account.manage'), async (c) => {
    const id = roleId(c);
    const inUse = (await access.grants.countByRole()).get(id) ?? 0;
    if (inUse > 0 && access.roles.get(id)?.builtIn === false) {
      throw new GatehouseError('conflict', `the role ${id} is held in ${inUse} grant${inUse === 1 ? '' : 's'}; take those away first`);
    }
    const role = await access.roleStore.remove(id);
    await record(c, 'role.delete', `${role.id} "${role.name}"`);
    return c.body(null, 204);
  });

  return app;
}
