/**
 * Browser terminals (`GET /api/hosts/:id/terminal`, upgraded in upgrade.ts after the Origin and session checks):
 * authorize and open the terminal through the relay (the agent's `terminal.session` stream, or a login shell over
 * SSH), wait for it to say which shell it attached, start its recording, then hand both ends to a TerminalBridge
 * until the session ends.
 *
 * Nothing reaches the browser before the recording exists. When a recording cannot be written, the host's
 * policy decides (config `recordingFailure`): hosts tagged `field-gateway` (by default) refuse the session,
 * fail-closed; the others go on unrecorded. Either way the failure is audited and published as an alarm cause
 * (events.ts), and the browser is told.
 */
import type { Access } from '../access/access.js';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type WebSocket from 'ws';
import { GatehouseError, problemFromSystemError } from '../../../modules/kernel/errors.js';
import type { ConsoleToBrowserMessage } from '../../../modules/terminal/browser-protocol.js';
import type { AuditTrail } from '../audit.js';
import type { ConsoleEvents, RecordingFailure } from '../events.js';
import type { HostDirectory, HostView } from '../hosts.js';
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
  /** What the person may do where (their grants). */
  access: Access;
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
  audit: AuditTrail;
  events: ConsoleEvents;
  recordingFailure: RecordingFailureConfig;
}

export interface RecordingFailureConfig {
  refuseTags: readonly string[];
  otherHosts: 'refuse' | 'continue';
}

/** Fail-closed for hosts tagged so (field gateways, by default); the configured choice for the others. */
export function recordingFailurePolicy(tags: readonly string[], config: RecordingFailureConfig): 'refuse' | 'continue' {
  return tags.some((tag) => config.refuseTags.includes(tag)) ? 'refuse' : config.otherHosts;
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
    const caller: Caller = { user: request.user, address: request.address, access: request.access };
    const params = terminalParams(request.query);
    const recordingId = newRecordingId();
    let overSsh: { username: string; address: string; port: number } | undefined;
    let host: HostView;
    try {
      host = await this.#options.hosts.get(hostId);
      if (host.connection === 'ssh' && host.ssh) {
        overSsh = host.ssh;
        checkSshParams(params, overSsh.username);
      }
    } catch (err) {
      closeWithProblem(socket, problemFromSystemError(err));
      return;
    }
    // The relay's completed entry waits for this, so one entry carries the end, the duration and the recording.
    let settle!: (summary: Summary) => void;
    const summary = new Promise<Summary>((r) => (settle = r));
    const audit: StreamAudit = {
      detail: overSsh
        ? `login shell over SSH as ${overSsh.username}@${overSsh.address}:${overSsh.port}; recording ${recordingId}`
        : `${params.sessionId ? `re-attach ${String(params.sessionId)}` : 'new shell'} as ${String(params.unixUser ?? 'root')}; recording ${recordingId}`,
      completion: () => summary,
    };
    try {
      socket.pause();
      let channel;
      try {
        channel = await relay.openTerminal(caller, hostId, params, audit);
      } catch (err) {
        const problem = problemFromSystemError(err);
        // An SSH login that fails (a changed host key, a refused key) has been audited as requested: say why it ended.
        settle({ result: problem.code, detail: problem.message });
        closeWithProblem(socket, problem);
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
      const whenRecordingFails = recordingFailurePolicy(host.tags, this.#options.recordingFailure);
      const failure = (message: string, outcome: RecordingFailure['outcome']): RecordingFailure => ({
        hostId,
        hostName: host.name,
        user: request.user.username,
        recordingId,
        terminalSessionId: attached.sessionId,
        outcome,
        message,
        at: new Date().toISOString(),
      });
      let recorder: CastRecorder | undefined;
      try {
        recorder = await this.#startRecording({ id: recordingId, hostId, user: request.user.username, attached, size, startedAt: new Date(started) });
      } catch (err) {
        const message = (err as Error).message;
        log.error('terminal recording could not start', { host: hostId, message, policy: whenRecordingFails });
        if (whenRecordingFails === 'refuse') {
          const problem = new GatehouseError('internal-error', `recording failed: ${message}; the session was closed because it could not be recorded`);
          await this.#recordingFailed(caller, failure(message, 'refused'));
          bridge.refuse(problem);
          // A new shell nobody has seen is ended; a re-attached one stays detached as it was, so a full disk does
          // not cost its owner the work running in it (they can re-attach once recording works again).
          if (!attached.restored && !overSsh) await this.#endShell(caller, hostId, attached.sessionId);
          settle({ result: 'internal-error', detail: `session ${attached.sessionId}: ${problem.message}` });
          return;
        }
        await this.#recordingFailed(caller, failure(message, 'continued'));
      }

      const start: ConsoleToBrowserMessage[] = recorder
        ? [{ type: 'recording', recordingId, input: recordInput }]
        : [{ type: 'recording-failed', message: 'this session could not be recorded; it goes on unrecorded and an alarm was raised' }];
      const end = await bridge.run(recorder, {
        start,
        recordInput,
        size,
        whenRecordingFails,
        onRecordingFailure: (error) =>
          void this.#recordingFailed(caller, failure(error.message, whenRecordingFails === 'refuse' ? 'refused' : 'continued')),
      });
      if (!recorder) {
        settle(describeEnd(end, attached.sessionId, (Date.now() - started) / 1000, 'none (it could not start)', 0, overSsh !== undefined));
        return;
      }
      let bytes = recorder.bytes;
      let state: RecordingRecord['state'] = end.how === 'recording-failed' || recorder.failure ? 'failed' : 'complete';
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
      settle(describeEnd(end, attached.sessionId, (endedAt.getTime() - started) / 1000, recordingId, bytes, overSsh !== undefined));
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

  /** A recording that failed is an alarm's cause (events) and a line in the audit log, whichever the policy. */
  async #recordingFailed(caller: Caller, failure: RecordingFailure): Promise<void> {
    this.#options.events.emit('recording-failed', failure);
    await this.#options.audit
      .record({
        user: caller.user.username,
        address: caller.address,
        hostId: failure.hostId,
        hostName: failure.hostName,
        action: 'terminal.recording-failed',
        phase: 'event',
        result: 'internal-error',
        detail: `session ${failure.terminalSessionId}, recording ${failure.recordingId}: ${failure.message}; session ${failure.outcome === 'refused' ? 'closed (fail-closed)' : 'went on unrecorded'}`.slice(0, 500),
      })
      .catch((err: unknown) => log.error('could not audit a recording failure', { host: failure.hostId, message: (err as Error).message }));
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

/** An SSH host's shell is new every time and runs as the registered login; say so rather than quietly ignore a choice. */
function checkSshParams(params: Record<string, unknown>, username: string): void {
  if (params.sessionId !== undefined) {
    throw new GatehouseError('not-supported', 'a shell over SSH ends with its connection and cannot be re-attached; install the agent to keep shells running');
  }
  if (params.unixUser !== undefined && params.unixUser !== username) {
    throw new GatehouseError('invalid-params', `user: this host is reached over SSH as ${username} only`);
  }
}

function describeEnd(end: BridgeEnd, sessionId: string, seconds: number, recordingId: string, bytes: number, overSsh: boolean): Summary {
  const recording = `recording ${recordingId}, ${bytes} bytes`;
  const after = `after ${seconds.toFixed(1)} s`;
  switch (end.how) {
    case 'exited':
      return { result: 'ok', detail: `session ${sessionId} exited (code ${end.exitCode ?? 'none'}) ${after}; ${recording}` };
    case 'detached':
      // An SSH shell ends with its connection: when the browser leaves, it is closed, not kept.
      if (overSsh) return { result: 'ok', detail: `session ${sessionId} closed with the browser ${after}; ${recording}` };
      return { result: 'ok', detail: `session ${sessionId} detached ${after}; ${recording}` };
    default:
      return { result: end.problem?.code ?? 'internal-error', detail: `session ${sessionId}: ${end.problem?.message ?? 'ended'} ${after}; ${recording}` };
  }
}
