/** `GET /api/permissions`: the permission catalogue and the built-in roles, generated from the module contracts. */
import { Hono } from 'hono';
import type { AppEnv } from '../http/env.js';
import { permissionCatalogue } from '../permissions.js';

export function permissionRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const catalogue = permissionCatalogue();
  app.get('/', (c) => c.json(catalogue));
  return app;
}
