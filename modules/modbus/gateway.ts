import { join } from 'node:path';
import { GatehouseError } from '../kernel/errors.js';
import { createLog } from '../kernel/log.js';
import { policyAllowsTagWrite, tagNotWritableMessage } from '../kernel/writable-tags.js';
import type { TagSample } from '../kernel/telemetry.js';
import { ModbusBus } from './bus.js';
import type { TagReading } from './contract.js';
import { DevicePoller, type PollOutcome } from './device-poller.js';
import { ExceptionReport } from './exception-report.js';
import { loadProfile, saveProfile, type SavedProfile } from './profile-file.js';
import { commTagName, type Bus, type Device, type Profile, type Tag } from './profile.js';
import { RunCounters } from './run-counters.js';
import { SetpointWriter } from './setpoint-writer.js';
import type { ApprovalStamp } from '../kernel/approvals.js';

const log = createLog('agent');

/** A reading is stale when it has not been refreshed for this many poll periods (plus the bus timeout). */
const stalePeriods = 3;
/** How often readings are checked for staleness (and counters saved, every 60 ticks). */
const tickMs = 1000;
/**
 * A reading waits this long for the rest of its poll cycle before the batch goes: a cycle's readings leave as one
 * batch (one frame per cycle per host), and an operator sees a change within a fraction of a second, not a tick.
 */
const gatherMs = 100;

export interface GatewayOptions {
  /** Where the profile and the run counters are kept. */
  dataDir: string;
  /** One batch of samples per tick; the agent queues them on disk and sends them to the console. */
  onSamples: (samples: TagSample[]) => void | Promise<unknown>;
  now?: () => number;
  openBus?: (bus: Bus) => ModbusBus;
  /**
   * The local policy's modbusWritableTags: absent, the profile's write rules decide; a list, only the tags it names
   * are written (and still within their rule). The profile is the console's; this is the gateway owner's last word.
   */
  writableTags?: readonly string[];
}

interface TagState {
  tag: Tag;
  device: Device;
  reading: TagReading;
  periodMs: number;
}

/**
 * The gateway's Modbus side: runs the profile in force (polling every device on its buses), keeps each tag's
 * reading with its quality, reports by exception, derives pump run hours and starts, and writes setpoints.
 * Nothing is ever written to a device except by an explicit, checked `write`: not on start-up, not on a new profile.
 */
export class Gateway {
  readonly #options: GatewayOptions;
  readonly #now: () => number;
  readonly #buses = new Map<string, ModbusBus>();
  readonly #pollers: DevicePoller[] = [];
  readonly #tags = new Map<string, TagState>();
  readonly #devices = new Map<string, { device: Device; comm: 'ok' | 'backoff' | 'unknown'; lastGoodTs: number; lastError: string }>();
  readonly #outbox: TagSample[] = [];
  #report: ExceptionReport = new ExceptionReport(60_000);
  #counters: RunCounters | undefined;
  #writer: SetpointWriter | undefined;
  #saved: SavedProfile | undefined;
  #tick: NodeJS.Timeout | undefined;
  #gathering: NodeJS.Timeout | undefined;
  #counterSaves = 0;

  private constructor(options: GatewayOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** Start with the profile kept on disk, if there is one; a gateway polls on without its console. */
  static async open(options: GatewayOptions): Promise<Gateway> {
    const gateway = new Gateway(options);
    gateway.#counters = await RunCounters.open(join(options.dataDir, 'modbus-counters.json'));
    const saved = await loadProfile(join(options.dataDir, 'modbus-profile.json')).catch(() => undefined);
    if (saved) gateway.#run(saved);
    gateway.#tick = setInterval(() => gateway.#onTick(), tickMs);
    gateway.#tick.unref();
    return gateway;
  }

  get profile(): SavedProfile | undefined {
    return this.#saved;
  }

  /** Replace the profile: saved first (so a restart keeps it), then the old buses close and the new ones start. */
  async apply(profile: Profile): Promise<SavedProfile> {
    const saved = await saveProfile(join(this.#options.dataDir, 'modbus-profile.json'), profile, this.#now());
    this.#halt();
    this.#run(saved);
    return saved;
  }

  readings(): TagReading[] {
    return [...this.#tags.values()].map((state) => ({ ...state.reading }));
  }

  status() {
    return {
      profileHash: this.#saved?.hash ?? null,
      appliedAt: this.#saved?.appliedAt ?? null,
      buses: [...this.#buses.entries()].map(([id, bus]) => {
        const stats = bus.stats();
        const kind = this.#saved?.profile.buses.find((b) => b.id === id)?.kind ?? 'tcp';
        return { id, kind, connected: stats.connection === 'open', requests: stats.requests, timeouts: stats.timeouts, errors: stats.errors, queued: stats.queueLength };
      }),
      devices: [...this.#devices.values()].map(({ device, comm, lastGoodTs, lastError }) => ({
        id: device.id,
        name: device.name,
        bus: device.bus,
        unitId: device.unitId,
        comm: this.#buses.get(device.bus)?.connection === 'down' ? ('down' as const) : comm,
        lastGoodTs,
        lastError,
      })),
    };
  }

  /** Write a setpoint through the checks of its write rule; see SetpointWriter. */
  async write(tagName: string, value: number | boolean, approval?: ApprovalStamp) {
    const state = this.#tags.get(tagName);
    if (!state || state.tag.name !== tagName) {
      throw new GatehouseError('not-found', `There is no tag ${tagName} in this gateway's profile.`, { module: 'modbus', tag: tagName });
    }
    if (!policyAllowsTagWrite(this.#options.writableTags, tagName)) {
      log.warn('setpoint write refused by the local policy', { tag: tagName, value: String(value) });
      throw new GatehouseError('policy-denied', tagNotWritableMessage(tagName), { module: 'modbus', tag: tagName });
    }
    if (!this.#writer) throw new GatehouseError('not-supported', 'This gateway has no profile yet.', { module: 'modbus' });
    const current = state.reading.quality === 'good' ? state.reading.value : null;
    const result = await this.#writer.write(state.device, state.tag, value, current, approval);
    if (result.readBack !== null) this.#record(state, result.readBack, 'good', result.ts);
    return result;
  }

  async close(): Promise<void> {
    clearInterval(this.#tick);
    clearTimeout(this.#gathering);
    this.#gathering = undefined;
    this.#halt();
    await this.#flush();
    await this.#counters?.save();
  }

  #run(saved: SavedProfile): void {
    this.#saved = saved;
    const { profile } = saved;
    this.#report = new ExceptionReport(profile.refreshSeconds * 1000);
    for (const bus of profile.buses) this.#buses.set(bus.id, this.#options.openBus?.(bus) ?? new ModbusBus(bus));
    this.#writer = new SetpointWriter(this.#buses, this.#now);
    for (const device of profile.devices) {
      const bus = this.#buses.get(device.bus);
      if (!bus) continue; // the schema makes every device name a bus; this keeps the types honest
      const poller = new DevicePoller(device, bus, profile.pollClasses, {
        onOutcomes: (d, outcomes) => this.#onOutcomes(d, outcomes),
        onComm: (d, answering, error) => this.#onComm(d, answering, error),
      }, this.#now);
      this.#pollers.push(poller);
      this.#devices.set(device.id, { device, comm: 'unknown', lastGoodTs: 0, lastError: '' });
      const commTag: Tag = { name: commTagName(device.id), description: `${device.name} answering`, area: 'coil', address: 0, type: 'bool', wordOrder: 'ABCD', unit: '', pollClass: device.tags[0]?.pollClass ?? 'normal', deadband: 0 };
      this.#tags.set(commTag.name, { tag: commTag, device, reading: this.#empty(commTag.name, device), periodMs: poller.fastestPeriodMs });
      for (const tag of device.tags) {
        const periodMs = poller.periodOf(tag);
        this.#tags.set(tag.name, { tag, device, reading: this.#empty(tag.name, device), periodMs });
        for (const derived of [tag.track?.runHours, tag.track?.starts]) {
          if (derived) this.#tags.set(derived, { tag, device, reading: this.#empty(derived, device), periodMs });
        }
      }
    }
    for (const poller of this.#pollers) poller.start();
  }

  #halt(): void {
    for (const poller of this.#pollers) poller.stop();
    this.#pollers.length = 0;
    for (const bus of this.#buses.values()) void bus.close();
    this.#buses.clear();
    this.#tags.clear();
    this.#devices.clear();
  }

  #empty(name: string, device: Device): TagReading {
    return { name, device: device.id, value: null, quality: 'comm-fault', ts: 0 };
  }

  #onOutcomes(device: Device, outcomes: PollOutcome[]): void {
    for (const outcome of outcomes) {
      const state = this.#tags.get(outcome.tag.name);
      if (!state) continue;
      if (outcome.ok) {
        this.#record(state, outcome.value, 'good', outcome.ts);
        this.#track(state, outcome.value, outcome.ts);
      } else {
        this.#record(state, null, 'comm-fault', outcome.ts);
        if (state.tag.track) this.#counters?.interrupt(state.tag.name);
        const entry = this.#devices.get(device.id);
        if (entry) entry.lastError = outcome.error.message.slice(0, 512);
      }
    }
  }

  #onComm(device: Device, answering: boolean, error?: GatehouseError): void {
    const entry = this.#devices.get(device.id);
    if (!entry) return;
    const ts = this.#now();
    entry.comm = answering ? 'ok' : 'backoff';
    if (answering) entry.lastGoodTs = ts;
    else if (error) entry.lastError = error.message.slice(0, 512);
    const state = this.#tags.get(commTagName(device.id));
    if (state) this.#record(state, answering, 'good', ts);
  }

  /** Pump run hours and starts from a running status the device does not count for itself. */
  #track(state: TagState, value: number | boolean, ts: number): void {
    const track = state.tag.track;
    if (!track || !this.#counters || typeof value !== 'boolean') return;
    const figures = this.#counters.observe(state.tag.name, value, ts, state.periodMs * stalePeriods);
    const hours = track.runHours ? this.#tags.get(track.runHours) : undefined;
    if (hours) this.#record(hours, Math.round(figures.runHours * 1000) / 1000, 'good', ts, 0.01);
    const starts = track.starts ? this.#tags.get(track.starts) : undefined;
    if (starts) this.#record(starts, figures.starts, 'good', ts);
  }

  #record(state: TagState, value: TagSample['value'], quality: TagSample['quality'], ts: number, deadband = state.tag.deadband): void {
    const name = state.reading.name;
    state.reading = { name, device: state.device.id, value, quality, ts };
    const sample: TagSample = { tag: name, ts, value, quality };
    if (this.#report.offer(sample, deadband)) this.#queue(sample);
  }

  #queue(sample: TagSample): void {
    this.#outbox.push(sample);
    this.#gathering ??= setTimeout(() => {
      this.#gathering = undefined;
      void this.#flush();
    }, gatherMs);
  }

  #onTick(): void {
    const now = this.#now();
    // A good reading that has not been refreshed in time becomes stale: the value stays, marked as old.
    for (const state of this.#tags.values()) {
      if (state.reading.quality !== 'good' || state.reading.ts === 0) continue;
      if (now - state.reading.ts > state.periodMs * stalePeriods + 2000) {
        state.reading = { ...state.reading, quality: 'stale' };
        const sample: TagSample = { tag: state.reading.name, ts: now, value: state.reading.value, quality: 'stale' };
        if (this.#report.offer(sample, state.tag.deadband)) this.#queue(sample);
      }
    }
    if (++this.#counterSaves % 60 === 0) void this.#counters?.save().catch(() => undefined);
  }

  async #flush(): Promise<void> {
    if (this.#outbox.length === 0) return;
    await this.#options.onSamples(this.#outbox.splice(0, this.#outbox.length));
  }
}
