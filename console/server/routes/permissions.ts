/** `GET /api/permissions`: the permission catalogue and the roles (built-in and custom), generated from the module contracts. */
import { Hono } from 'hono';
import type { AppEnv } from '../http/env.js';
import { permissionCatalogue } from '../permissions.js';
import type { RoleBook } from '../access/role-book.js';

export function permissionRoutes(roles?: RoleBook): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/', (c) => c.json(permissionCatalogue(roles)));
  return app;
}
