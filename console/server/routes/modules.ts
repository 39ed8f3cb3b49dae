/** The module catalogue, generated from the contracts so it is never out of date. */
import { Hono } from 'hono';
import { riskOf } from '../../../modules/kernel/contract.js';
import { moduleContracts } from '../../../modules/registry.js';
import type { AppEnv } from '../http/env.js';

export function moduleCatalogue() {
  return moduleContracts.map((contract) => ({
    name: contract.name,
    title: contract.title,
    permissions: Object.entries(contract.permissions).map(([code, spec]) => ({ code, risk: spec.risk, summary: spec.summary })),
    methods: Object.entries(contract.methods).map(([name, spec]) => ({
      name,
      summary: spec.summary,
      permission: spec.permission,
      risk: riskOf(contract, spec),
    })),
    streams: Object.entries(contract.streams).map(([name, spec]) => ({
      name,
      summary: spec.summary,
      permission: spec.permission,
      risk: riskOf(contract, spec),
      direction: spec.direction,
    })),
  }));
}

export function moduleRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const catalogue = moduleCatalogue();
  app.get('/', (c) => c.json(catalogue));
  return app;
}
