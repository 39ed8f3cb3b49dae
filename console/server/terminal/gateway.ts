/**
 * Browser terminals (`GET /api/hosts/:id/terminal`, upgraded in upgrade.ts after the Origin and session checks):
 * authorize and open the agent's `terminal.session` stream through the relay, wait for the agent to say which
 * shell it attached, start its recording, then hand both ends to a TerminalBridge until the session ends.
 *
 * Nothing reaches the browser before the recording exists, and a recording that cannot be written ends the
 * session: fail-closed, for every host. The issue's per-host choice (fail-closed for hosts tagged as field
 * gateways, "continue and raise an alarm" for others) needs host tags and alarms, which come later.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type WebSocket from 'ws';
import { GatehouseError, problemFromSystemError } from '../../../modules/kernel/errors.js';
import type { HostDirectory } from '../hosts.js';
import { log } from '../log.js';
import type { Caller, Relay, StreamAudit } from '../relay.js';
import type { RecordingRecord, Storage, UserRecord } from '../storage/types.js';
import { TerminalBridge, closeSocket, closeWithProblem, type AttachedEvent, type BridgeEnd } from './bridge.js';
import { CastRecorder, newRecordingId } from './recorder.js';

/** How long the agent has to start (or find) the shell and say so. */
const attachTimeoutMs = 20_000;
/** How often open terminals are checked against their login sessions, so an expired one ends its terminals. */
const sessionRecheckMs = 60_000;

export interface TerminalRequest {
  hostId: string;
  query: URLSearchParams;
  user: UserRecord;
  /** The login session (stored id) that opened the socket; logging it out closes the terminal. */
  loginSessionId: string;
  address: string | null;
}

interface OpenTerminal {
  bridge: TerminalBridge | undefined;
  socket: WebSocket;
  loginSessionId: string;
  /** Resolves when the recording is closed and its row updated. */
  done: Promise<void>;
}

/** How a session went, for the relay's completed audit entry. */
interface Summary {
  result: string;
  detail: string;
}

export interface TerminalGatewayOptions {
  relay: Relay;
  hosts: HostDirectory;
  storage: Storage;
  /** The console's data directory; recordings go to DATA/recordings/. */
  dataDir: string;
  recordInput: boolean;
}

export class TerminalGateway {
  readonly #options: TerminalGatewayOptions;
  readonly #open = new Set<OpenTerminal>();
  readonly #recheck: NodeJS.Timeout;

  constructor(options: TerminalGatewayOptions) {
    this.#options = options;
    this.#recheck = setInterval(() => void this.#dropExpired(), sessionRecheckMs);
    this.#recheck.unref();
  }

  /** Serve one upgraded browser socket until its terminal ends. Never rejects. */
  async accept(socket: WebSocket, request: TerminalRequest): Promise<void> {
    // ws reports a frame it refuses as an `error` event (and closes the socket itself); until the bridge takes
    // over, this listener keeps such an event from taking the console down.
    socket.on('error', (err) => log.warn('terminal socket error', { host: request.hostId, message: err.message }));
    let finished!: () => void;
    const entry: OpenTerminal = { bridge: undefined, socket, loginSessionId: request.loginSessionId, done: new Promise((r) => (finished = r)) };
    this.#open.add(entry);
    try {
      await this.#serve(entry, request);
    } catch (err) {
      log.error('terminal failed', { host: request.hostId, message: (err as Error).message });
      closeWithProblem(socket, new GatehouseError('internal-error', 'the terminal failed on the console; it has been logged'));
    } finally {
      this.#open.delete(entry);
      finished();
    }
  }

  /** Log out: close that login session's terminals (their shells stay, detached). */
  endSession(loginSessionId: string): void {
    for (const entry of this.#open) if (entry.loginSessionId === loginSessionId) this.#close(entry, 4401, 'logged out');
  }

  /** Shutdown: close every terminal and wait (briefly) for their recordings to be closed. */
  async closeAll(): Promise<void> {
    clearInterval(this.#recheck);
    const pending = [...this.#open];
    for (const entry of pending) this.#close(entry, 1001, 'console shutting down');
    await Promise.race([Promise.all(pending.map((e) => e.done)), new Promise((r) => setTimeout(r, 5_000))]);
  }

  async #serve(entry: OpenTerminal, request: TerminalRequest): Promise<void> {
    const { relay, storage, recordInput } = this.#options;
    const { hostId } = request;
    const { socket } = entry;
    const caller: Caller = { user: request.user, address: request.address };
    const params = terminalParams(request.query);
    const recordingId = newRecordingId();
    // The relay's completed entry waits for this, so one entry carries the end, the duration and the recording.
    let settle!: (summary: Summary) => void;
    const summary = new Promise<Summary>((r) => (settle = r));
    const audit: StreamAudit = {
      detail: `${params.sessionId ? `re-attach ${String(params.sessionId)}` : 'new shell'} as ${String(params.unixUser ?? 'root')}; recording ${recordingId}`,
      completion: () => summary,
    };
    try {
      socket.pause();
      let channel;
      try {
        channel = await relay.open(caller, hostId, 'terminal', 'session', params, audit);
      } catch (err) {
        closeWithProblem(socket, problemFromSystemError(err));
        return;
      }
      const bridge = new TerminalBridge(socket, channel);
      entry.bridge = bridge;

      let attached: AttachedEvent;
      try {
        attached = await bridge.attached(attachTimeoutMs);
        if (params.sessionId !== undefined && attached.sessionId !== params.sessionId) {
          throw new GatehouseError('internal-error', `the host attached session ${attached.sessionId}, not ${String(params.sessionId)}`);
        }
      } catch (err) {
        const problem = problemFromSystemError(err);
        bridge.refuse(problem);
        settle({ result: problem.code, detail: problem.message });
        return;
      }

      const started = Date.now();
      // The relay has checked the params against the contract by now.
      const size = { cols: params.cols as number, rows: params.rows as number };
      let recorder: CastRecorder;
      try {
        recorder = await this.#startRecording({ id: recordingId, hostId, user: request.user.username, attached, size, startedAt: new Date(started) });
      } catch (err) {
        const problem = new GatehouseError(
          'internal-error',
          `recording failed: ${(err as Error).message}; the session was closed because it could not be recorded`,
        );
        log.error('terminal recording could not start', { host: hostId, message: (err as Error).message });
        bridge.refuse(problem);
        // A new shell nobody has seen is ended; a re-attached one stays detached as it was, so a full disk does
        // not cost its owner the work running in it (they can re-attach once recording works again).
        if (!attached.restored) await this.#endShell(caller, hostId, attached.sessionId);
        settle({ result: 'internal-error', detail: `session ${attached.sessionId}: ${problem.message}` });
        return;
      }

      const end = await bridge.run(recorder, { start: [{ type: 'recording', recordingId, input: recordInput }], recordInput, size });
      let bytes = recorder.bytes;
      let state: RecordingRecord['state'] = end.how === 'recording-failed' ? 'failed' : 'complete';
      try {
        bytes = await recorder.finish();
      } catch (err) {
        state = 'failed';
        log.error('terminal recording failed', { host: hostId, recording: recordingId, message: (err as Error).message });
      }
      const endedAt = new Date();
      await storage
        .updateRecording(recordingId, { endedAt: endedAt.toISOString(), bytes, state })
        .catch((err: unknown) => log.error('could not update a recording', { recording: recordingId, message: (err as Error).message }));
      settle(describeEnd(end, attached.sessionId, (endedAt.getTime() - started) / 1000, recordingId, bytes));
    } finally {
      // Every path above settles first; this covers a bug's path, so the relay's audit entry is never left waiting.
      settle({ result: 'internal-error', detail: 'the terminal failed on the console' });
    }
  }

  /** The recording's file (header written) and row; throws, leaving neither behind, when either fails. */
  async #startRecording(start: {
    id: string;
    hostId: string;
    user: string;
    attached: AttachedEvent;
    size: { cols: number; rows: number };
    startedAt: Date;
  }): Promise<CastRecorder> {
    const { id, hostId, user, attached, size, startedAt } = start;
    const { dataDir, hosts, storage, recordInput } = this.#options;
    const host = await hosts.get(hostId);
    const record: RecordingRecord = {
      id,
      sessionId: attached.sessionId,
      hostId,
      hostName: host.name,
      user,
      unixUser: attached.unixUser,
      startedAt: startedAt.toISOString(),
      endedAt: null,
      bytes: 0,
      path: join('recordings', `${id}.cast`),
      inputRecorded: recordInput,
      state: 'recording',
    };
    await mkdir(join(dataDir, 'recordings'), { recursive: true, mode: 0o700 });
    const recorder = await CastRecorder.create(join(dataDir, record.path), {
      width: size.cols,
      height: size.rows,
      title: `${user} on ${host.name} as ${attached.unixUser} (${attached.sessionId})`,
    });
    try {
      await storage.createRecording(record);
    } catch (err) {
      await recorder.finish().catch(() => undefined);
      await rm(recorder.path, { force: true });
      throw err;
    }
    return recorder;
  }

  async #endShell(caller: Caller, hostId: string, sessionId: string): Promise<void> {
    try {
      await this.#options.relay.call(caller, hostId, 'terminal', 'close', { id: sessionId });
    } catch (err) {
      log.warn('could not close an unrecorded shell', { host: hostId, session: sessionId, message: (err as Error).message });
    }
  }

  #close(entry: OpenTerminal, code: number, reason: string): void {
    if (entry.bridge) entry.bridge.close(code, reason);
    else closeSocket(entry.socket, code, reason);
  }

  async #dropExpired(): Promise<void> {
    const now = Date.now();
    for (const entry of this.#open) {
      const session = await this.#options.storage.findSession(entry.loginSessionId).catch(() => undefined);
      if (!session || Date.parse(session.expiresAt) <= now) this.#close(entry, 4401, 'session expired');
    }
  }
}

/** The stream's params from the socket's query; the relay checks them against the contract. */
function terminalParams(query: URLSearchParams): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  const session = query.get('session');
  const user = query.get('user');
  if (session) params.sessionId = session;
  if (user) params.unixUser = user;
  for (const key of ['cols', 'rows'] as const) {
    const value = query.get(key);
    if (value !== null) params[key] = value === '' ? Number.NaN : Number(value);
  }
  return params;
}

function describeEnd(end: BridgeEnd, sessionId: string, seconds: number, recordingId: string, bytes: number): Summary {
  const recording = `recording ${recordingId}, ${bytes} bytes`;
  const after = `after ${seconds.toFixed(1)} s`;
  switch (end.how) {
    case 'exited':
      return { result: 'ok', detail: `session ${sessionId} exited (code ${end.exitCode ?? 'none'}) ${after}; ${recording}` };
    case 'detached':
      return { result: 'ok', detail: `session ${sessionId} detached ${after}; ${recording}` };
    default:
      return { result: end.problem?.code ?? 'internal-error', detail: `session ${sessionId}: ${end.problem?.message ?? 'ended'} ${after}; ${recording}` };
  }
}
