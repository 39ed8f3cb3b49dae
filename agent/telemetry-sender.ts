/**
 * The telemetry send loop for one console connection: replays the on-disk queue oldest first, then sends each
 * new batch as it is queued. A window (frames and bytes not yet acknowledged) lets a long backlog replay quickly
 * without flooding a slow link. Nothing leaves the queue until the console acknowledges it; on detach whatever
 * was in flight stays queued and is sent again on the next attach (the console de-duplicates by stream and seq).
 */
import type { TelemetryBatch, TelemetryLoss } from '../modules/kernel/telemetry.js';
import { maxBatchesPerFrame, telemetryFrameTargetBytes } from '../modules/kernel/telemetry.js';
import { log } from './log.js';
import type { TelemetryQueue } from './telemetry-queue.js';

export interface TelemetryFrameOut {
  stream: string;
  batches: TelemetryBatch[];
  loss?: TelemetryLoss;
}
export type SendTelemetry = (frame: TelemetryFrameOut) => void;

export interface TelemetrySenderOptions {
  /** Frames sent and not yet acknowledged, at most (default 8). */
  maxFramesInFlight?: number;
  /** Bytes (as stored) sent and not yet acknowledged, at most (default 1 MiB); one frame may exceed it alone. */
  maxBytesInFlight?: number;
}

interface InFlight {
  lastSeq: number;
  bytes: number;
}

export class TelemetrySender {
  readonly #queue: TelemetryQueue;
  readonly #maxFrames: number;
  readonly #maxBytes: number;
  #send: SendTelemetry | undefined;
  #unsubscribe: (() => void) | undefined;
  /** Bumped on every attach and detach, so a read that straddles one is not sent on the wrong connection. */
  #generation = 0;
  #inFlight: InFlight[] = [];
  #inFlightBytes = 0;
  /** The last seq sent on this connection; the next frame starts after it. */
  #sentThrough = -1;
  /** A loss report sent with a frame whose ack has not come yet; given back to the queue if the link drops. */
  #lossInFlight: { loss: TelemetryLoss; seq: number } | undefined;
  #pumping = false;
  #again = false;

  constructor(queue: TelemetryQueue, options: TelemetrySenderOptions = {}) {
    this.#queue = queue;
    this.#maxFrames = options.maxFramesInFlight ?? 8;
    this.#maxBytes = options.maxBytesInFlight ?? telemetryFrameTargetBytes;
  }

  /** A connection is up: replay what is queued, then keep sending new batches as they are queued. */
  attach(send: SendTelemetry): void {
    this.detach();
    this.#generation += 1;
    this.#send = send;
    this.#unsubscribe = this.#queue.onAppended(() => void this.#pump());
    void this.#pump();
  }

  /** The console's `telemetry-ack`: it stored every batch of `stream` up to and including `seq`. */
  acknowledged(stream: string, seq: number): void {
    if (stream !== this.#queue.stream) {
      log.warn('telemetry ack for another stream ignored', { stream, expected: this.#queue.stream });
      return;
    }
    if (!Number.isSafeInteger(seq) || seq < 0) return;
    while (this.#inFlight[0] && this.#inFlight[0].lastSeq <= seq) {
      this.#inFlightBytes -= (this.#inFlight.shift() as InFlight).bytes;
    }
    // The console may hold batches from an earlier connection that this one has not sent yet: skip them.
    if (this.#send && seq > this.#sentThrough) this.#sentThrough = seq;
    if (this.#lossInFlight && seq >= this.#lossInFlight.seq) this.#lossInFlight = undefined;
    this.#queue.acknowledge(seq).then(
      () => this.#pump(),
      (err: unknown) => log.error('could not record a telemetry ack', { message: (err as Error).message }),
    );
  }

  /** The connection is gone: what was in flight stays queued for the next attach. */
  detach(): void {
    if (!this.#send) return;
    this.#generation += 1;
    this.#send = undefined;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#inFlight = [];
    this.#inFlightBytes = 0;
    this.#sentThrough = -1;
    if (this.#lossInFlight) this.#queue.returnLoss(this.#lossInFlight.loss);
    this.#lossInFlight = undefined;
  }

  /** One loop at a time; a call while it runs makes it look again when done (new batches, a freed window). */
  async #pump(): Promise<void> {
    if (this.#pumping) {
      this.#again = true;
      return;
    }
    this.#pumping = true;
    try {
      do {
        this.#again = false;
        await this.#fillWindow();
      } while (this.#again);
    } catch (err) {
      log.error('could not read the telemetry queue', { message: (err as Error).message });
    } finally {
      this.#pumping = false;
    }
  }

  async #fillWindow(): Promise<void> {
    while (this.#send && this.#inFlight.length < this.#maxFrames && this.#inFlightBytes < this.#maxBytes) {
      const generation = this.#generation;
      const budget = Math.min(telemetryFrameTargetBytes, this.#maxBytes - this.#inFlightBytes);
      const { batches, bytes } = await this.#queue.readPending(maxBatchesPerFrame, { afterSeq: this.#sentThrough, maxBytes: budget });
      const send = this.#send;
      if (generation !== this.#generation || !send) return;
      const last = batches.at(-1);
      if (!last) return;
      const frame: TelemetryFrameOut = { stream: this.#queue.stream, batches };
      if (!this.#lossInFlight) {
        const loss = this.#queue.takeLoss();
        if (loss) {
          frame.loss = loss;
          this.#lossInFlight = { loss, seq: last.seq };
        }
      }
      this.#inFlight.push({ lastSeq: last.seq, bytes });
      this.#inFlightBytes += bytes;
      this.#sentThrough = last.seq;
      try {
        send(frame);
      } catch (err) {
        log.warn('could not send telemetry; waiting for the next connection', { message: (err as Error).message });
        this.detach();
        return;
      }
    }
  }
}
