import { GatehouseError } from '../kernel/errors.js';
import type { Bus, RegisterArea } from './profile.js';
import { checkRequest, openTransport, type RegisterValues, type Transport } from './transport.js';

/**
 * One Modbus bus on the agent: every request to its devices goes through one queue, one request at a time,
 * because two requests in flight on one serial line (or through one TCP gateway) get their answers interleaved.
 * Writes jump ahead of queued polls (an operator is waiting) but never interrupt the request in flight.
 * A device that stops answering is backed off so it cannot stall the others; a lost connection is reopened in the
 * background. Nothing here retries a request: a failed write is reported, never sent again blindly.
 */

export type ConnectionState = 'connecting' | 'open' | 'down' | 'closed';
export type Priority = 'write' | 'poll';

export interface Backoff {
  initialMs: number;
  maxMs: number;
}

export interface ModbusBusOptions {
  openTransport?: typeof openTransport;
  /** Clock for backoff deadlines (ms since the epoch). */
  now?: () => number;
  /** Per-device backoff after a device does not answer (default 1 s doubling to 30 s). */
  backoff?: Backoff;
  /** Delay between attempts to reopen a lost connection (default 1 s doubling to 30 s). */
  reconnect?: Backoff;
  /** Polls queued beyond this fail at once with 'rate-limited' (default 1000). */
  maxQueue?: number;
}

export interface UnitStats {
  unitId: number;
  state: 'ok' | 'backoff';
  /** While backing off: when the next probe request may go through (ms since the epoch). */
  backoffUntil?: number;
  /** Silent requests in a row. */
  failures: number;
}

export interface BusStats {
  bus: string;
  connection: ConnectionState;
  /** Why the connection is down, while it is. */
  connectionError?: string;
  /** Requests sent on the bus. */
  requests: number;
  /** Sent requests that got no answer in time. */
  timeouts: number;
  /** Sent requests that failed otherwise (exception answers, garbled answers, a connection lost mid-request). */
  errors: number;
  /** Requests failed without touching the bus (device backing off, connection down, queue full). */
  rejected: number;
  queueLength: number;
  units: UnitStats[];
}

type ConnectionListener = (state: ConnectionState, error?: GatehouseError) => void;

interface Job {
  unitId: number;
  priority: Priority;
  run: (transport: Transport) => Promise<RegisterValues>;
  resolve: (values: RegisterValues) => void;
  reject: (err: GatehouseError) => void;
}

interface UnitBackoff {
  failures: number;
  until: number;
}

const defaultBackoff: Backoff = { initialMs: 1000, maxMs: 30_000 };
/** Writes are few and an operator waits for each; a pile of them means something is wrong upstream. */
const maxQueuedWrites = 100;

/** 3.5 character times on a serial line (start bit, data, parity, stop bits), and 1.75 ms above 19200 baud. */
export function rtuSilenceMs(baudRate: number, parity: boolean, stopBits: number, dataBits: number): number {
  if (baudRate > 19_200) return 1.75;
  const bitsPerCharacter = 1 + dataBits + (parity ? 1 : 0) + stopBits;
  return (3.5 * bitsPerCharacter * 1000) / baudRate;
}

export class ModbusBus {
  readonly id: string;
  private readonly open: typeof openTransport;
  private readonly now: () => number;
  private readonly backoff: Backoff;
  private readonly reconnect: Backoff;
  private readonly maxQueue: number;
  /** Silence after each RTU exchange before the next request (0 on TCP, where frames carry their length). */
  private readonly silenceMs: number;

  private transport: Transport | undefined;
  private state: ConnectionState = 'connecting';
  private connectionError: GatehouseError | undefined;
  private reconnectAttempts = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;

  private readonly writes: Job[] = [];
  private readonly polls: Job[] = [];
  private current: Promise<void> | undefined;
  private readonly units = new Map<number, UnitBackoff | 'ok'>();
  private readonly listeners = new Set<ConnectionListener>();
  private readonly counters = { requests: 0, timeouts: 0, errors: 0, rejected: 0 };

  /** Opens the bus in the background at once; requests made meanwhile wait in the queue. */
  constructor(
    private readonly bus: Bus,
    options: ModbusBusOptions = {},
  ) {
    this.id = bus.id;
    this.open = options.openTransport ?? openTransport;
    this.now = options.now ?? Date.now;
    this.backoff = options.backoff ?? defaultBackoff;
    this.reconnect = options.reconnect ?? options.backoff ?? defaultBackoff;
    this.maxQueue = options.maxQueue ?? 1000;
    this.silenceMs = bus.kind === 'rtu' ? rtuSilenceMs(bus.baudRate, bus.parity !== 'none', bus.stopBits, bus.dataBits) : 0;
    this.connect();
  }

  /** Read through the queue; `priority: 'write'` is for a write's read-back, which an operator waits for. */
  read(unitId: number, area: RegisterArea, address: number, count: number, options: { priority?: Priority } = {}): Promise<RegisterValues> {
    return this.enqueue(unitId, options.priority ?? 'poll', area, address, count, (t) => t.read(unitId, area, address, count, this.bus.timeoutMs));
  }

  /** Write through the same queue, ahead of queued polls; resolves when the device confirms, never retried. */
  async write(unitId: number, area: RegisterArea, address: number, values: RegisterValues): Promise<void> {
    await this.enqueue(unitId, 'write', area, address, values, async (t) => {
      await t.write(unitId, area, address, values, this.bus.timeoutMs);
      return [];
    });
  }

  /** Listen for connection changes (for the devices' comm-status tags); returns a function that stops listening. */
  onConnection(listener: ConnectionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get connection(): ConnectionState {
    return this.state;
  }

  stats(): BusStats {
    const now = this.now();
    return {
      bus: this.id,
      connection: this.state,
      ...(this.connectionError && this.state !== 'open' ? { connectionError: this.connectionError.message } : {}),
      ...this.counters,
      queueLength: this.writes.length + this.polls.length,
      units: [...this.units].map(([unitId, unit]) =>
        unit === 'ok' || unit.until <= now
          ? { unitId, state: 'ok' as const, failures: unit === 'ok' ? 0 : unit.failures }
          : { unitId, state: 'backoff' as const, backoffUntil: unit.until, failures: unit.failures },
      ),
    };
  }

  /** Fail everything queued with 'cancelled', let the request in flight finish, close the connection. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.setState('closed');
    clearTimeout(this.reconnectTimer);
    this.failQueued(() => new GatehouseError('cancelled', `Bus ${this.id} was closed`, { bus: this.id }));
    await this.current;
    await this.transport?.close();
    this.transport = undefined;
  }

  private enqueue(
    unitId: number,
    priority: Priority,
    area: RegisterArea,
    address: number,
    countOrValues: number | RegisterValues,
    run: Job['run'],
  ): Promise<RegisterValues> {
    // Refused requests (broadcast, bad ranges) never enter the queue, so nothing of them can reach the bus.
    try {
      checkRequest(this.id, unitId, area, address, countOrValues);
    } catch (err) {
      return Promise.reject(err);
    }
    const refusal = this.refusal(unitId, priority);
    if (refusal) {
      this.counters.rejected += 1;
      return Promise.reject(refusal);
    }
    return new Promise<RegisterValues>((resolve, reject) => {
      (priority === 'write' ? this.writes : this.polls).push({ unitId, priority, run, resolve, reject });
      this.pump();
    });
  }

  /** Why a request fails at once without touching the bus, if it does. */
  private refusal(unitId: number, priority: Priority): GatehouseError | undefined {
    const context = { bus: this.id, unit: unitId };
    if (this.state === 'closed') return new GatehouseError('cancelled', `Bus ${this.id} is closed`, context);
    if (this.state === 'down') {
      return new GatehouseError('unreachable', `Bus ${this.id} is not connected: ${this.connectionError?.message ?? 'reconnecting'}`, context);
    }
    const unit = this.units.get(unitId);
    if (unit && unit !== 'ok' && this.now() < unit.until) {
      return new GatehouseError('unreachable', `Unit ${unitId} on bus ${this.id} is not answering; next try after ${new Date(unit.until).toISOString()}`, {
        ...context,
        retryAt: unit.until,
      });
    }
    if (priority === 'poll' && this.polls.length >= this.maxQueue) {
      return new GatehouseError('rate-limited', `Bus ${this.id} has ${this.polls.length} polls waiting; the line cannot keep up`, context);
    }
    if (priority === 'write' && this.writes.length >= maxQueuedWrites) {
      return new GatehouseError('rate-limited', `Bus ${this.id} has ${this.writes.length} writes waiting`, context);
    }
    return undefined;
  }

  /** Run queued jobs one at a time, writes first, while the connection is open. */
  private pump(): void {
    if (this.current || this.state !== 'open') return;
    this.current = (async () => {
      for (;;) {
        if (this.state !== 'open' || !this.transport) return;
        const job = this.writes.shift() ?? this.polls.shift();
        if (!job) return;
        // The device may have gone into backoff while this job waited (a request before it timed out).
        const refusal = this.refusal(job.unitId, 'write');
        if (refusal) {
          this.counters.rejected += 1;
          job.reject(refusal);
          continue;
        }
        await this.execute(job, this.transport);
        // RTU frames are delimited by silence: the next request waits 3.5 character times (1.75 ms above
        // 19200 baud, as the serial line specification fixes it), or other slaves on a multi-drop line may read
        // the answer and the next request as one frame.
        if (this.silenceMs > 0) await new Promise((resolve) => setTimeout(resolve, this.silenceMs));
      }
    })().finally(() => {
      this.current = undefined;
      // Jobs may have arrived after the loop found the queue empty but before it ended.
      if (this.state === 'open' && (this.writes.length || this.polls.length)) this.pump();
    });
  }

  private async execute(job: Job, transport: Transport): Promise<void> {
    this.counters.requests += 1;
    try {
      const values = await job.run(transport);
      this.units.set(job.unitId, 'ok');
      job.resolve(values);
    } catch (err) {
      const error = err instanceof GatehouseError ? err : new GatehouseError('internal-error', String(err), { bus: this.id, unit: job.unitId });
      if (error.code === 'timeout') this.counters.timeouts += 1;
      else this.counters.errors += 1;
      if (error.context.reason === 'no-answer') this.startBackoff(job.unitId);
      else if (error.context.reason === 'exception' || error.context.reason === 'bad-answer') this.units.set(job.unitId, 'ok');
      job.reject(error);
    }
  }

  /** The device did not answer: skip it for a while that doubles each time, and fail what waits for it now. */
  private startBackoff(unitId: number): void {
    const previous = this.units.get(unitId);
    const failures = previous && previous !== 'ok' ? previous.failures + 1 : 1;
    const delay = Math.min(this.backoff.initialMs * 2 ** (failures - 1), this.backoff.maxMs);
    const until = this.now() + delay;
    this.units.set(unitId, { failures, until });
    const refusal = new GatehouseError('unreachable', `Unit ${unitId} on bus ${this.id} is not answering; next try after ${new Date(until).toISOString()}`, {
      bus: this.id,
      unit: unitId,
      retryAt: until,
    });
    for (const queue of [this.writes, this.polls]) {
      for (let i = queue.length - 1; i >= 0; i--) {
        if (queue[i]!.unitId !== unitId) continue;
        const [job] = queue.splice(i, 1);
        this.counters.rejected += 1;
        job!.reject(refusal);
      }
    }
  }

  private connect(): void {
    this.setState('connecting');
    // Through a promise, so an opener that throws at once is handled like one that rejects.
    Promise.resolve()
      .then(() => this.open(this.bus))
      .then(
      (transport) => {
        if (this.state === 'closed') {
          void transport.close();
          return;
        }
        this.transport = transport;
        this.reconnectAttempts = 0;
        this.connectionError = undefined;
        transport.onClose((error) => this.connectionLost(transport, error));
        this.setState('open');
        this.pump();
      },
      (err: unknown) => {
        if (this.state === 'closed') return;
        const error = err instanceof GatehouseError ? err : new GatehouseError('unreachable', `Cannot open bus ${this.id}: ${String(err)}`, { bus: this.id });
        this.goDown(new GatehouseError('unreachable', error.message, { ...error.context, bus: this.id }));
      },
    );
  }

  private connectionLost(transport: Transport, error: GatehouseError): void {
    if (this.transport !== transport || this.state === 'closed') return;
    this.transport = undefined;
    void transport.close();
    this.goDown(error);
  }

  /** No connection: nothing waits for one (every queued request fails now); try again after a growing delay. */
  private goDown(error: GatehouseError): void {
    this.connectionError = error;
    this.setState('down', error);
    this.failQueued(() => new GatehouseError('unreachable', `Bus ${this.id} is not connected: ${error.message}`, { bus: this.id }));
    const delay = Math.min(this.reconnect.initialMs * 2 ** this.reconnectAttempts, this.reconnect.maxMs);
    this.reconnectAttempts += 1;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => {
      if (this.state === 'down') this.connect();
    }, delay);
    this.reconnectTimer.unref();
  }

  private failQueued(reason: () => GatehouseError): void {
    for (const job of this.writes.splice(0).concat(this.polls.splice(0))) {
      this.counters.rejected += 1;
      job.reject(reason());
    }
  }

  private setState(state: ConnectionState, error?: GatehouseError): void {
    if (this.state === state) return;
    this.state = state;
    for (const listener of this.listeners) {
      try {
        listener(state, error);
      } catch {
        // A listener's bug must not stop the bus or the other listeners.
      }
    }
  }
}
