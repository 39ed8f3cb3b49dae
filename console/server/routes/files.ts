/**
 * File transfers between the browser and a host, streamed end to end with backpressure: the HTTP body is
 * read only as fast as the agent grants credit (upload), and the agent reads its disk only as fast as the
 * browser takes bytes (download).
 */
import { callerOf } from '../http/caller.js';
import { Hono } from 'hono';
import { GatehouseError } from '../../../modules/kernel/errors.js';
import type { AppEnv } from '../http/env.js';
import { problemResponse, httpStatusOf } from '../http/problems.js';
import type { Services } from '../services.js';

export function fileRoutes(services: Services): Hono<AppEnv> {
  const { relay } = services;
  const app = new Hono<AppEnv>();

  app.get('/:id/files/download', async (c) => {
    const path = c.req.query('path');
    if (!path) return problemResponse(c, 'invalid-params', 'path: give the absolute path of the file to download');
    const caller = callerOf(c);
    const stat = (await relay.call(caller, c.req.param('id'), 'file', 'stat', { path })) as { type: string; size: number; name: string };
    if (stat.type === 'directory') return problemResponse(c, 'is-a-directory', `${path} is a directory`);
    const channel = await relay.open(caller, c.req.param('id'), 'file', 'download', { path });
    c.req.raw.signal.addEventListener('abort', () => channel.cancel('the browser went away'));
    const reader = channel.readable.getReader();
    // Wait for the agent's first bytes (or its refusal) before answering, so a refused download is an error
    // status the browser shows, not an empty file.
    const first = await reader.read().catch((err: unknown) => {
      throw err instanceof GatehouseError ? err : new GatehouseError('internal-error', String(err));
    });
    const body = new ReadableStream<Uint8Array>(
      {
        start(controller) {
          if (first.done) controller.close();
          else controller.enqueue(first.value);
        },
        async pull(controller) {
          // An error here (agent gone mid-transfer) makes the server cut the connection: the browser sees a
          // failed download, never a short file that looks complete.
          const next = await reader.read();
          if (next.done) controller.close();
          else controller.enqueue(next.value);
        },
        cancel() {
          channel.cancel('the browser went away');
        },
      },
      { highWaterMark: 0 },
    );
    const headers: Record<string, string> = {
      'Content-Type': 'application/octet-stream',
      'Content-Disposition': contentDisposition(stat.name),
    };
    if (stat.type === 'file') headers['Content-Length'] = String(stat.size);
    return c.body(body, 200, headers);
  });

  app.post('/:id/files/upload', async (c) => {
    const directory = c.req.query('directory');
    const name = c.req.query('name');
    const overwrite = c.req.query('overwrite') === '1' || c.req.query('overwrite') === 'true';
    const caller = callerOf(c);
    const channel = await relay.open(caller, c.req.param('id'), 'file', 'upload', { directory, name, overwrite });
    const body = c.req.raw.body;
    try {
      if (body) {
        const reader = body.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          // write() waits for the agent's credit: this is what keeps a large upload out of the console's memory.
          await channel.write(value);
        }
      }
      channel.end();
      return c.json({ result: await channel.result });
    } catch (err) {
      channel.cancel('the upload did not complete');
      const problem = err instanceof GatehouseError ? err : new GatehouseError('cancelled', 'the upload did not complete');
      // The agent's own reason (e.g. `exists`) is more useful than our cancellation.
      const agentReason = await channel.result.then(() => undefined, (e: unknown) => e);
      const reported = agentReason instanceof GatehouseError && agentReason.code !== 'cancelled' ? agentReason : problem;
      return c.json({ error: { code: reported.code, message: reported.message } }, httpStatusOf(reported.code));
    }
  });

  return app;
}

/** An attachment header that survives any file name: ASCII fallback plus RFC 5987 UTF-8. */
function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
