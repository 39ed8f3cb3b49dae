/**
 * Output on its way to one attached window: the shell's small reads coalesced into writes of up to 64 KiB,
 * one write at a time, each waiting for the console's credit.
 *
 * A PTY is read at most 4 KiB at a time (often far less), and every write costs a frame at each hop (agent,
 * console, browser), so during a flood the frames, not the bytes, are what cost. Output that arrives as part
 * of a burst — more than `burstBytes` with no pause of `pauseMs` — waits up to `lingerMs` for more, and goes
 * out once a whole write has gathered or the time is up. Anything else (a keystroke's echo, a prompt, the
 * first screenful of a command's output, a restored screen) goes out at once, so typing is never delayed.
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
/** Output beyond this much in one burst is a flood (a screenful of a wide terminal is about 10 KiB). */
export const burstBytes = 16 * 1024;
/** A pause this long between reads ends a burst. */
export const pauseMs = 5;
/** Longest a flood's reads wait to be gathered into one write. */
export const lingerMs = 2;

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
  /** Set while reads are being gathered: the pump is not woken until it fires or a write's worth is there. */
  #linger: NodeJS.Timeout | undefined;
  /** Bytes pushed since the last pause of `pauseMs`, and when the last push was (performance.now()). */
  #burst = 0;
  #lastPushAt = Number.NEGATIVE_INFINITY;
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
    const now = performance.now();
    const continuing = now - this.#lastPushAt < pauseMs;
    this.#lastPushAt = now;
    this.#burst = continuing ? this.#burst + chunk.byteLength : chunk.byteLength;
    if (!continuing || this.#burst <= burstBytes || this.#queued >= maxWriteBytes) {
      this.#wakePump();
    } else if (this.#wake && !this.#linger) {
      // Only an idle pump is held back: a busy one takes what has gathered when its write is done.
      this.#linger = setTimeout(() => {
        this.#linger = undefined;
        this.#wakePump();
      }, lingerMs);
    }
  }

  /** Resolves once everything pushed so far is written, or the outbox is closed. */
  flushed(): Promise<void> {
    if (this.#closed || this.bytes === 0) return Promise.resolve();
    this.#wakePump();
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
    clearTimeout(this.#linger);
    this.#linger = undefined;
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
