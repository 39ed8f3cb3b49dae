/**
 * A script's end of the console's module-stream route (`POST /api/hosts/:id/streams/:module/:stream`): reads the
 * NDJSON frames as they come and stops (aborting the request, which cancels the stream on the agent) once
 * `until` is satisfied by the text so far, or when the stream ends.
 */
import { fetch as undiciFetch } from 'undici';
import type { ApiClient } from './client.js';

export interface StreamFrame {
  type: 'data' | 'event' | 'end' | 'error';
  text?: string;
  event?: unknown;
  result?: any;
  error?: { code: string; message: string };
}

export interface StreamReading {
  status: number;
  frames: StreamFrame[];
  /** The `data` frames' text, joined. */
  text: string;
  /** The `end` frame's result, if the stream ended. */
  end: any;
  /** The problem: from an `error` frame, or the refusal's body before the stream started. */
  error: StreamFrame['error'];
  /** The refusal's whole body when the route answered with an error status. */
  body: any;
}

export async function readModuleStream(
  target: { hostId: string; api: ApiClient },
  module: string,
  stream: string,
  params: unknown,
  options: { until?: (text: string) => boolean; api?: ApiClient; controller?: AbortController } = {},
): Promise<StreamReading> {
  const api = options.api ?? target.api;
  const controller = options.controller ?? new AbortController();
  const until = options.until ?? (() => false);
  const url = new URL(`/api/hosts/${target.hostId}/streams/${module}/${stream}?params=${encodeURIComponent(JSON.stringify(params))}`, api.base);
  const res = await undiciFetch(url, { method: 'POST', headers: { cookie: api.cookie, origin: url.origin }, signal: controller.signal });
  const frames: StreamFrame[] = [];
  let text = '';
  if (!res.ok || !res.body) {
    const body = (await res.json().catch(() => undefined)) as any;
    return { status: res.status, frames, text, end: undefined, error: body?.error, body };
  }
  const decoder = new TextDecoder();
  let buffered = '';
  try {
    for await (const chunk of res.body) {
      buffered += decoder.decode(chunk as Uint8Array, { stream: true });
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const frame = JSON.parse(buffered.slice(0, newline)) as StreamFrame;
        buffered = buffered.slice(newline + 1);
        frames.push(frame);
        if (frame.type === 'data') text += frame.text;
      }
      if (until(text)) break;
    }
  } finally {
    controller.abort();
  }
  return {
    status: res.status,
    frames,
    text,
    end: frames.find((f) => f.type === 'end')?.result,
    error: frames.find((f) => f.type === 'error')?.error,
    body: undefined,
  };
}
