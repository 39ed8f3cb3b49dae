/**
 * Credit-based flow control for stream channels, used by both ends.
 *
 * A sender may have at most `window` bytes unacknowledged; the receiver grants more credit as its consumer
 * takes bytes away. That bounds memory per channel at both ends and makes a slow reader slow the source,
 * instead of queueing without limit in a socket buffer.
 */

/** The sending side: spend credit before sending, wait when there is none. */
export class SendCredit {
  #available: number;
  #waiters: Array<() => void> = [];
  #closed = false;

  constructor(initialBytes: number) {
    this.#available = initialBytes;
  }

  get available(): number {
    return this.#available;
  }

  /**
   * Wait until `bytes` of credit are available (or the channel closes), then spend them. Callers send chunks of
   * at most maxDataChunkBytes, far below any window, so a chunk always fits once the receiver catches up.
   */
  async spend(bytes: number): Promise<void> {
    while (!this.#closed && this.#available < bytes) {
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
    if (this.#closed) throw new Error('channel closed');
    this.#available -= bytes;
  }

  grant(bytes: number): void {
    this.#available += bytes;
    this.#wake();
  }

  close(): void {
    this.#closed = true;
    this.#wake();
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}

/**
 * The receiving side: count bytes the consumer has taken and say when to grant credit back.
 * Credit is returned in batches of a quarter window so a fast stream does not send a credit frame per chunk.
 */
export class ReceiveCredit {
  readonly window: number;
  #consumedSinceGrant = 0;
  #outstanding = 0;

  constructor(window: number) {
    this.window = window;
  }

  /** Bytes arrived from the sender; false when the sender overran its credit (a protocol violation). */
  received(bytes: number): boolean {
    this.#outstanding += bytes;
    return this.#outstanding <= this.window;
  }

  /** The consumer took `bytes`; returns how much credit to grant now (0 for not yet). */
  consumed(bytes: number): number {
    this.#outstanding -= bytes;
    this.#consumedSinceGrant += bytes;
    if (this.#consumedSinceGrant >= this.window / 4) {
      const grant = this.#consumedSinceGrant;
      this.#consumedSinceGrant = 0;
      return grant;
    }
    return 0;
  }
}

/** An unbounded-in-type but credit-bounded-in-practice queue of chunks with an async iterator. */
export class ChunkQueue {
  #chunks: Buffer[] = [];
  #waiter: (() => void) | undefined;
  #ended = false;
  #error: Error | undefined;

  push(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#wake();
  }

  end(): void {
    this.#ended = true;
    this.#wake();
  }

  fail(error: Error): void {
    this.#error = error;
    this.#wake();
  }

  /** Next chunk, or undefined at the end; throws if the stream failed. */
  async next(): Promise<Buffer | undefined> {
    for (;;) {
      if (this.#error) throw this.#error;
      const chunk = this.#chunks.shift();
      if (chunk) return chunk;
      if (this.#ended) return undefined;
      await new Promise<void>((resolve) => {
        this.#waiter = resolve;
      });
    }
  }

  #wake(): void {
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.();
  }
}
