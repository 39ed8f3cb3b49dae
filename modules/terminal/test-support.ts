/**
 * Shared by the terminal module's tests: an in-memory stand-in for the wire (one duplex channel as the agent's
 * handler sees it), and a way to open sessions through the contract as the agent's dispatcher does. The
 * shells are real; only the console at the far end is simulated. Not imported by the agent.
 */
import type { CallContext, AgentStream } from '../kernel/handler.js';
import { agentPolicySchema, type AgentPolicy } from '../kernel/policy.js';
import { GatehouseError } from '../kernel/errors.js';
import { terminalHandlers } from './agent.js';
import { contract, terminalControlSchema, terminalEventSchema, type TerminalEvent } from './contract.js';
import { TerminalSessions, type TerminalSessionsOptions } from './sessions.js';

/**
 * Stands in for the wire and the console behind it. Output the handler writes is kept (copied, as the socket
 * would); a write waits while the test has granted less credit than it needs, as on a real channel. Input
 * typed by the test arrives through `chunks()`; control messages go through the contract's schema; events
 * are checked against it and recorded. `abort()` is the window going away.
 */
export class WireStandIn {
  readonly stream: AgentStream;
  readonly events: TerminalEvent[] = [];
  readonly #controller = new AbortController();
  readonly #output: Buffer[] = [];
  #outputBytes = 0;
  #credit: number;
  #creditWaiters: Array<() => void> = [];
  #outputWaiters: Array<() => void> = [];
  readonly #input: Buffer[] = [];
  #inputWaiter: (() => void) | undefined;
  readonly #controlListeners: Array<(message: unknown) => void> = [];

  /** `credit`: bytes the far end accepts before the test grants more; unlimited by default. */
  constructor(credit = Number.POSITIVE_INFINITY) {
    this.#credit = credit;
    const signal = this.#controller.signal;
    const wire = this;
    this.stream = {
      signal,
      async write(chunk) {
        while (wire.#credit < chunk.byteLength && !signal.aborted) {
          await new Promise<void>((resolve) => wire.#creditWaiters.push(resolve));
        }
        if (signal.aborted) throw new GatehouseError('cancelled', 'the transfer was cancelled');
        wire.#credit -= chunk.byteLength;
        wire.#output.push(Buffer.from(chunk));
        wire.#outputBytes += chunk.byteLength;
        wire.#wake('output');
      },
      async *chunks() {
        for (;;) {
          if (signal.aborted) throw new GatehouseError('cancelled', 'the transfer was cancelled');
          const chunk = wire.#input.shift();
          if (chunk) {
            yield chunk;
            continue;
          }
          await new Promise<void>((resolve) => {
            wire.#inputWaiter = resolve;
          });
        }
      },
      onControl(listener) {
        wire.#controlListeners.push(listener);
      },
      sendEvent(message) {
        if (!signal.aborted) wire.events.push(terminalEventSchema.parse(message));
      },
    };
  }

  /** Everything the agent has written so far. */
  get output(): Buffer {
    return Buffer.concat(this.#output);
  }

  get outputBytes(): number {
    return this.#outputBytes;
  }

  /** Bytes typed that the handler has not taken yet: input held back at its source. */
  get inputWaiting(): number {
    return this.#input.reduce((sum, chunk) => sum + chunk.byteLength, 0);
  }

  get text(): string {
    return this.output.toString('utf8');
  }

  grant(bytes: number): void {
    this.#credit += bytes;
    this.#wake('credit');
  }

  /** Keystrokes from the browser. */
  type(input: string | Buffer): void {
    this.#input.push(typeof input === 'string' ? Buffer.from(input, 'utf8') : input);
    const wake = this.#inputWaiter;
    this.#inputWaiter = undefined;
    wake?.();
  }

  control(message: unknown): void {
    const parsed = terminalControlSchema.parse(message);
    for (const listener of this.#controlListeners) listener(parsed);
  }

  /** The window went away: the channel is cancelled, as when the console sends `close` or the link drops. */
  abort(): void {
    this.#controller.abort(new GatehouseError('cancelled', 'the window went away'));
    this.#wake('credit');
    this.#wake('output');
    const wake = this.#inputWaiter;
    this.#inputWaiter = undefined;
    wake?.();
  }

  /** Wait until the output (from byte `from` on) matches; fails after `timeoutMs` showing what did arrive. */
  async waitFor(pattern: RegExp | string, { from = 0, timeoutMs = 10_000 } = {}): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const matches = () => {
      const text = this.output.subarray(from).toString('utf8');
      return typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text);
    };
    while (!matches()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${String(pattern)} in the output; got: ${JSON.stringify(this.text.slice(-500))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#outputWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  #wake(which: 'credit' | 'output'): void {
    const waiters = which === 'credit' ? this.#creditWaiters : this.#outputWaiters;
    if (which === 'credit') this.#creditWaiters = [];
    else this.#outputWaiters = [];
    for (const wake of waiters) wake();
  }
}

export function contextFor(actor: string | undefined, policy: Partial<AgentPolicy> = {}): CallContext {
  return { policy: agentPolicySchema.parse(policy), signal: new AbortController().signal, actor };
}

/** A fresh set of sessions and handlers over it, with every session killed by `cleanUp`. */
export function terminalFixture(options: TerminalSessionsOptions = {}) {
  const sessions = new TerminalSessions({ killGraceMs: 500, ...options });
  const handlers = terminalHandlers(sessions);
  const spec = contract.streams.session;
  return {
    sessions,
    handlers,
    /** Open a session stream as the dispatcher does: params parsed by the contract, the result checked too. */
    async open(params: Record<string, unknown>, wire: WireStandIn, context: CallContext) {
      const result = await handlers.streams.session(spec.params.parse(params), wire.stream, context);
      return spec.result.parse(result);
    },
    cleanUp: () => sessions.killAll(),
  };
}

/** Wait until `condition` holds, checking every 20 ms; fails after `timeoutMs` with `what`. */
export async function eventually(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
