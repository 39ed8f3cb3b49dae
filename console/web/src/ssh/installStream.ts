/**
 * `POST /api/hosts/:id/ssh/install-agent`: the console installs the agent over SSH and reports each step as
 * it goes, one JSON object per line (NDJSON), ending with `done`. Read by hand from the response body, since
 * a step's progress must show while the request is still open.
 */
import { failedResponseError, hostPath, ApiError } from '../api.js';
import { installProgressSchema, type InstallProgress } from '../../../../modules/kernel/console-api.js';

export type InstallDone = Extract<InstallProgress, { type: 'done' }>;
export type InstallStep = Extract<InstallProgress, { type: 'step' }>;

/**
 * Run the install, calling `onStep` for every step line; resolves to the `done` line. A stream that ends
 * without one (the console restarted, the network broke) resolves to a failed `done` saying so, since the
 * host's real state is then unknown.
 */
export async function installAgent(hostId: string, onStep: (step: InstallStep) => void, signal?: AbortSignal): Promise<InstallDone> {
  let response: Response;
  try {
    response = await fetch(hostPath(hostId, '/ssh/install-agent'), {
      method: 'POST',
      credentials: 'same-origin',
      headers: { Accept: 'application/x-ndjson' },
      signal,
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError('network-error', 'Cannot reach the console. Check the network connection.', 0);
  }
  if (!response.ok) throw await failedResponseError(response);
  if (!response.body) throw new ApiError('internal-error', 'The console sent no progress.', response.status);

  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = '';
  const handleLine = (line: string): InstallDone | null => {
    if (line.trim() === '') return null;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      console.warn('Install: a progress line that is not JSON was ignored');
      return null;
    }
    const parsed = installProgressSchema.safeParse(json);
    if (!parsed.success) {
      console.warn('Install: an unknown progress line was ignored', parsed.error.issues[0]?.message);
      return null;
    }
    if (parsed.data.type === 'done') return parsed.data;
    onStep(parsed.data);
    return null;
  };

  for (;;) {
    let chunk: ReadableStreamReadResult<string>;
    try {
      chunk = await reader.read();
    } catch (error) {
      if (signal?.aborted) throw error;
      break;
    }
    if (chunk.done) break;
    buffered += chunk.value;
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      const done = handleLine(buffered.slice(0, newline));
      buffered = buffered.slice(newline + 1);
      if (done) {
        void reader.cancel().catch(() => undefined);
        return done;
      }
      newline = buffered.indexOf('\n');
    }
  }
  const last = handleLine(buffered);
  if (last) return last;
  return {
    type: 'done',
    ok: false,
    hostId,
    code: 'connection-failed',
    message: 'The console stopped reporting before the install finished. Check the host’s state before trying again.',
  };
}
