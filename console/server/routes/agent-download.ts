/** The single-file agent, for machines enrolled without a checkout. Public: it is code, and holds no secret. */
import { Hono } from 'hono';
import { readFile } from 'node:fs/promises';
import type { AppEnv } from '../http/env.js';
import { problemResponse } from '../http/problems.js';

export function agentDownloadRoutes(bundlePath: string): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/gatehouse-agent.mjs', async (c) => {
    const body = await readFile(bundlePath).catch(() => undefined);
    if (!body) return problemResponse(c, 'not-found', 'the agent bundle has not been built on this console (npm run build)');
    return c.body(body, 200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Content-Disposition': 'attachment; filename="gatehouse-agent.mjs"' });
  });
  return app;
}
