/**
 * Reading any module's download stream from the console's generic route (docs/api.md, "Module streams"):
 * `GET /api/hosts/:id/streams/:module/:stream?params=<json>` answers NDJSON frames. Used by the journal follow
 * of the service module; a package manager's live output can use it the same way.
 *
 *   await readModuleStream(host.id, 'service', 'follow', { unit }, { onLine: (line) => …, signal });
 *
 * Resolves with the stream's result when it ends, rejects with ApiError (its problem code) when it fails,
 * and with an AbortError when `signal` aborts — which also cancels the stream on the agent.
 */
import { ApiError, failedResponseError, hostPath } from './api.js';

export interface ModuleStreamHandlers {
  /** Text as it arrives, in chunks that need not end at a line. */
  onText?: (text: string) => void;
  /** Whole lines of the text (without the newline): for streams whose agent writes one record per line. */
  onLine?: (line: string) => void;
  /** Events the stream's contract declares. */
  onEvent?: (event: unknown) => void;
  signal?: AbortSignal;
}

interface Frame {
  type?: unknown;
  text?: unknown;
  event?: unknown;
  result?: unknown;
  error?: { code?: unknown; message?: unknown };
}

export function moduleStreamUrl(hostId: string, module: string, stream: string, params: unknown): string {
  const query = new URLSearchParams({ params: JSON.stringify(params ?? {}) });
  return `${hostPath(hostId, `/streams/${encodeURIComponent(module)}/${encodeURIComponent(stream)}`)}?${query}`;
}

export async function readModuleStream(
  hostId: string,
  module: string,
  stream: string,
  params: unknown,
  handlers: ModuleStreamHandlers = {},
): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(moduleStreamUrl(hostId, module, stream, params), {
      // POST: the console opens streams that change the host only for state-changing requests (Origin-checked).
      method: 'POST',
      credentials: 'same-origin',
      headers: { Accept: 'application/x-ndjson' },
      signal: handlers.signal,
    });
  } catch (error) {
    if (handlers.signal?.aborted) throw error;
    throw new ApiError('network-error', 'Cannot reach the console. Check the network connection.', 0);
  }
  if (!response.ok || !response.body) throw await failedResponseError(response);

  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let frames = '';
  let lines = '';
  const text = (chunk: string) => {
    handlers.onText?.(chunk);
    if (!handlers.onLine) return;
    lines += chunk;
    let newline: number;
    while ((newline = lines.indexOf('\n')) >= 0) {
      handlers.onLine(lines.slice(0, newline));
      lines = lines.slice(newline + 1);
    }
  };
  for (;;) {
    let next: ReadableStreamReadResult<string>;
    try {
      next = await reader.read();
    } catch (error) {
      if (handlers.signal?.aborted) throw error;
      throw new ApiError('network-error', 'The connection to the console broke while the stream was open.', 0);
    }
    if (next.done) break;
    frames += next.value;
    let newline: number;
    while ((newline = frames.indexOf('\n')) >= 0) {
      const frame = JSON.parse(frames.slice(0, newline)) as Frame;
      frames = frames.slice(newline + 1);
      if (frame.type === 'data' && typeof frame.text === 'string') text(frame.text);
      else if (frame.type === 'event') handlers.onEvent?.(frame.event);
      else if (frame.type === 'end') {
        if (lines !== '') handlers.onLine?.(lines);
        return frame.result;
      } else if (frame.type === 'error') {
        const code = typeof frame.error?.code === 'string' ? frame.error.code : 'internal-error';
        const message = typeof frame.error?.message === 'string' ? frame.error.message : 'The stream failed';
        throw new ApiError(code, message, 200);
      }
    }
  }
  throw new ApiError('cancelled', 'The stream ended before the host said it was done.', 200);
}
