/**
 * Reading the audit log: a page at a time, newest first, with filters and a cursor; or the whole of what matches
 * as a file (CSV or JSON lines, streamed oldest first — audit-export/export.ts).
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import { auditFilterSchema, type AuditFilter } from '../../../modules/kernel/audit-search.js';
import { auditCsv, auditJsonLines, type AuditExportFilter } from '../audit-export/export.js';
import type { AppEnv } from '../http/env.js';
import { requireAction } from '../http/auth.js';
import { hostsAllowing } from '../access/readable-hosts.js';
import { problemResponse } from '../http/problems.js';
import { log } from '../log.js';
import type { Services } from '../services.js';

const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.coerce.number().int().positive().optional(),
});

const exportQuery = z.object({ before: z.coerce.number().int().positive().optional() });

type Parsed<T> = { ok: true; value: T } | { ok: false; response: Response };

/** The query string's filters and paging; an empty parameter (`user=`) counts as absent. */
function parseQuery<T>(c: Context<AppEnv>, paging: z.ZodType<T>): Parsed<T & AuditFilter> {
  const raw = Object.fromEntries(Object.entries(c.req.query()).filter(([, value]) => value.trim() !== ''));
  const filter = auditFilterSchema.safeParse(raw);
  const page = paging.safeParse(raw);
  const error = !filter.success ? filter.error : !page.success ? page.error : undefined;
  if (error || !filter.success || !page.success) {
    const issue = error?.issues[0];
    return { ok: false, response: problemResponse(c, 'invalid-params', `${issue?.path.join('.')}: ${issue?.message}`) };
  }
  return { ok: true, value: { ...page.data, ...filter.data } };
}

function storageFilter(q: AuditFilter & { before?: number }): AuditExportFilter {
  return { before: q.before, user: q.user, hostId: q.host, module: q.module, action: q.action, result: q.result, from: q.from, to: q.to };
}

export function auditRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/', requireAction('audit.read'), async (c) => {
    const parsed = parseQuery(c, pageQuery);
    if (!parsed.ok) return parsed.response;
    const q = parsed.value;
    const hostIds = await hostsAllowing(c.get('access'), 'audit.read', services.access, services.hosts);
    const entries = await services.storage.queryAudit({ ...storageFilter(q), hostIds, limit: q.limit });
    const last = entries.at(-1);
    return c.json({ entries, nextBefore: entries.length === q.limit && last ? last.id : null });
  });

  const exports = { csv: { type: 'text/csv; charset=utf-8', write: auditCsv }, jsonl: { type: 'application/jsonl; charset=utf-8', write: auditJsonLines } };
  for (const [extension, format] of Object.entries(exports)) {
    app.get(`/export.${extension}`, requireAction('audit.read'), async (c) => {
      const parsed = parseQuery(c, exportQuery);
      if (!parsed.ok) return parsed.response;
      const filter = { ...storageFilter(parsed.value), hostIds: await hostsAllowing(c.get('access'), 'audit.read', services.access, services.hosts) };
      // Who took a copy of the log, and of which part, is itself worth keeping.
      await services.audit.record({
        user: c.get('user').username,
        action: 'audit.export',
        phase: 'event',
        result: 'ok',
        address: c.get('address'),
        detail: `${extension}${describe(parsed.value)}`,
      });
      const name = `gatehouse-audit-${new Date().toISOString().slice(0, 10)}.${extension}`;
      return c.body(textStream(format.write(services.storage, filter), extension), 200, {
        'Content-Type': format.type,
        'Content-Disposition': `attachment; filename="${name}"`,
        'Cache-Control': 'no-store',
      });
    });
  }
  return app;
}

/** The filters in words for the export's audit entry, e.g. ` user=ana module=file from=…`. */
function describe(q: AuditFilter & { before?: number }): string {
  return Object.entries(q)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => ` ${key}=${String(value)}`)
    .join('');
}

/** A web stream of the chunks as UTF-8, read one chunk per pull: a slow download holds the database reads back. */
function textStream(chunks: AsyncGenerator<string>, format: string): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      } catch (err) {
        // The status line is gone already: the client sees a cut-off file, the log says why.
        log.warn('audit export failed part-way', { format, message: (err as Error).message });
        controller.error(err);
      }
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
}
