/**
 * The console's end of one stream channel to an agent.
 * Download: bytes from the agent are handed to a web ReadableStream; credit goes back only as its reader
 * takes them, so a slow browser slows the agent's disk read instead of filling the console's memory.
 * Upload: bytes go to the agent only within the credit it grants.
 */
import type { z } from 'zod';
import { ChunkQueue, ReceiveCredit, SendCredit } from '../../../modules/kernel/flow.js';
import { GatehouseError } from '../../../modules/kernel/errors.js';
import { encodeDataFrame, initialStreamWindowBytes, maxDataChunkBytes, type Problem } from '../../../modules/kernel/wire.js';

export interface ChannelWire {
  sendBinary(frame: Buffer): void;
  sendFrame(
    frame:
      | { type: 'credit'; channel: number; bytes: number }
      | { type: 'done'; channel: number }
      | { type: 'close'; channel: number }
      | { type: 'control'; channel: number; message: unknown },
  ): void;
}

export class ConsoleChannel {
  readonly number: number;
  /** Resolves with the agent's result when the channel closes cleanly; rejects with its problem otherwise. */
  readonly result: Promise<unknown>;
  readonly #wire: ChannelWire;
  readonly #send = new SendCredit(initialStreamWindowBytes);
  readonly #receive = new ReceiveCredit(initialStreamWindowBytes);
  readonly #incoming = new ChunkQueue();
  readonly #eventListeners: Array<(message: unknown) => void> = [];
  #eventSchema: z.ZodType | undefined;
  #settle!: { resolve: (value: unknown) => void; reject: (err: GatehouseError) => void };
  #closed = false;
  readonly readable: ReadableStream<Uint8Array>;

  constructor(number: number, wire: ChannelWire) {
    this.number = number;
    this.#wire = wire;
    this.result = new Promise((resolve, reject) => {
      this.#settle = { resolve, reject };
    });
    // A channel whose result nobody awaits (e.g. a download the browser abandoned) must not crash the process.
    this.result.catch(() => undefined);
    this.readable = new ReadableStream<Uint8Array>(
      {
        // Called only when the reader wants more (highWaterMark 0): that is when credit goes back to the agent.
        pull: async (controller) => {
          try {
            const chunk = await this.#incoming.next();
            if (!chunk) {
              controller.close();
              return;
            }
            controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
            const grant = this.#receive.consumed(chunk.byteLength);
            if (grant > 0 && !this.#closed) this.#wire.sendFrame({ type: 'credit', channel: this.number, bytes: grant });
          } catch (err) {
            controller.error(err);
          }
        },
        cancel: () => this.cancel('the reader went away'),
      },
      { highWaterMark: 0 },
    );
  }

  /** Data from the agent (download). False when the agent overran its credit. */
  receive(payload: Buffer): boolean {
    if (this.#closed) return true;
    if (!this.#receive.received(payload.byteLength)) return false;
    this.#incoming.push(payload);
    return true;
  }

  /** Send bytes to the agent (upload), waiting for its credit. */
  async write(chunk: Uint8Array): Promise<void> {
    for (let offset = 0; offset < chunk.byteLength; offset += maxDataChunkBytes) {
      const piece = chunk.subarray(offset, offset + maxDataChunkBytes);
      await this.#send.spend(piece.byteLength);
      if (this.#closed) throw new GatehouseError('cancelled', 'the transfer ended early');
      this.#wire.sendBinary(encodeDataFrame(this.number, piece));
    }
  }

  /** A control message for the agent's handler (e.g. a terminal resize). */
  sendControl(message: unknown): void {
    if (!this.#closed) this.#wire.sendFrame({ type: 'control', channel: this.number, message });
  }

  /** Events from the agent's handler that passed the contract's `event` schema. */
  onEvent(listener: (message: unknown) => void): void {
    this.#eventListeners.push(listener);
  }

  /** Events reach listeners only when they match this schema (the stream's contract); agents are untrusted. */
  checkEventsWith(schema: z.ZodType | undefined): void {
    this.#eventSchema = schema;
  }

  /** An event frame arrived from the agent. */
  event(message: unknown): void {
    const parsed = this.#eventSchema?.safeParse(message);
    if (!parsed?.success) return;
    for (const listener of this.#eventListeners) listener(parsed.data);
  }

  /** No more bytes from this side. */
  end(): void {
    if (!this.#closed) this.#wire.sendFrame({ type: 'done', channel: this.number });
  }

  grant(bytes: number): void {
    this.#send.grant(bytes);
  }

  /** The agent closed the channel with a result or a problem. */
  closedByAgent(result: unknown, problem: Problem | undefined): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#send.close();
    if (problem) {
      const error = new GatehouseError(problem.code, problem.message);
      this.#incoming.fail(error);
      this.#settle.reject(error);
    } else {
      // Data frames were sent before the close frame on the same socket, so the queue already holds them all.
      this.#incoming.end();
      this.#settle.resolve(result);
    }
  }

  /** Cancel from the console side (reader gone, request aborted, agent lost). */
  cancel(reason: string, notifyAgent = true): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#send.close();
    if (notifyAgent) this.#wire.sendFrame({ type: 'close', channel: this.number });
    const error = new GatehouseError('cancelled', reason);
    this.#incoming.fail(error);
    this.#settle.reject(error);
  }
}
