/**
 * Telemetry from agents into history: each host's frames are stored one after another (never two at once, so
 * the de-duplication mark moves in order), then acknowledged so the agent frees its disk queue, then announced
 * to whoever watches (live site pages now, alarm rules later). A frame that cannot be stored is not
 * acknowledged: the agent keeps it and sends it again after the next reconnect.
 */
import { EventEmitter } from 'node:events';
import type { TagSample } from '../../../modules/kernel/telemetry.js';
import type { AgentHub } from '../agents/hub.js';
import type { TelemetryFrame } from '../agents/link.js';
import { log } from '../log.js';
import type { TelemetryStore } from '../telemetry/store.js';

export interface TelemetryIntakeEvents {
  /** Newly stored samples of one host (duplicates left out), in the order they were read. */
  samples: [hostId: string, samples: TagSample[]];
  /** An agent reported telemetry it had to drop. */
  loss: [hostId: string, loss: NonNullable<TelemetryFrame['loss']>];
}

export class TelemetryIntake extends EventEmitter<TelemetryIntakeEvents> {
  readonly #store: TelemetryStore;
  readonly #hub: AgentHub;
  /** Per host, the frame being stored; the next one waits for it. */
  readonly #chains = new Map<string, Promise<void>>();
  /** Highest seq stored per host and stream since start, to tell fresh samples from a replay's repeats. */
  readonly #stored = new Map<string, number>();
  readonly #onFrame = (hostId: string, frame: TelemetryFrame) => this.#enqueue(hostId, frame);

  constructor(options: { store: TelemetryStore; hub: AgentHub }) {
    super();
    this.#store = options.store;
    this.#hub = options.hub;
  }

  start(): void {
    this.#hub.on('telemetry', this.#onFrame);
  }

  stop(): void {
    this.#hub.off('telemetry', this.#onFrame);
  }

  /** Wait until every frame received so far is stored (tests, shutdown). */
  async settled(): Promise<void> {
    await Promise.all([...this.#chains.values()]);
  }

  #enqueue(hostId: string, frame: TelemetryFrame): void {
    const previous = this.#chains.get(hostId) ?? Promise.resolve();
    const next = previous.then(() => this.#store1(hostId, frame));
    this.#chains.set(hostId, next);
    void next.finally(() => {
      if (this.#chains.get(hostId) === next) this.#chains.delete(hostId);
    });
  }

  async #store1(hostId: string, frame: TelemetryFrame): Promise<void> {
    try {
      const key = `${hostId}\u0000${frame.stream}`;
      const before = this.#stored.get(key);
      const result = await this.#store.ingest(hostId, frame.stream, frame.batches, frame.loss);
      this.#stored.set(key, result.ackSeq);
      this.#hub.get(hostId)?.acknowledgeTelemetry(frame.stream, result.ackSeq);
      if (frame.loss) {
        log.warn('agent dropped telemetry', { host: hostId, batches: frame.loss.batches, samples: frame.loss.samples });
        this.emit('loss', hostId, frame.loss);
      }
      const fresh = frame.batches.filter((batch) => before === undefined || batch.seq > before).flatMap((batch) => batch.samples);
      if (fresh.length > 0) this.emit('samples', hostId, fresh);
    } catch (err) {
      log.error('could not store telemetry; the agent will send it again', { host: hostId, message: (err as Error).message });
    }
  }
}
