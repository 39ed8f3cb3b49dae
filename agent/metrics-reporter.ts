/**
 * The 10 s metrics history: sampled always, whether or not the console is reachable, and sent unprompted in
 * `metrics` frames. While the link is down samples queue in memory, bounded (the oldest are dropped first), and
 * are replayed on reconnect; the console de-duplicates by (host, time), so a sample sent twice is stored once.
 */
import type { MetricsSample } from '../modules/kernel/metrics-sample.js';
import { maxSamplesPerFrame } from '../modules/kernel/metrics-sample.js';
import { MetricsSampler } from '../modules/metrics/sampler.js';
import { log } from './log.js';

/** The history's resolution. */
export const metricsIntervalMs = 10_000;
/** An hour of samples at 10 s: what a console restart or a network cut may cost without a gap. */
const maxQueued = 360;

export type SendSamples = (samples: MetricsSample[]) => void;

export class MetricsReporter {
  readonly #sampler = new MetricsSampler();
  readonly #queue: MetricsSample[] = [];
  #send: SendSamples | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(private readonly intervalMs = metricsIntervalMs) {}

  start(): void {
    if (this.#timer) return;
    // The first reading only primes the counters; its rates would be zero.
    void this.#sampler.sample().catch(() => undefined);
    this.#timer = setInterval(() => void this.#tick(), this.intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#send = undefined;
  }

  /** A session is up: replay what queued while away, then send each sample as it is taken. */
  attach(send: SendSamples): void {
    this.#send = send;
    while (this.#queue.length > 0) send(this.#queue.splice(0, maxSamplesPerFrame));
  }

  detach(): void {
    this.#send = undefined;
  }

  async #tick(): Promise<void> {
    let sample: MetricsSample;
    try {
      sample = await this.#sampler.sample();
    } catch (err) {
      log.warn('could not read metrics', { message: (err as Error).message });
      return;
    }
    if (this.#send) {
      this.#send([sample]);
      return;
    }
    this.#queue.push(sample);
    if (this.#queue.length > maxQueued) this.#queue.splice(0, this.#queue.length - maxQueued);
  }
}
