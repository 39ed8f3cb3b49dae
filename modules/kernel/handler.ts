/**
 * What a module's agent handler implements: one async function per method and per stream in its contract.
 * The agent's dispatcher validates params before and results after, so handlers receive parsed input.
 */
import type { z } from 'zod';
import type { ModuleContract } from './contract.js';
import type { AgentPolicy } from './policy.js';

export interface CallContext {
  readonly policy: AgentPolicy;
  /** Aborted when the caller goes away or the call times out. */
  readonly signal: AbortSignal;
  readonly actor: string | undefined;
}

/** The agent's end of a stream channel. Writes wait for credit, so a slow reader slows the source. */
export interface AgentStream {
  /** Send bytes to the console (download); resolves once the bytes are on the wire within the credit window. */
  write(chunk: Buffer): Promise<void>;
  /** Bytes sent by the console (upload), ending when the console says `done`. */
  chunks(): AsyncIterable<Buffer>;
  /** Receive the stream's control messages, already checked against its contract's `control` schema. */
  onControl(listener: (message: unknown) => void): void;
  /** Send an event message (checked by the console against the contract's `event` schema). */
  sendEvent(message: unknown): void;
  readonly signal: AbortSignal;
}

type Methods<C extends ModuleContract> = {
  [K in keyof C['methods']]: (
    params: z.output<C['methods'][K]['params']>,
    context: CallContext,
  ) => Promise<z.input<C['methods'][K]['result']>>;
};

type Streams<C extends ModuleContract> = {
  [K in keyof C['streams']]: (
    params: z.output<C['streams'][K]['params']>,
    stream: AgentStream,
    context: CallContext,
  ) => Promise<z.input<C['streams'][K]['result']>>;
};

export interface ModuleHandlers<C extends ModuleContract = ModuleContract> {
  readonly contract: C;
  readonly methods: Methods<C>;
  readonly streams: Streams<C>;
}

/** Bind a contract to its handlers; the types make a missing or misspelt method a compile error. */
export function defineHandlers<C extends ModuleContract>(
  contract: C,
  handlers: { methods: Methods<C>; streams?: Streams<C> },
): ModuleHandlers<C> {
  return { contract, methods: handlers.methods, streams: (handlers.streams ?? {}) as Streams<C> };
}
