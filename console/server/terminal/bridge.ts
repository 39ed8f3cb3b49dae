/**
 * One browser terminal socket bridged to one agent terminal channel (modules/terminal/browser-protocol.ts on one
 * side, the `terminal.session` duplex stream on the other). Keystrokes go to the agent within its credit;
 * output goes to the browser at most `browserOutputWindowBytes` ahead of its acknowledgements. When the browser
 * falls behind, the bridge stops reading the channel, the channel stops granting credit, and the agent stops
 * reading the PTY: a flood is held back at its source, not in the console's memory.
 */
import type WebSocket from 'ws';
import { GatehouseError, problemFromSystemError } from '../../../modules/kernel/errors.js';
import { browserOutputWindowBytes, browserToConsoleMessage, type ConsoleToBrowserMessage } from '../../../modules/terminal/browser-protocol.js';
import { contract as terminalContract, type TerminalEvent } from '../../../modules/terminal/contract.js';
import type { ConsoleChannel } from '../agents/console-channel.js';
import { httpStatusOf } from '../http/problems.js';
import type { CastRecorder } from './recorder.js';

/** The socket's maxPayload: a binary frame of keystrokes or a paste; the page splits larger pastes. */
export const maxTerminalMessageBytes = 64 * 1024;
/** Text frames are resize and ack messages, a few dozen bytes. */
const maxTextMessageBytes = 1024;
/** Keystrokes waiting for the agent's credit before the socket stops reading (a huge paste into a stuck shell). */
const maxQueuedInputBytes = 256 * 1024;
/** After the shell has ended, how long the browser gets to take the last output before the socket is cut. */
const drainAfterEndMs = 30_000;
/** A browser that answers no ping for this long is gone (a laptop lid closed), and its shell is detached. */
const pingIntervalMs = 30_000;

export type AttachedEvent = Extract<TerminalEvent, { type: 'attached' }>;

/**
 * The far end of a terminal: an agent's `terminal.session` channel (ConsoleChannel), or an SSH shell on a host
 * without an agent (ssh/ssh-terminal.ts), which speaks the same events and result.
 */
export type TerminalChannel = Pick<ConsoleChannel, 'readable' | 'result' | 'write' | 'sendControl' | 'onEvent' | 'cancel'>;

export interface RunOptions {
  /** Messages for the browser before any output (the recording notice). */
  start: ConsoleToBrowserMessage[];
  recordInput: boolean;
  size: { cols: number; rows: number };
  /** The host's policy: close the session (`refuse`, fail-closed) or go on unrecorded (`continue`). */
  whenRecordingFails: 'refuse' | 'continue';
  /** Told once when the recording fails mid-session, whatever the policy. */
  onRecordingFailure?: (error: Error) => void;
}

export interface BridgeEnd {
  /** `detached`: the shell lives on (the browser left, or the agent said so); `exited`: it is over. */
  how: 'exited' | 'detached' | 'problem' | 'recording-failed';
  exitCode: number | null;
  problem?: GatehouseError;
}

export class TerminalBridge {
  readonly #socket: WebSocket;
  readonly #channel: TerminalChannel;
  /** Events that arrived before start(); the recording must exist before anything reaches the browser. */
  #earlyEvents: TerminalEvent[] | undefined = [];
  #attachedWaiter: ((event: AttachedEvent) => void) | undefined;
  /** Undefined when the session runs unrecorded (its recording could not start and the policy let it go on). */
  #recorder: CastRecorder | undefined;
  #recordInput = false;
  #unacked = 0;
  #windowWaiter: (() => void) | undefined;
  #inputQueued = 0;
  #inputChain: Promise<void> = Promise.resolve();
  #size = { cols: 0, rows: 0 };
  #browserGone = false;
  #recordingFailure: Error | undefined;
  #refuseUnrecorded = true;
  #stopped = false;
  #alive = true;
  #pinger: NodeJS.Timeout | undefined;

  constructor(socket: WebSocket, channel: TerminalChannel) {
    this.#socket = socket;
    this.#channel = channel;
    // Nothing is read from the browser until the session is recorded; the socket buffers what it sends meanwhile.
    socket.pause();
    socket.on('close', () => this.#onBrowserGone());
    socket.on('error', () => this.#onBrowserGone());
    socket.on('pong', () => {
      this.#alive = true;
    });
    socket.on('message', (data, isBinary) => {
      const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      if (isBinary) this.#onKeystrokes(buffer);
      else this.#onText(buffer);
    });
    channel.onEvent((message) => this.#onEvent(message as TerminalEvent));
    // The browser may have gone while the relay was opening the channel; its close event has passed by then.
    if (socket.readyState !== socket.OPEN) this.#onBrowserGone();
  }

  /**
   * The agent's `attached` event: which session, new or restored, at what size. Rejects with the agent's problem
   * when the channel ends first (e.g. no such session to re-attach), or after `timeoutMs`.
   */
  attached(timeoutMs: number): Promise<AttachedEvent> {
    const early = this.#earlyEvents?.find((e): e is AttachedEvent => e.type === 'attached');
    if (early) return Promise.resolve(early);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new GatehouseError('timeout', 'the host did not start the terminal in time')), timeoutMs);
      this.#attachedWaiter = (event) => {
        clearTimeout(timer);
        resolve(event);
      };
      this.#channel.result.then(
        () => reject(new GatehouseError('internal-error', 'the terminal ended before it started')),
        (err: unknown) => reject(problemFromSystemError(err)),
      ).finally(() => clearTimeout(timer));
    });
  }

  /** Refuse the session before it started: tell the browser why, close its socket, cancel the channel. */
  refuse(problem: GatehouseError): void {
    this.#stopped = true;
    this.#channel.cancel(problem.message);
    this.#closeWithProblem(problem);
  }

  /**
   * Run the session with its recording until it ends. Resolves (never rejects) with how it ended, after the
   * browser has been told and its socket closed. `size` is the browser's terminal size, the one the recording
   * starts with: a re-attached screen arrives drawn at the shell's old size, and the recording shows it as the
   * browser did, in the browser's terminal.
   */
  async run(recorder: CastRecorder | undefined, options: RunOptions): Promise<BridgeEnd> {
    const { start, recordInput, size } = options;
    this.#recorder = recorder;
    this.#recordInput = recordInput;
    this.#size = { ...size };
    this.#refuseUnrecorded = options.whenRecordingFails === 'refuse';
    recorder?.onFailure((error) => {
      this.#recordingFailure = error;
      options.onRecordingFailure?.(error);
      if (this.#refuseUnrecorded) this.#channel.cancel('the session could not be recorded');
      else this.#send({ type: 'recording-failed', message: `recording stopped: ${error.message}; this session goes on unrecorded and an alarm was raised` });
    });
    for (const message of start) this.#send(message);
    const early = this.#earlyEvents ?? [];
    this.#earlyEvents = undefined;
    for (const event of early) this.#onEvent(event);
    this.#pinger = setInterval(() => this.#ping(), pingIntervalMs);
    this.#pinger.unref();
    if (!this.#browserGone) this.#socket.resume();

    const pump = this.#pumpOutput();
    const outcome = await this.#channel.result.then(
      (result) => ({ result }) as const,
      (err: unknown) => ({ problem: problemFromSystemError(err) }) as const,
    );
    // Output the agent sent before it closed is still queued; the browser gets it, within a bound.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([pump, new Promise((r) => (timer = setTimeout(r, drainAfterEndMs)))]);
    clearTimeout(timer);
    clearInterval(this.#pinger);
    this.#stopped = true;
    this.#wakePump();
    return this.#finish(outcome);
  }

  /** Close from the console's side (log out, shutdown); the shell is detached, as when the browser leaves. */
  close(code: number, reason: string): void {
    this.#closeSocket(code, reason);
    this.#onBrowserGone();
  }

  #finish(outcome: { result: unknown } | { problem: GatehouseError }): BridgeEnd {
    if (this.#recordingFailure && this.#refuseUnrecorded) {
      const problem = new GatehouseError(
        'internal-error',
        `recording failed: ${this.#recordingFailure.message}; the session was closed because it could not be recorded`,
      );
      this.#closeWithProblem(problem);
      return { how: 'recording-failed', exitCode: null, problem };
    }
    if ('result' in outcome) {
      // Agents are untrusted: only a result that matches the contract is passed on.
      const parsed = terminalContract.streams.session.result.safeParse(outcome.result);
      if (!parsed.success) {
        const problem = new GatehouseError('internal-error', "the agent's terminal result does not match its contract");
        this.#closeWithProblem(problem);
        return { how: 'problem', exitCode: null, problem };
      }
      const { detached, exitCode } = parsed.data;
      this.#send({ type: 'ended', detached, exitCode });
      this.#closeSocket(1000, detached ? 'detached' : 'exited');
      return { how: detached ? 'detached' : 'exited', exitCode };
    }
    // The console cancelled the channel because the browser went: the agent keeps the shell, detached.
    if (this.#browserGone && outcome.problem.code === 'cancelled') return { how: 'detached', exitCode: null };
    this.#closeWithProblem(outcome.problem);
    return { how: 'problem', exitCode: null, problem: outcome.problem };
  }

  async #pumpOutput(): Promise<void> {
    const reader = this.#channel.readable.getReader();
    try {
      for (;;) {
        // Not a byte more is taken from the channel while the browser's window is full: that is the backpressure.
        await this.#windowOpen();
        if (this.#stopped) return;
        const next = await reader.read();
        if (next.done) return;
        let chunk = next.value;
        const recorder = this.#recorder;
        if (recorder && !recorder.failure) {
          if (!recorder.output(chunk)) await recorder.drained();
          // Fail-closed: not a byte more reaches the browser once the recording failed.
          if (recorder.failure && this.#refuseUnrecorded) return;
        }
        while (chunk.byteLength > 0) {
          await this.#windowOpen();
          if (this.#stopped || this.#browserGone) return;
          const piece = chunk.subarray(0, browserOutputWindowBytes - this.#unacked);
          chunk = chunk.subarray(piece.byteLength);
          this.#unacked += piece.byteLength;
          this.#socket.send(piece, { binary: true });
        }
      }
    } catch {
      // The channel failed or was cancelled; run() reads why from its result.
    } finally {
      reader.releaseLock();
    }
  }

  #windowOpen(): Promise<void> {
    if (this.#unacked < browserOutputWindowBytes || this.#stopped || this.#browserGone) return Promise.resolve();
    return new Promise((resolve) => {
      this.#windowWaiter = resolve;
    });
  }

  #wakePump(): void {
    const waiter = this.#windowWaiter;
    this.#windowWaiter = undefined;
    waiter?.();
  }

  #onKeystrokes(bytes: Buffer): void {
    if (this.#stopped) return;
    if (this.#recordInput) this.#recorder?.input(bytes);
    this.#inputQueued += bytes.byteLength;
    if (this.#inputQueued > maxQueuedInputBytes && !this.#socket.isPaused) this.#socket.pause();
    // One write at a time, in order; each waits for the agent's credit.
    this.#inputChain = this.#inputChain
      .then(() => this.#channel.write(bytes))
      .catch(() => undefined) // the channel ended; run() reports why
      .then(() => {
        this.#inputQueued -= bytes.byteLength;
        if (this.#inputQueued <= maxQueuedInputBytes / 2 && this.#socket.isPaused && !this.#browserGone) this.#socket.resume();
      });
  }

  #onText(buffer: Buffer): void {
    if (buffer.byteLength > maxTextMessageBytes) return this.#complain(`text messages are small JSON objects (at most ${maxTextMessageBytes} bytes)`);
    let json: unknown;
    try {
      json = JSON.parse(buffer.toString('utf8'));
    } catch {
      return this.#complain('not JSON');
    }
    const parsed = browserToConsoleMessage.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return this.#complain(`not a terminal message (${issue?.path.join('.') || 'message'}: ${issue?.message ?? 'invalid'})`);
    }
    const message = parsed.data;
    if (message.type === 'ack') {
      // An ack for more than was sent only empties the window; it cannot open it wider.
      this.#unacked = Math.max(0, this.#unacked - message.bytes);
      this.#wakePump();
      return;
    }
    if (this.#stopped) return;
    this.#channel.sendControl({ type: 'resize', cols: message.cols, rows: message.rows });
    this.#recordSize(message.cols, message.rows);
  }

  #onEvent(event: TerminalEvent): void {
    if (this.#earlyEvents) {
      this.#earlyEvents.push(event);
      if (event.type === 'attached') this.#attachedWaiter?.(event);
      return;
    }
    this.#send(event);
  }

  #recordSize(cols: number, rows: number): void {
    if (cols === this.#size.cols && rows === this.#size.rows) return;
    this.#size = { cols, rows };
    this.#recorder?.resize(cols, rows);
  }

  #onBrowserGone(): void {
    if (this.#browserGone) return;
    this.#browserGone = true;
    clearInterval(this.#pinger);
    // The agent keeps the shell running, detached, for its user to re-attach.
    this.#channel.cancel('the browser closed the terminal');
    this.#wakePump();
  }

  #ping(): void {
    if (this.#socket.readyState !== this.#socket.OPEN) return;
    if (!this.#alive) {
      this.#socket.terminate();
      this.#onBrowserGone();
      return;
    }
    this.#alive = false;
    this.#socket.ping();
  }

  #complain(message: string): void {
    this.#send({ type: 'error', code: 'bad-request', message });
  }

  #closeWithProblem(problem: GatehouseError): void {
    this.#stopped = true;
    closeWithProblem(this.#socket, problem);
  }

  #closeSocket(code: number, reason: string): void {
    this.#stopped = true;
    closeSocket(this.#socket, code, reason);
  }

  #send(message: ConsoleToBrowserMessage): void {
    if (this.#socket.readyState === this.#socket.OPEN) this.#socket.send(JSON.stringify(message));
  }
}

/**
 * Tell the browser why its terminal cannot go on, then close with 4000 + the problem's HTTP status
 * (4403 forbidden, 4404 not-found, 4503 host-offline, 4500 internal-error), so a page can switch on either.
 */
export function closeWithProblem(socket: WebSocket, problem: GatehouseError): void {
  if (socket.readyState === socket.OPEN) {
    const message: ConsoleToBrowserMessage = { type: 'error', code: problem.code, message: problem.message };
    socket.send(JSON.stringify(message));
  }
  closeSocket(socket, 4000 + httpStatusOf(problem.code), problem.code);
}

export function closeSocket(socket: WebSocket, code: number, reason: string): void {
  // A paused socket would not read the browser's answering close frame, and the close would wait for ws's
  // 30 s timer; whatever the browser still sends is ignored.
  socket.resume();
  socket.close(code, reason);
}
