/**
 * One terminal's socket to the console (modules/terminal/browser-protocol.ts): keystrokes out as binary frames,
 * screen bytes in as binary frames, JSON beside them. Output is acknowledged only once xterm.js has drawn it,
 * which is what keeps a flood (`yes`, `cat` of a big file) from filling the browser and keeps Ctrl-C prompt.
 * The connection outlives its socket: after a drop it can re-attach the same xterm to the same shell — on a host
 * with an agent. A host reached over SSH keeps no shell without its socket: there, every connect is a new shell.
 */
import type { IDisposable, Terminal } from '@xterm/xterm';
import { api, hostPath } from '../../console/web/src/api.js';
import { consoleToBrowserMessage, type BrowserToConsoleMessage, type ConsoleToBrowserMessage } from './browser-protocol.js';

export type TerminalPhase =
  /** Socket opening, or open and waiting for the console's `attached`. */
  | 'connecting'
  | 'attached'
  /** The console said the channel ended and the shell lives on, detached. */
  | 'detached'
  /** The shell exited: the session is over. */
  | 'exited'
  /** The socket dropped without a word (network, console restart): the shell is most likely still running. */
  | 'lost'
  /** The console refused or broke off with an error. */
  | 'failed';

export interface TerminalState {
  phase: TerminalPhase;
  /** Known once attached (or from the start when re-attaching). */
  sessionId: string | null;
  unixUser: string;
  /** The shell runs over SSH (a host without an agent): it ends with its socket and cannot be re-attached. */
  viaSsh: boolean;
  /** This attachment restored a running session's screen. */
  restored: boolean;
  /** The window title the shell set; empty when none. */
  title: string;
  exitCode: number | null;
  recording: { recordingId: string; input: boolean } | null;
  /**
   * Why this attachment runs unrecorded (the console's words): its recording could not start, or stopped, and
   * the host's policy let the session go on. Null while recorded or not yet known.
   */
  recordingFailed: string | null;
  error: { code: string; message: string } | null;
}

/** Acknowledge drawn output in batches: one small message per 64 KiB, or after a short pause in the output. */
const ackEveryBytes = 64 * 1024;
const ackDelayMs = 25;
/** Keystroke frames stay well under the console's 64 KiB message limit (console/server/terminal/bridge.ts). */
const maxInputFrameBytes = 32 * 1024;
/** Dragging a window edge fires many resizes; the shell needs only the last. */
const resizeDelayMs = 100;

/** The socket's URL; `unixUser` null for an SSH host, where the shell runs as the user the host was registered with. */
export function terminalSocketUrl(
  hostId: string,
  params: { unixUser: string | null; cols: number; rows: number; sessionId: string | null },
): string {
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  const query = new URLSearchParams({ cols: String(params.cols), rows: String(params.rows) });
  if (params.unixUser !== null) query.set('user', params.unixUser);
  if (params.sessionId) query.set('session', params.sessionId);
  return `${scheme}://${window.location.host}${hostPath(hostId, '/terminal')}?${query}`;
}

export interface TerminalConnectionOptions {
  /** For an SSH host, the registered user: shown, not sent (the console picks it). */
  unixUser: string;
  /** The host is reached over SSH: no choice of user, no re-attaching. */
  viaSsh: boolean;
  /** Re-attach to this session; null starts a new shell. */
  sessionId: string | null;
  /**
   * The session's size as the host last reported it (from `terminal.sessions`). Re-attaching at that size means
   * the restored screen arrives in its own geometry and the shell is resized only once it has been drawn.
   */
  sessionSize?: { cols: number; rows: number } | null;
  /** Fit the terminal to its box (after a restored screen has been drawn at its old size). */
  refit: () => void;
}

/** Problems that pass by themselves: the host or console was away, or did not answer in time. */
const retryableCodes = new Set(['host-offline', 'timeout', 'connection-failed', 'network-error']);

/** A restored screen is drawn once its bytes stop coming for this long; then the terminal takes its box's size. */
const restoreSettleMs = 60;

export class TerminalConnection {
  readonly #hostId: string;
  readonly #term: Terminal;
  readonly #onChange: (state: TerminalState) => void;
  readonly #encoder = new TextEncoder();
  readonly #subscriptions: IDisposable[];
  #state: TerminalState;
  #socket: WebSocket | null = null;
  #unacked = 0;
  #ackTimer: ReturnType<typeof setTimeout> | undefined;
  #resizeTimer: ReturnType<typeof setTimeout> | undefined;
  #disposed = false;
  readonly #refit: () => void;
  /** Size for the next re-attachment's URL, used once. */
  #attachSize: { cols: number; rows: number } | null;
  /** A restored screen is being drawn at the session's old size. */
  #restoring = false;
  #settleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(hostId: string, term: Terminal, options: TerminalConnectionOptions, onChange: (state: TerminalState) => void) {
    this.#hostId = hostId;
    this.#term = term;
    this.#onChange = onChange;
    this.#refit = options.refit;
    const listed = options.sessionSize;
    // The listed size comes from the host; only a size the protocol accepts is used.
    this.#attachSize = listed && listed.cols >= 2 && listed.cols <= 1000 && listed.rows >= 2 && listed.rows <= 500 ? listed : null;
    this.#state = {
      phase: 'connecting',
      sessionId: options.sessionId,
      unixUser: options.unixUser,
      viaSsh: options.viaSsh,
      restored: false,
      title: '',
      exitCode: null,
      recording: null,
      recordingFailed: null,
      error: null,
    };
    this.#subscriptions = [
      term.onData((data) => this.#sendBytes(this.#encoder.encode(data))),
      // Mouse reports in X10 mode arrive as "binary" strings: one byte per character, not UTF-8.
      term.onBinary((data) => this.#sendBytes(Uint8Array.from(data, (c) => c.charCodeAt(0) & 0xff))),
      term.onResize(() => this.#scheduleResize()),
      term.onTitleChange((title) => this.#update({ title: title.slice(0, 200) })),
    ];
    window.addEventListener('online', this.#onOnline);
  }

  get state(): TerminalState {
    return this.#state;
  }

  /** Open the socket: a new shell, or a re-attachment when the session id is known (never over SSH). */
  connect(): void {
    if (this.#disposed) return;
    this.#closeSocket();
    const { viaSsh } = this.#state;
    // Over SSH the old shell ended with its socket; the next one starts on a clean screen.
    if (viaSsh && this.#state.sessionId !== null) {
      this.#update({ sessionId: null, exitCode: null, title: '' });
      this.#term.reset();
    }
    const size = (this.#state.sessionId && this.#attachSize) || { cols: this.#term.cols, rows: this.#term.rows };
    this.#attachSize = null;
    const socket = new WebSocket(
      terminalSocketUrl(this.#hostId, { unixUser: viaSsh ? null : this.#state.unixUser, ...size, sessionId: this.#state.sessionId }),
    );
    socket.binaryType = 'arraybuffer';
    this.#socket = socket;
    // Each attachment is recorded on its own; the console says which way before any output arrives.
    this.#update({ phase: 'connecting', error: null, restored: false, recording: null, recordingFailed: null });

    socket.onmessage = (event: MessageEvent<ArrayBuffer | string>) => {
      if (this.#socket !== socket) return;
      if (typeof event.data === 'string') this.#handleText(event.data);
      else this.#handleOutput(socket, new Uint8Array(event.data));
    };
    socket.onclose = (event) => {
      if (this.#socket !== socket) return;
      this.#socket = null;
      this.#cancelAck();
      const { phase, error, sessionId, viaSsh } = this.#state;
      if (phase !== 'connecting' && phase !== 'attached') return;
      // The console ends a session it refuses or cannot go on with by a 4xxx close (4000 + HTTP status), after an
      // error message saying why; any other close is the path breaking (network, console restart).
      if (event.code >= 4000 && event.code < 5000) {
        if (event.code === 4401) void api.get('/api/session').catch(() => undefined);
        this.#update({ phase: 'failed', error: error ?? { code: `close-${event.code}`, message: event.reason || 'The console closed the terminal.' } });
      } else if (sessionId || (viaSsh && phase === 'attached')) {
        // With an agent the shell is most likely still running; over SSH it ended with the connection.
        this.#update({ phase: 'lost', error: null });
      } else {
        // A refused upgrade says nothing to the page. Asking for the session tells an ended session (the
        // session layer then goes to the login page) from a console or network that is away.
        void api.get('/api/session').catch(() => undefined);
        this.#update({
          phase: 'failed',
          error: error ?? { code: 'connection-failed', message: 'The console closed the connection before the terminal opened.' },
        });
      }
    };
  }

  /**
   * The console and the host are reachable again: a terminal cut off by the network or a console restart
   * re-attaches by itself. One refused for a lasting reason (no such session, no permission) does not.
   */
  retryIfInterrupted(): void {
    const { phase, sessionId, error, viaSsh } = this.#state;
    if (!sessionId || viaSsh) return;
    if (phase === 'lost' || (phase === 'failed' && error !== null && retryableCodes.has(error.code))) this.connect();
  }

  /** Send keys typed outside xterm.js (the phone's key bar), as if typed in it. */
  input(data: string): void {
    this.#sendBytes(this.#encoder.encode(data));
  }

  /** Close (the shell lives on, detached; over SSH it ends) and let go of the terminal; no state change is reported after this. */
  dispose(): void {
    this.#disposed = true;
    this.#closeSocket();
    window.removeEventListener('online', this.#onOnline);
    for (const subscription of this.#subscriptions) subscription.dispose();
    clearTimeout(this.#resizeTimer);
    clearTimeout(this.#settleTimer);
  }

  #closeSocket(): void {
    const socket = this.#socket;
    this.#socket = null;
    this.#cancelAck();
    if (socket && socket.readyState !== WebSocket.CLOSED) socket.close(1000, 'closed by the page');
  }

  #update(change: Partial<TerminalState>): void {
    this.#state = { ...this.#state, ...change };
    if (!this.#disposed) this.#onChange(this.#state);
  }

  #onOnline = () => this.retryIfInterrupted();

  #handleText(text: string): void {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      console.warn('Terminal: a text frame that is not JSON was ignored');
      return;
    }
    const parsed = consoleToBrowserMessage.safeParse(json);
    if (!parsed.success) {
      console.warn('Terminal: an unknown message was ignored', parsed.error.issues[0]?.message);
      return;
    }
    this.#handleMessage(parsed.data);
  }

  #handleMessage(message: ConsoleToBrowserMessage): void {
    switch (message.type) {
      case 'attached': {
        const { cols, rows } = message;
        this.#update({
          phase: 'attached',
          sessionId: message.sessionId,
          restored: message.restored,
          unixUser: message.unixUser,
          exitCode: null,
        });
        if (message.restored) {
          // The restored screen follows, drawn at the session's size: reset (RIS) and take that size first, in
          // order behind whatever is still being drawn; once it is drawn, fit to the box (see #settle).
          this.#restoring = true;
          this.#term.write('\x1bc', () => {
            if (cols !== this.#term.cols || rows !== this.#term.rows) this.#term.resize(cols, rows);
          });
          this.#armSettle();
        } else if (cols !== this.#term.cols || rows !== this.#term.rows) {
          // The console opened the pty at the size in the URL; the window may have changed since.
          this.#scheduleResize();
        }
        break;
      }
      case 'title':
        this.#update({ title: message.title });
        break;
      case 'recording':
        this.#update({ recording: { recordingId: message.recordingId, input: message.input }, recordingFailed: null });
        break;
      case 'recording-failed':
        // Sent instead of `recording` at the start, or mid-session when the recording stopped.
        this.#update({ recording: null, recordingFailed: message.message.slice(0, 500) });
        break;
      case 'ended':
        // Over SSH nothing lives on detached: the shell is over either way.
        this.#update(message.detached && !this.#state.viaSsh ? { phase: 'detached' } : { phase: 'exited', exitCode: message.exitCode });
        break;
      case 'error':
        this.#update({ error: { code: message.code.slice(0, 100), message: message.message.slice(0, 1000) } });
        break;
    }
  }

  #handleOutput(socket: WebSocket, bytes: Uint8Array): void {
    const length = bytes.byteLength;
    if (length === 0) return;
    this.#term.write(bytes, () => {
      // Bytes of an earlier socket are drawn but no longer counted: the new one starts its own window.
      if (this.#socket !== socket) return;
      this.#drawn(socket, length);
      if (this.#restoring) this.#armSettle();
    });
  }

  #armSettle(): void {
    clearTimeout(this.#settleTimer);
    this.#settleTimer = setTimeout(() => this.#settle(), restoreSettleMs);
  }

  /** The restored screen is drawn: take the box's size and tell the shell (which redraws a full-screen program). */
  #settle(): void {
    this.#restoring = false;
    if (this.#state.phase !== 'attached') return;
    this.#refit();
    this.#scheduleResize();
  }

  #drawn(socket: WebSocket, length: number): void {
    this.#unacked += length;
    if (this.#unacked >= ackEveryBytes) this.#flushAck(socket);
    else if (this.#ackTimer === undefined) this.#ackTimer = setTimeout(() => this.#flushAck(socket), ackDelayMs);
  }

  #cancelAck(): void {
    clearTimeout(this.#ackTimer);
    this.#ackTimer = undefined;
    this.#unacked = 0;
  }

  #flushAck(socket: WebSocket): void {
    clearTimeout(this.#ackTimer);
    this.#ackTimer = undefined;
    if (this.#unacked === 0 || this.#socket !== socket) return;
    this.#send({ type: 'ack', bytes: this.#unacked });
    this.#unacked = 0;
  }

  #scheduleResize(): void {
    clearTimeout(this.#resizeTimer);
    this.#resizeTimer = setTimeout(() => {
      // While a restored screen is drawn at its old size the shell keeps that size; #settle sends the new one.
      if (this.#state.phase === 'attached' && !this.#restoring) this.#send({ type: 'resize', cols: this.#term.cols, rows: this.#term.rows });
    }, resizeDelayMs);
  }

  #send(message: BrowserToConsoleMessage): void {
    if (this.#socket?.readyState === WebSocket.OPEN) this.#socket.send(JSON.stringify(message));
  }

  #sendBytes(bytes: Uint8Array): void {
    if (bytes.byteLength === 0 || this.#state.phase !== 'attached') return;
    const socket = this.#socket;
    if (socket?.readyState !== WebSocket.OPEN) return;
    // The console takes frames up to 64 KiB; a big paste goes as several, in order.
    for (let offset = 0; offset < bytes.byteLength; offset += maxInputFrameBytes) {
      socket.send(bytes.subarray(offset, offset + maxInputFrameBytes));
    }
  }
}
