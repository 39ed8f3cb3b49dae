/**
 * The terminals alive in this agent process, attached or detached, and the bounds on them. Sessions live in
 * memory only: when the agent stops, its PTYs close and the shells get SIGHUP from the kernel.
 */
import { randomInt } from 'node:crypto';
import { GatehouseError } from '../kernel/errors.js';
import type { AgentPolicy } from '../kernel/policy.js';
import type { TerminalSession } from './contract.js';
import { LiveTerminal, type Size } from './live-terminal.js';
import { hostAccountFiles, type AccountFiles } from './login.js';

export interface TerminalSessionsOptions {
  /** Most sessions at once on this agent; more are `rate-limited`. */
  readonly maxSessions?: number;
  /** Lines of scrollback each session's screen keeps for a restore. */
  readonly scrollback?: number;
  /** Between SIGHUP and SIGKILL when a session is ended. */
  readonly killGraceMs?: number;
  /** Overrides the policy's `terminalDetachedMinutes`, so tests can wait less than a minute. */
  readonly detachedForMs?: number;
  readonly accounts?: AccountFiles;
}

export const defaultMaxSessions = 32;
export const defaultScrollback = 1000;
export const defaultKillGraceMs = 3000;

const idAlphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';

export class TerminalSessions {
  readonly #live = new Map<string, LiveTerminal>();
  /** Sessions being started (reading passwd, spawning), counted against the limit. */
  #starting = 0;
  readonly #maxSessions: number;
  readonly #scrollback: number;
  readonly #killGraceMs: number;
  readonly #detachedForMs: number | undefined;
  readonly #accounts: AccountFiles;

  constructor(options: TerminalSessionsOptions = {}) {
    this.#maxSessions = options.maxSessions ?? defaultMaxSessions;
    this.#scrollback = options.scrollback ?? defaultScrollback;
    this.#killGraceMs = options.killGraceMs ?? defaultKillGraceMs;
    this.#detachedForMs = options.detachedForMs;
    this.#accounts = options.accounts ?? hostAccountFiles;
  }

  /** Start a login shell as `unixUser` for `owner`; `not-found` for an unknown user, `rate-limited` when full. */
  async start(unixUser: string, size: Size, owner: string): Promise<LiveTerminal> {
    if (this.#live.size + this.#starting >= this.#maxSessions) {
      throw new GatehouseError('rate-limited', `This host already has ${this.#maxSessions} terminal sessions; close one first`);
    }
    this.#starting += 1;
    try {
      const terminal = await LiveTerminal.start({
        id: this.#newId(),
        owner,
        unixUser,
        size,
        scrollback: this.#scrollback,
        killGraceMs: this.#killGraceMs,
        accounts: this.#accounts,
        onEnded: (ended) => {
          if (this.#live.get(ended.id) === ended) this.#live.delete(ended.id);
        },
      });
      this.#live.set(terminal.id, terminal);
      return terminal;
    } finally {
      this.#starting -= 1;
    }
  }

  /**
   * A session `actor` may re-attach to: `not-found` when there is none (it may have ended), `forbidden` when
   * someone else opened it. The console checks roles; this stops one user's shell reaching another's window
   * even if the console's own check were wrong.
   */
  forReattach(id: string, actor: string | undefined): LiveTerminal {
    const terminal = this.#live.get(id);
    if (!terminal) throw new GatehouseError('not-found', 'No such terminal session; it may have ended', { session: id });
    if (actor === undefined || terminal.owner !== actor) {
      throw new GatehouseError('forbidden', 'This terminal session belongs to another user', { session: id });
    }
    return terminal;
  }

  /** Every session, of every owner (the console shows each user their own). */
  list(): TerminalSession[] {
    return [...this.#live.values()].map((terminal) => terminal.describe());
  }

  /** End a session (SIGHUP, then SIGKILL); `not-found` when there is none. */
  close(id: string): void {
    const terminal = this.#live.get(id);
    if (!terminal) throw new GatehouseError('not-found', 'No such terminal session; it may have ended', { session: id });
    terminal.hangUp();
  }

  /** How long a detached session waits for its owner under `policy`. */
  detachedForMs(policy: AgentPolicy): number {
    return this.#detachedForMs ?? policy.terminalDetachedMinutes * 60_000;
  }

  /** The session by id, whoever owns it; for tests and diagnostics. */
  get(id: string): LiveTerminal | undefined {
    return this.#live.get(id);
  }

  /** Kill every session and wait until each has exited. */
  async killAll(): Promise<void> {
    await Promise.all([...this.#live.values()].map((terminal) => terminal.kill()));
  }

  #newId(): string {
    for (;;) {
      let id = 't_';
      for (let i = 0; i < 16; i++) id += idAlphabet[randomInt(idAlphabet.length)];
      if (!this.#live.has(id)) return id;
    }
  }
}
