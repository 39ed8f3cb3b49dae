/**
 * Terminal recordings from the console (docs/api.md, "Recordings"): the list, one recording's metadata, and its
 * asciicast file. The cast is read with a cap, so a recording of a flood cannot exhaust the browser's memory.
 */
import { api, ApiError, failedResponseError } from '../api.js';

export type { RecordingPage, RecordingState, RecordingView as Recording } from '../../../../modules/kernel/console-api.js';
import type { RecordingPage, RecordingView as Recording } from '../../../../modules/kernel/console-api.js';

export interface RecordingFilters {
  host?: string;
  user?: string;
}

const text = (value: unknown, fallback = ''): string => (typeof value === 'string' ? value : fallback);
const optionalText = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** One recording as the console sent it, each field checked (the view is drawn from agent-influenced data). */
function toRecording(value: unknown): Recording | null {
  if (typeof value !== 'object' || value === null) return null;
  const r = value as Record<string, unknown>;
  if (typeof r.id !== 'string') return null;
  const state = r.state === 'recording' || r.state === 'complete' || r.state === 'failed' ? r.state : 'failed';
  const bytes = typeof r.bytes === 'number' ? r.bytes : typeof r.size === 'number' ? r.size : 0;
  return {
    id: r.id,
    sessionId: optionalText(r.sessionId),
    hostId: text(r.hostId),
    hostName: text(r.hostName, text(r.hostId)),
    user: text(r.user),
    unixUser: text(r.unixUser),
    startedAt: text(r.startedAt),
    endedAt: optionalText(r.endedAt),
    bytes: Number.isFinite(bytes) ? bytes : 0,
    inputRecorded: r.inputRecorded === true || r.input === true,
    state,
  };
}

export async function listRecordings(
  options: RecordingFilters & { before?: string | null; limit?: number },
  signal?: AbortSignal,
): Promise<RecordingPage> {
  const query = new URLSearchParams({ limit: String(options.limit ?? 100) });
  if (options.before) query.set('before', options.before);
  if (options.host) query.set('host', options.host);
  if (options.user) query.set('user', options.user);
  const body = await api.get<unknown>(`/api/recordings?${query}`, { signal });
  const list = Array.isArray(body) ? body : (body as { recordings?: unknown } | null)?.recordings;
  const recordings = (Array.isArray(list) ? list : []).map(toRecording).filter((r): r is Recording => r !== null);
  const nextBefore = Array.isArray(body) ? null : optionalText((body as { nextBefore?: unknown } | null)?.nextBefore);
  return { recordings, nextBefore };
}

export async function getRecording(id: string, signal?: AbortSignal): Promise<Recording> {
  const body = await api.get<unknown>(`/api/recordings/${encodeURIComponent(id)}`, { signal });
  const recording = toRecording((body as { recording?: unknown } | null)?.recording ?? body);
  if (!recording) throw new ApiError('bad-response', 'The console sent a recording this page cannot read.', 200);
  return recording;
}

/** The most of a cast the player loads; past it the recording plays up to the cut and says so. */
export const maxCastBytes = 64 * 1024 * 1024;

export interface CastDownload {
  text: string;
  /** The file was longer than maxCastBytes and was cut there. */
  truncated: boolean;
}

export async function fetchCast(id: string, signal?: AbortSignal): Promise<CastDownload> {
  let response: Response;
  try {
    response = await fetch(`/api/recordings/${encodeURIComponent(id)}/cast`, { credentials: 'same-origin', signal });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError('network-error', 'Cannot reach the console. Check the network connection.', 0);
  }
  if (!response.ok) throw await failedResponseError(response);
  const reader = response.body?.getReader();
  if (!reader) return { text: await response.text(), truncated: false };
  const decoder = new TextDecoder('utf-8');
  const parts: string[] = [];
  let received = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const room = maxCastBytes - received;
    if (value.byteLength > room) {
      parts.push(decoder.decode(value.subarray(0, room), { stream: true }));
      truncated = true;
      await reader.cancel();
      break;
    }
    received += value.byteLength;
    parts.push(decoder.decode(value, { stream: true }));
  }
  parts.push(decoder.decode());
  let text = parts.join('');
  // A cut falls inside a line; that half line would only be skipped as broken.
  if (truncated) text = text.slice(0, text.lastIndexOf('\n') + 1);
  return { text, truncated };
}
