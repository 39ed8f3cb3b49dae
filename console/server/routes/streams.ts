/**
 * Any module's download stream, relayed to the browser as NDJSON over plain HTTP: a journal being followed,
 * a package manager's output. Generic on purpose: the relay's `open` does the checks (role × permission code,
 * host state, params against the contract) and the audit (requested, then completed when the stream ends).
 *
 *   POST /api/hosts/:id/streams/:module/:stream?params=<url-encoded JSON>   (GET too, for streams of risk read)
 *
 * Each line of the answer is one JSON frame (docs/api.md):
 *   {"type":"data","text":"…"}        bytes from the agent, decoded as UTF-8 (chunks, not lines)
 *   {"type":"event","event":{…}}      an event the contract declares
 *   {"type":"end","result":{…}}       the stream ended; its result
 *   {"type":"error","error":{code,message}}  it ended with a problem
 * Closing the request (fetch abort) cancels the stream on the agent.
 */
import { callerOf } from '../http/caller.js';
import { Hono } from 'hono';
import { riskOf, streamOf } from '../../../modules/kernel/contract.js';
import { GatehouseError } from '../../../modules/kernel/errors.js';
import { findContract } from '../../../modules/registry.js';
import type { AppEnv } from '../http/env.js';
import { problemResponse } from '../http/problems.js';
import type { Services } from '../services.js';

/** Query strings travel in logs and proxies: params are names and filters, never secrets, and stay small. */
const maxParamsChars = 8 * 1024;

export function streamRoutes(services: Services): Hono<AppEnv> {
  const { relay } = services;
  const app = new Hono<AppEnv>();

  // POST for every stream (the page uses it); GET only for streams that change nothing, since GET requests pass
  // the Origin check (SECURITY.md rule 4) and a link or an <img> must never install or remove anything.
  app.on(['GET', 'POST'], '/:id/streams/:module/:stream', async (c) => {
    const module = c.req.param('module');
    const name = c.req.param('stream');
    const contract = findContract(module);
    if (!contract) return problemResponse(c, 'unknown-module', `no module named ${module}`);
    const spec = streamOf(contract, name);
    if (!spec) return problemResponse(c, 'unknown-method', `module ${module} has no stream ${name}`);
    // Upload and duplex streams need a body or a socket; this route only reads.
    if (spec.direction !== 'download') {
      return problemResponse(c, 'not-supported', `${module}.${name} is not a download stream; it cannot be read over this route`);
    }
    if (c.req.method === 'GET' && riskOf(contract, spec) !== 'read') {
      return problemResponse(c, 'bad-request', `${module}.${name} changes the host: open it with POST, not GET`);
    }
    const rawParams = c.req.query('params') ?? '{}';
    if (rawParams.length > maxParamsChars) return problemResponse(c, 'too-large', `params: at most ${maxParamsChars} characters`);
    let params: unknown;
    try {
      params = JSON.parse(rawParams);
    } catch {
      return problemResponse(c, 'invalid-params', 'params: must be JSON (an object of the stream’s parameters)');
    }

    const caller = callerOf(c);
    const channel = await relay.open(caller, c.req.param('id'), module, name, params);
    const encoder = new TextEncoder();
    const frame = (value: unknown) => encoder.encode(`${JSON.stringify(value)}\n`);
    let finished = false;
    let pending: ReadableStreamDefaultController<Uint8Array> | undefined;
    channel.onEvent((event) => {
      if (!finished) pending?.enqueue(frame({ type: 'event', event }));
    });
    c.req.raw.signal.addEventListener('abort', () => channel.cancel('the browser went away'));
    const reader = channel.readable.getReader();
    const decoder = new TextDecoder('utf-8');

    const body = new ReadableStream<Uint8Array>(
      {
        start(controller) {
          pending = controller;
        },
        async pull(controller) {
          if (finished) return;
          try {
            const next = await reader.read();
            if (!next.done) {
              const text = decoder.decode(next.value, { stream: true });
              if (text) controller.enqueue(frame({ type: 'data', text }));
              return;
            }
            const tail = decoder.decode();
            if (tail) controller.enqueue(frame({ type: 'data', text: tail }));
            controller.enqueue(frame({ type: 'end', result: await channel.result }));
          } catch (err) {
            // Cancelled from this side (the browser left): there is nobody to tell.
            if (finished) return;
            const problem = err instanceof GatehouseError ? err : new GatehouseError('internal-error', String(err));
            controller.enqueue(frame({ type: 'error', error: { code: problem.code, message: problem.message } }));
          }
          finished = true;
          controller.close();
        },
        cancel() {
          finished = true;
          channel.cancel('the browser went away');
        },
      },
      { highWaterMark: 0 },
    );
    return c.body(body, 200, {
      'Content-Type': 'application/x-ndjson; charset=utf-8',
      'Cache-Control': 'no-store',
      // Proxies that buffer (nginx) would hold a followed log back until it ends.
      'X-Accel-Buffering': 'no',
    });
  });

  return app;
}
