/**
 * One live terminal on the agent: a login shell in a PTY, the screen it draws (kept whether or not anyone
 * watches), and at most one attached window. The shell outlives its window; it ends when it exits, when it is
 * closed, or when it has stayed detached too long.
 */
import { GatehouseError } from '../kernel/errors.js';
import type { AgentStream } from '../kernel/handler.js';
import type { z } from 'zod';
import type { terminalControlSchema, TerminalEvent, TerminalSession } from './contract.js';
import { planLogin, type AccountFiles } from './login.js';
import { Outbox } from './outbox.js';
import { pendingInputBytes, spawnInPty, type IPty } from './pty.js';
import { Screen, loadScreenLibrary } from './screen.js';

export interface Size {
  readonly cols: number;
  readonly rows: number;
}

export interface LiveTerminalOptions {
  readonly id: string;
  readonly owner: string;
  readonly unixUser: string;
  readonly size: Size;
  readonly scrollback: number;
  /** Between SIGHUP and SIGKILL when a session is ended. */
  readonly killGraceMs: number;
  readonly accounts: AccountFiles;
  /** Called once, when the shell has exited. */
  readonly onEnded: (terminal: LiveTerminal) => void;
}

export interface ServeOutcome {
  /** True when the window went away (or another took over) and the shell lives on. */
  readonly detached: boolean;
  readonly exitCode: number | null;
}

/**
 * Bytes handed to the screen's parser that it may lag behind before the shell is paused, and where it is resumed
 * again. The screen hands over output in bulk (after a flood, for a snapshot or a resize): up to its backlog's
 * limit at once.
 */
const screenBacklogHigh = 512 * 1024;
const screenBacklogLow = 128 * 1024;
/**
 * Keystrokes held for a shell that is not reading them; beyond this no more input is taken from the channel,
 * so the console's credit runs out and a huge paste waits at its source. Re-checked every few ms (node-pty
 * has no drain event).
 */
const maxPendingInputBytes = 64 * 1024;
const inputRetryMs = 10;
/** Title events are sent at most this often: a program can set the title in a loop, and events have no credit. */
const titleEventIntervalMs = 100;

interface Attachment {
  readonly stream: AgentStream;
  readonly outbox: Outbox;
  /** Resolves when another window takes this session over. */
  readonly superseded: Promise<void>;
  supersede(): void;
  sentTitle: string;
}

export class LiveTerminal {
  readonly id: string;
  readonly owner: string;
  readonly unixUser: string;
  readonly startedAt = Date.now();
  readonly #pty: IPty;
  readonly #screen: Screen;
  readonly #options: LiveTerminalOptions;
  #lastActivityAt = Date.now();
  #title = '';
  #titleTimer: NodeJS.Timeout | undefined;
  #attachment: Attachment | undefined;
  #expiry: { timer: NodeJS.Timeout | undefined; at: number } | undefined;
  #killTimer: NodeJS.Timeout | undefined;
  /** Why the PTY is not being read (a full outbox, a lagging screen, a restore in progress); empty: reading. */
  readonly #holds = new Set<object>();
  #peakQueuedBytes = 0;
  #exitCode: number | undefined;
  readonly exited: Promise<number>;

  /** Start a login shell for `options.unixUser`; `not-found` when there is no such user. */
  static async start(options: LiveTerminalOptions): Promise<LiveTerminal> {
    await loadScreenLibrary();
    const plan = await planLogin(options.unixUser, options.accounts);
    const pty = await spawnInPty(plan, options.size);
    return new LiveTerminal(options, pty);
  }

  private constructor(options: LiveTerminalOptions, pty: IPty) {
    this.id = options.id;
    this.owner = options.owner;
    this.unixUser = options.unixUser;
    this.#options = options;
    this.#pty = pty;
    this.#screen = new Screen({ ...options.size, scrollback: options.scrollback, onTitle: (title) => this.#titleChanged(title) });
    this.#screen.onParsed = (backlog) => {
      if (backlog <= screenBacklogLow) this.#release(this.#screen);
    };
    // With encoding null node-pty delivers Buffers, whatever its typings say.
    pty.onData((data: string | Buffer) => this.#output(typeof data === 'string' ? Buffer.from(data, 'utf8') : data));
    this.exited = new Promise((resolve) => {
      pty.onExit(({ exitCode, signal }) => {
        // As a shell reports it: a death by signal N is 128 + N.
        const code = signal ? 128 + signal : exitCode;
        this.#ended(code);
        resolve(code);
      });
    });
  }

  get attached(): boolean {
    return this.#attachment !== undefined;
  }

  /**
   * Output bytes the agent holds for this terminal now and at most so far (for the window and in the screen's
   * parser); output its screen has not parsed yet (bounded, see unparsed-output.ts); keystrokes it holds; paused
   * or not.
   */
  get flow(): { queuedBytes: number; peakQueuedBytes: number; unparsedBytes: number; pendingInputBytes: number; paused: boolean } {
    const pendingInput = this.#exitCode === undefined ? pendingInputBytes(this.#pty) : 0;
    const paused = this.#holds.size > 0;
    return {
      queuedBytes: this.#queuedBytes(),
      peakQueuedBytes: this.#peakQueuedBytes,
      unparsedBytes: this.#screen.unparsed,
      pendingInputBytes: pendingInput,
      paused,
    };
  }

  describe(): TerminalSession {
    const iso = (ms: number) => new Date(ms).toISOString();
    return {
      id: this.id,
      unixUser: this.unixUser,
      owner: this.owner,
      startedAt: iso(this.startedAt),
      lastActivityAt: iso(this.#lastActivityAt),
      attached: this.attached,
      cols: this.#screen.cols,
      rows: this.#screen.rows,
      title: this.#title,
      expiresAt: this.#attachment || !this.#expiry ? null : iso(this.#expiry.at),
    };
  }

  /**
   * Show this terminal in a window until the window goes away (detached), another window takes over
   * (detached), or the shell exits. The window gets the `attached` event, then the screen as it stands, then
   * live output. `detachedForMs` is how long the shell then waits for someone to come back; 0 ends it at once.
   */
  async serve(stream: AgentStream, size: Size, restored: boolean, detachedForMs: number): Promise<ServeOutcome> {
    if (this.#exitCode !== undefined) throw new GatehouseError('not-found', 'The terminal session has ended', { session: this.id });
    // An on-call engineer reopening their shell from another window (or after a network change the console
    // has not noticed yet) expects to get it, not to be locked out: the older window is detached.
    this.#attachment?.supersede();
    const attachment = this.#attach(stream);
    this.#cancelExpiry();
    // Hold the PTY while the screen is taken, so the restored screen and the live output after it neither
    // overlap nor leave a gap.
    const restoring = {};
    this.#hold(restoring);
    const screen = await this.#screen.snapshot();
    const event: TerminalEvent = { type: 'attached', sessionId: this.id, restored, unixUser: this.unixUser, cols: this.#screen.cols, rows: this.#screen.rows };
    if (this.#attachment === attachment) {
      stream.sendEvent(event);
      attachment.outbox.push(screen);
      // The screen above is drawn at the old size; the window's own size applies from here on.
      if (size.cols !== this.#screen.cols || size.rows !== this.#screen.rows) this.#resize(size);
      this.#sendTitle(attachment);
    }
    this.#release(restoring);
    stream.onControl((message) => {
      // The dispatcher has checked the message against the contract's control schema.
      const control = message as z.output<typeof terminalControlSchema>;
      if (this.#attachment === attachment && control.type === 'resize') this.#resize(control);
    });
    void this.#readInput(attachment);
    return this.#outcome(attachment, detachedForMs);
  }

  /** End the session: SIGHUP (the shell hangs up its jobs), then SIGKILL if it is still there after the grace. */
  hangUp(): void {
    if (this.#exitCode !== undefined || this.#killTimer) return;
    this.#pty.kill('SIGHUP');
    this.#killTimer = setTimeout(() => this.#pty.kill('SIGKILL'), this.#options.killGraceMs);
    this.#killTimer.unref();
  }

  /** End at once (tests, shutdown); resolves when the shell has exited. */
  async kill(): Promise<void> {
    if (this.#exitCode === undefined) this.#pty.kill('SIGKILL');
    await this.exited;
  }

  #attach(stream: AgentStream): Attachment {
    let supersede = () => {};
    const superseded = new Promise<void>((resolve) => {
      supersede = resolve;
    });
    const outbox: Outbox = new Outbox(stream, { full: () => this.#hold(outbox), room: () => this.#release(outbox) });
    const attachment: Attachment = { stream, outbox, superseded, supersede, sentTitle: '' };
    this.#attachment = attachment;
    return attachment;
  }

  async #outcome(attachment: Attachment, detachedForMs: number): Promise<ServeOutcome> {
    const { signal } = attachment.stream;
    let onAbort = () => {};
    const aborted = new Promise<'gone'>((resolve) => {
      onAbort = () => resolve('gone');
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      const first = await Promise.race([aborted, attachment.superseded.then(() => 'gone' as const), this.exited]);
      if (first !== 'gone') {
        // Everything the shell printed before it exited reaches the window before the result does.
        await Promise.race([attachment.outbox.flushed(), aborted, attachment.superseded]);
        attachment.outbox.close();
        return { detached: false, exitCode: first };
      }
      attachment.outbox.close();
      if (this.#attachment === attachment) {
        this.#attachment = undefined;
        if (this.#exitCode === undefined) this.#startExpiry(detachedForMs);
      }
      return this.#exitCode === undefined ? { detached: true, exitCode: null } : { detached: false, exitCode: this.#exitCode };
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  async #readInput(attachment: Attachment): Promise<void> {
    try {
      for await (const chunk of attachment.stream.chunks()) {
        if (this.#attachment !== attachment || this.#exitCode !== undefined) break;
        this.#lastActivityAt = Date.now();
        // Bytes go to the PTY as they came: a UTF-8 character split across two chunks is whole again there.
        this.#pty.write(chunk);
        while (pendingInputBytes(this.#pty) > maxPendingInputBytes && this.#attachment === attachment && this.#exitCode === undefined) {
          await new Promise((resolve) => setTimeout(resolve, inputRetryMs));
        }
      }
    } catch {
      // The channel was cancelled; #outcome sees that on the stream's signal.
    }
  }

  #output(bytes: Buffer): void {
    this.#lastActivityAt = Date.now();
    this.#screen.feed(bytes);
    if (this.#screen.backlog > screenBacklogHigh) this.#hold(this.#screen);
    this.#attachment?.outbox.push(bytes);
    this.#peakQueuedBytes = Math.max(this.#peakQueuedBytes, this.#queuedBytes());
  }

  #queuedBytes(): number {
    return this.#screen.backlog + (this.#attachment?.outbox.bytes ?? 0);
  }

  #resize(size: Size): void {
    if (this.#exitCode !== undefined) return;
    try {
      this.#pty.resize(size.cols, size.rows);
    } catch {
      return; // the PTY closed under us; the exit follows
    }
    this.#screen.resize(size.cols, size.rows);
  }

  #hold(reason: object): void {
    if (this.#holds.size === 0 && this.#exitCode === undefined) this.#pty.pause();
    this.#holds.add(reason);
  }

  #release(reason: object): void {
    if (!this.#holds.delete(reason)) return;
    if (this.#holds.size === 0 && this.#exitCode === undefined) this.#pty.resume();
  }

  #titleChanged(title: string): void {
    this.#title = title;
    this.#titleTimer ??= setTimeout(() => {
      this.#titleTimer = undefined;
      if (this.#attachment) this.#sendTitle(this.#attachment);
    }, titleEventIntervalMs);
  }

  #sendTitle(attachment: Attachment): void {
    if (attachment.sentTitle === this.#title) return;
    attachment.sentTitle = this.#title;
    attachment.stream.sendEvent({ type: 'title', title: this.#title } satisfies TerminalEvent);
  }

  #startExpiry(ms: number): void {
    if (ms <= 0) {
      this.#expiry = { timer: undefined, at: Date.now() };
      this.hangUp();
      return;
    }
    const timer = setTimeout(() => this.hangUp(), ms);
    timer.unref();
    this.#expiry = { timer, at: Date.now() + ms };
  }

  #cancelExpiry(): void {
    clearTimeout(this.#expiry?.timer);
    this.#expiry = undefined;
  }

  #ended(code: number): void {
    this.#exitCode = code;
    clearTimeout(this.#killTimer);
    clearTimeout(this.#titleTimer);
    this.#cancelExpiry();
    this.#screen.dispose();
    this.#options.onEnded(this);
  }
}
