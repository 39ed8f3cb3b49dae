/**
 * The agent's end of one stream channel: bytes out within the console's credit, bytes in within ours.
 */
import { ChunkQueue, ReceiveCredit, SendCredit } from '../modules/kernel/flow.js';
import { GatehouseError } from '../modules/kernel/errors.js';
import type { AgentStream } from '../modules/kernel/handler.js';
import { encodeDataFrame, initialStreamWindowBytes, maxDataChunkBytes } from '../modules/kernel/wire.js';

export interface ChannelSink {
  sendBinary(frame: Buffer): void;
  sendCredit(channel: number, bytes: number): void;
  sendEvent(channel: number, message: unknown): void;
}

export class AgentChannel implements AgentStream {
  readonly number: number;
  readonly #sink: ChannelSink;
  readonly #sendCredit = new SendCredit(initialStreamWindowBytes);
  readonly #receiveCredit = new ReceiveCredit(initialStreamWindowBytes);
  readonly #incoming = new ChunkQueue();
  readonly #abort = new AbortController();
  readonly #controlListeners: Array<(message: unknown) => void> = [];

  constructor(number: number, sink: ChannelSink) {
    this.number = number;
    this.#sink = sink;
  }

  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  async write(chunk: Buffer): Promise<void> {
    for (let offset = 0; offset < chunk.byteLength; offset += maxDataChunkBytes) {
      const piece = chunk.subarray(offset, offset + maxDataChunkBytes);
      await this.#sendCredit.spend(piece.byteLength);
      if (this.#abort.signal.aborted) throw new GatehouseError('cancelled', 'the transfer was cancelled');
      this.#sink.sendBinary(encodeDataFrame(this.number, piece));
    }
  }

  async *chunks(): AsyncIterable<Buffer> {
    for (;;) {
      const chunk = await this.#incoming.next();
      if (!chunk) return;
      yield chunk;
      const grant = this.#receiveCredit.consumed(chunk.byteLength);
      if (grant > 0 && !this.#abort.signal.aborted) this.#sink.sendCredit(this.number, grant);
    }
  }

  onControl(listener: (message: unknown) => void): void {
    this.#controlListeners.push(listener);
  }

  sendEvent(message: unknown): void {
    if (!this.#abort.signal.aborted) this.#sink.sendEvent(this.number, message);
  }

  /** A control message from the console, handed to the handler's listeners. */
  control(message: unknown): void {
    for (const listener of this.#controlListeners) listener(message);
  }

  /** Bytes from the console; false when it sent more than we granted. */
  receive(payload: Buffer): boolean {
    if (!this.#receiveCredit.received(payload.byteLength)) return false;
    this.#incoming.push(payload);
    return true;
  }

  grant(bytes: number): void {
    this.#sendCredit.grant(bytes);
  }

  /** The console has sent all its bytes. */
  end(): void {
    this.#incoming.end();
  }

  /** Cancelled by the console or lost with the connection. */
  cancel(reason: string): void {
    if (this.#abort.signal.aborted) return;
    this.#abort.abort(new GatehouseError('cancelled', reason));
    this.#incoming.fail(new GatehouseError('cancelled', reason));
    this.#sendCredit.close();
  }
}
