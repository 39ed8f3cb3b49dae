/** Reading the audit log, newest first, with filters and a cursor. */
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../http/env.js';
import { requireAction } from '../http/auth.js';
import { problemResponse } from '../http/problems.js';
import type { Services } from '../services.js';

const auditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.coerce.number().int().positive().optional(),
  user: z.string().max(128).optional(),
  host: z.string().max(64).optional(),
  action: z.string().max(128).optional(),
});

export function auditRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/', requireAction('audit.read'), async (c) => {
    const parsed = auditQuery.safeParse(c.req.query());
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return problemResponse(c, 'invalid-params', `${issue?.path.join('.')}: ${issue?.message}`);
    }
    const q = parsed.data;
    const entries = await services.storage.queryAudit({
      limit: q.limit,
      before: q.before,
      user: q.user || undefined,
      hostId: q.host || undefined,
      action: q.action || undefined,
    });
    const last = entries.at(-1);
    return c.json({ entries, nextBefore: entries.length === q.limit && last ? last.id : null });
  });
  return app;
}
