/**
 * Output on its way to one attached window: the shell's small reads coalesced into writes of up to 64 KiB,
 * one write at a time, each waiting for the console's credit.
 *
 * The outbox never holds much. When a write is waiting and a whole next write has piled up behind it, it says
 * `full` and the session stops reading the PTY; the kernel's PTY buffer then fills and the program printing
 * blocks in write(2). So a flood costs the agent at most about three writes' worth of memory, and the
 * program runs exactly as fast as the far end reads.
 */
import type { AgentStream } from '../kernel/handler.js';
import { maxDataChunkBytes } from '../kernel/wire.js';

/** One data frame's payload: a write never spans frames, so credit is spent frame by frame. */
export const maxWriteBytes = maxDataChunkBytes;

export interface OutboxHooks {
  /** A write is waiting and the next one is full: stop reading output. */
  full(): void;
  /** Room again (also called when the outbox closes while full). */
  room(): void;
}

export class Outbox {
  readonly #stream: AgentStream;
  readonly #hooks: OutboxHooks;
  #chunks: Buffer[] = [];
  /** Bytes pushed and not yet handed to the stream. */
  #queued = 0;
  /** Bytes handed to the stream whose write has not resolved. */
  #inFlight = 0;
  #full = false;
  #closed = false;
  #wake: (() => void) | undefined;
  #flushWaiters: Array<() => void> = [];

  constructor(stream: AgentStream, hooks: OutboxHooks) {
    this.#stream = stream;
    this.#hooks = hooks;
    void this.#pump();
  }

  /** Bytes the agent holds for this window: waiting plus being written. */
  get bytes(): number {
    return this.#queued + this.#inFlight;
  }

  push(chunk: Buffer): void {
    if (this.#closed || chunk.byteLength === 0) return;
    this.#chunks.push(chunk);
    this.#queued += chunk.byteLength;
    this.#checkFull();
    this.#wakePump();
  }

  /** Resolves once everything pushed so far is written, or the outbox is closed. */
  flushed(): Promise<void> {
    if (this.#closed || this.bytes === 0) return Promise.resolve();
    return new Promise((resolve) => this.#flushWaiters.push(resolve));
  }

  /** Stop: what is queued is dropped (the session's screen already has it), and the PTY is not held. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#chunks = [];
    this.#queued = 0;
    this.#checkFull();
    this.#wakePump();
    this.#settleFlushWaiters();
  }

  async #pump(): Promise<void> {
    while (!this.#closed) {
      if (this.#queued === 0) {
        this.#settleFlushWaiters();
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
        });
        continue;
      }
      const piece = this.#take(maxWriteBytes);
      this.#inFlight = piece.byteLength;
      this.#checkFull();
      try {
        await this.#stream.write(piece);
      } catch {
        // The channel was cancelled; the session sees that on the stream's signal and detaches.
        this.close();
      } finally {
        this.#inFlight = 0;
        this.#checkFull();
      }
    }
  }

  /** Up to `limit` bytes from the front of the queue, as one buffer. */
  #take(limit: number): Buffer {
    const taken: Buffer[] = [];
    let size = 0;
    while (size < limit && this.#chunks.length > 0) {
      const chunk = this.#chunks[0]!;
      const room = limit - size;
      if (chunk.byteLength <= room) {
        this.#chunks.shift();
        taken.push(chunk);
        size += chunk.byteLength;
      } else {
        taken.push(chunk.subarray(0, room));
        this.#chunks[0] = chunk.subarray(room);
        size += room;
      }
    }
    this.#queued -= size;
    return taken.length === 1 ? taken[0]! : Buffer.concat(taken, size);
  }

  #checkFull(): void {
    const full = !this.#closed && this.#inFlight > 0 && this.#queued >= maxWriteBytes;
    if (full === this.#full) return;
    this.#full = full;
    if (full) this.#hooks.full();
    else this.#hooks.room();
  }

  #wakePump(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  #settleFlushWaiters(): void {
    const waiters = this.#flushWaiters;
    this.#flushWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
