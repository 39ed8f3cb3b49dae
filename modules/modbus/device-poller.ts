import { GatehouseError } from '../kernel/errors.js';
import type { ModbusBus } from './bus.js';
import { decodeTag } from './codec.js';
import { planReads, sliceFor, type ReadRequest } from './plan.js';
import type { Device, Tag } from './profile.js';

/** What one poll learnt about one tag: a value (good) or why there is none (comm-fault). */
export type PollOutcome = { tag: Tag; ts: number } & ({ ok: true; value: number | boolean } | { ok: false; error: GatehouseError });

export interface DevicePollerEvents {
  /** Every tag read (or failed) in one request, as soon as the request ends. */
  onOutcomes(device: Device, outcomes: PollOutcome[]): void;
  /** The device answered (true) or stopped answering (false). */
  onComm(device: Device, answering: boolean, error?: GatehouseError): void;
}

interface PollClassRun {
  periodMs: number;
  requests: ReadRequest[];
  timer: NodeJS.Timeout | undefined;
  busy: boolean;
  overruns: number;
}

/** Errors that say the device (or the way to it) is not answering, rather than refusing one request. */
const commLoss = new Set(['timeout', 'unreachable', 'cancelled']);

/**
 * Polls one device: each poll class on its own period, its tags coalesced into the fewest reads (planned once).
 * A cycle that is still running when the next is due is skipped, not queued behind itself: a slow line shows as
 * stale readings, never as a growing backlog.
 */
export class DevicePoller {
  readonly #classes: PollClassRun[] = [];
  #stopped = false;

  constructor(
    readonly device: Device,
    private readonly bus: ModbusBus,
    pollClasses: Record<string, number>,
    private readonly events: DevicePollerEvents,
    private readonly now: () => number = Date.now,
  ) {
    const byClass = new Map<string, Tag[]>();
    for (const tag of device.tags) byClass.set(tag.pollClass, [...(byClass.get(tag.pollClass) ?? []), tag]);
    for (const [name, tags] of byClass) {
      const seconds = pollClasses[name] ?? 5;
      this.#classes.push({ periodMs: seconds * 1000, requests: planReads(tags, { maxGap: device.maxGap }), timer: undefined, busy: false, overruns: 0 });
    }
  }

  /** The shortest period among this device's poll classes. */
  get fastestPeriodMs(): number {
    return Math.min(...this.#classes.map((c) => c.periodMs));
  }

  /** Period of the poll class a tag is in. */
  periodOf(tag: Tag): number {
    return this.#classes.find((c) => c.requests.some((r) => r.tags.includes(tag)))?.periodMs ?? this.fastestPeriodMs;
  }

  get requestsPerCycle(): number {
    return this.#classes.reduce((sum, c) => sum + c.requests.length, 0);
  }

  start(): void {
    for (const run of this.#classes) {
      // Start at once, then on the period; spread devices a little so they do not all hit the bus together.
      void this.#cycle(run);
      run.timer = setInterval(() => void this.#cycle(run), run.periodMs);
      run.timer.unref();
    }
  }

  stop(): void {
    this.#stopped = true;
    for (const run of this.#classes) clearInterval(run.timer);
  }

  async #cycle(run: PollClassRun): Promise<void> {
    if (run.busy) {
      run.overruns += 1;
      return;
    }
    run.busy = true;
    try {
      for (const request of run.requests) {
        if (this.#stopped) return;
        await this.#read(request);
      }
    } finally {
      run.busy = false;
    }
  }

  async #read(request: ReadRequest): Promise<void> {
    let data: number[] | boolean[];
    try {
      data = await this.bus.read(this.device.unitId, request.area, request.address, request.count);
    } catch (err) {
      if (this.#stopped) return;
      const error = err instanceof GatehouseError ? err : new GatehouseError('internal-error', (err as Error).message);
      const ts = this.now();
      this.events.onOutcomes(
        this.device,
        request.tags.map((tag) => ({ tag, ts, ok: false as const, error })),
      );
      if (commLoss.has(error.code)) this.events.onComm(this.device, false, error);
      return;
    }
    if (this.#stopped) return;
    const ts = this.now();
    this.events.onComm(this.device, true);
    this.events.onOutcomes(
      this.device,
      request.tags.map((tag): PollOutcome => {
        try {
          return { tag, ts, ok: true, value: decodeTag(tag, sliceFor(tag, request, data)) };
        } catch (err) {
          const error = err instanceof GatehouseError ? err : new GatehouseError('invalid-params', (err as Error).message);
          return { tag, ts, ok: false, error };
        }
      }),
    );
  }
}
