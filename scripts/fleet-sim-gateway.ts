/**
 * One simulated gateway of scripts/fleet-sim.ts: a real agent as far as the console can tell (the nonce
 * handshake, pings, `modbus.status` / `modbus.apply` calls, host status every few seconds), sending one telemetry
 * batch per read through the same in-flight window as agent/telemetry-sender.ts (8 frames, up to 64 batches a
 * frame when behind; the console acknowledges by seq). Only Modbus is left out: values wander on every read.
 */
import { randomBytes } from 'node:crypto';
import { arch, release } from 'node:os';
import WebSocket from 'ws';
import { signWith, type Identity, type KeyPair } from '../agent/identity.js';
import { statusIntervalMs } from '../agent/session.js';
import { pinnedIdentityCheck } from '../agent/tls-pin.js';
import { agentVersion } from '../agent/version.js';
import type { ProblemCode } from '../modules/kernel/errors.js';
import type { HostStatus } from '../modules/kernel/host-status.js';
import { agentPolicySchema } from '../modules/kernel/policy.js';
import { maxBatchesPerFrame, type TagSample, type TelemetryBatch, type TelemetryLoss } from '../modules/kernel/telemetry.js';
import { authMessage, callFrame, maxControlFrameBytes, type AgentToConsoleFrame } from '../modules/kernel/wire.js';
import { contract as modbusContract } from '../modules/modbus/contract.js';
import { profileHash } from '../modules/modbus/profile-file.js';
import type { Profile } from '../modules/modbus/profile.js';

const maxFramesInFlight = 8;
const framesTargetBytes = 1024 * 1024;
/** About what one sample costs as JSON, to keep a catching-up frame near the sender's 1 MiB target. */
const sampleBytes = 64;
const policy = agentPolicySchema.parse({ modules: ['modbus'] });

/** Tag `t` of gateway `g`: unique within a site, as the console requires. */
export const simTagName = (gateway: number, tag: number) => `G${String(gateway).padStart(4, '0')}.T${String(tag).padStart(2, '0')}`;
export const deviceId = (gateway: number) => `G${String(gateway).padStart(4, '0')}`;

/** The profile a simulated gateway runs: one PLC on one TCP bus, every tag a float32 input register polled fast. */
export function simProfile(gateway: number, tags: number): Profile {
  return {
    version: 1,
    pollClasses: { fast: 1, normal: 5, slow: 60 },
    refreshSeconds: 60,
    buses: [{ id: 'lan', kind: 'tcp', host: '192.0.2.10', port: 502, timeoutMs: 1000 }],
    devices: [
      {
        id: deviceId(gateway),
        name: `Gateway ${gateway} PLC`,
        bus: 'lan',
        unitId: 1,
        maxGap: 8,
        tags: Array.from({ length: tags }, (_, t) => ({
          name: simTagName(gateway, t),
          description: '',
          area: 'input-register' as const,
          address: t * 2,
          type: 'float32' as const,
          wordOrder: 'ABCD' as const,
          unit: '',
          pollClass: 'fast',
          deadband: 0,
        })),
      },
    ],
  };
}

/** One simulated gateway: its connection, the calls it answers and its telemetry window. */
export class SimGateway {
  readonly index: number;
  readonly identity: Identity;
  readonly #keyPair: KeyPair;
  readonly #fleet: FleetCounters;
  readonly tags: string[];
  readonly #values: Float64Array;
  readonly #stream = randomBytes(8).toString('hex');
  #socket: WebSocket | undefined;
  #online = false;
  #stopped = false;
  #statusTimer: NodeJS.Timeout | undefined;
  #profile: { hash: string; appliedAt: number } | undefined;
  #nextSeq = 0;
  /** Batches read and not acknowledged, in seq order: the simulator's stand-in for the agent's disk queue. */
  #queue: TelemetryBatch[] = [];
  #inFlight: number[] = [];
  #sentThrough = -1;
  #loss: TelemetryLoss | undefined;

  constructor(index: number, identity: Identity, keyPair: KeyPair, tags: number, fleet: FleetCounters) {
    this.index = index;
    this.identity = identity;
    this.#keyPair = keyPair;
    this.#fleet = fleet;
    this.tags = Array.from({ length: tags }, (_, t) => simTagName(index, t));
    this.#values = Float64Array.from({ length: tags }, (_, t) => 10 + t);
  }

  get online(): boolean {
    return this.#online;
  }

  /** Dial the console and go through the handshake; resolves once welcomed. */
  connect(): Promise<void> {
    const url = new URL('/agent', this.identity.console);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(url, {
      perMessageDeflate: false,
      maxPayload: maxControlFrameBytes + 64,
      handshakeTimeout: 15_000,
      generateMask: (mask: Buffer) => mask.fill(0), // as the agent does: no browser script runs here
      // ws passes TLS options through to https.request, whose checkServerIdentity is the one typed in node:tls.
      ...((this.identity.certPem
        ? { ca: this.identity.certPem, checkServerIdentity: pinnedIdentityCheck(this.identity.certFingerprint) }
        : {}) as WebSocket.ClientOptions),
    });
    this.#socket = socket;
    return new Promise((resolve, reject) => {
      socket.on('message', (data: Buffer, isBinary) => {
        if (isBinary) return;
        const frame = JSON.parse(data.toString('utf8')) as { type?: string; [key: string]: unknown };
        if (frame.type === 'hello') {
          const message = authMessage(String(frame.nonce), this.identity.hostId, this.identity.certFingerprint);
          const signature = signWith(this.#keyPair.privateKey, message);
          this.#send({ type: 'auth', hostId: this.identity.hostId, signature, agent: { version: agentVersion }, modules: ['modbus'], policy });
        } else if (frame.type === 'welcome') {
          this.#online = true;
          this.#fleet.online += 1;
          this.#reportStatus();
          this.#statusTimer = setInterval(() => this.#reportStatus(), statusIntervalMs);
          this.#pump();
          resolve();
        } else this.#onFrame(frame);
      });
      socket.on('error', (err) => reject(err));
      socket.on('close', (code, reason) => {
        clearInterval(this.#statusTimer);
        if (this.#online) this.#fleet.online -= 1;
        this.#online = false;
        // What was in flight stays queued and goes again on the next connection (the console de-duplicates).
        this.#inFlight = [];
        this.#sentThrough = -1;
        reject(new Error(`${this.identity.name}: connection closed (${code} ${reason.toString()})`));
        if (!this.#stopped) {
          this.#fleet.reconnects += 1;
          setTimeout(() => void this.connect().catch(() => undefined), 500 + Math.random() * 1000);
        }
      });
    });
  }

  /** One poll tick: every tag read now, as one batch. */
  read(now: number): void {
    const samples: TagSample[] = new Array(this.tags.length);
    for (let t = 0; t < this.tags.length; t++) {
      const value = Math.round((this.#values[t]! + Math.random() - 0.5) * 1000) / 1000;
      this.#values[t] = value;
      samples[t] = { tag: this.tags[t]!, ts: now, value, quality: 'good' };
    }
    this.#queue.push({ seq: this.#nextSeq++, samples });
    this.#fleet.batchesRead += 1;
    this.#fleet.samplesRead += samples.length;
    if (this.#queue.length > this.#fleet.maxQueued) {
      // Full: the oldest goes, counted and reported once, as the agent's queue does.
      const dropped = this.#queue.shift()!;
      const ts = dropped.samples[0]!.ts;
      this.#loss = this.#loss
        ? { ...this.#loss, batches: this.#loss.batches + 1, samples: this.#loss.samples + dropped.samples.length, toTs: ts }
        : { batches: 1, samples: dropped.samples.length, fromTs: ts, toTs: ts };
      this.#fleet.droppedBatches += 1;
    }
    this.#pump();
  }

  get backlog(): number {
    return this.#queue.length;
  }

  close(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#statusTimer);
    const socket = this.#socket;
    if (!socket || socket.readyState === socket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      socket.once('close', () => resolve());
      socket.close(1001, 'simulated gateway stopping');
    });
  }

  #pump(): void {
    while (this.#online && this.#inFlight.length < maxFramesInFlight) {
      const start = this.#queue.findIndex((b) => b.seq > this.#sentThrough);
      if (start < 0) return;
      const batches: TelemetryBatch[] = [];
      let bytes = 0;
      for (let i = start; i < this.#queue.length && batches.length < maxBatchesPerFrame && bytes < framesTargetBytes; i++) {
        batches.push(this.#queue[i]!);
        bytes += this.#queue[i]!.samples.length * sampleBytes;
      }
      const last = batches.at(-1)!.seq;
      const loss = this.#loss;
      this.#loss = undefined;
      this.#send({ type: 'telemetry', stream: this.#stream, batches, ...(loss ? { loss } : {}) });
      this.#inFlight.push(last);
      this.#sentThrough = last;
      this.#fleet.framesSent += 1;
    }
  }

  #acknowledged(seq: number, now: number): void {
    while (this.#queue[0] && this.#queue[0].seq <= seq) {
      const batch = this.#queue.shift()!;
      this.#fleet.batchesAcked += 1;
      this.#fleet.samplesAcked += batch.samples.length;
      this.#fleet.ackLags.push(now - batch.samples[0]!.ts);
    }
    while (this.#inFlight[0] !== undefined && this.#inFlight[0] <= seq) this.#inFlight.shift();
    if (seq > this.#sentThrough) this.#sentThrough = seq;
    this.#pump();
  }

  #onFrame(frame: { type?: string; [key: string]: unknown }): void {
    switch (frame.type) {
      case 'ping':
        this.#send({ type: 'pong', ts: Number(frame.ts) });
        return;
      case 'telemetry-ack':
        if (frame.stream === this.#stream && typeof frame.seq === 'number') this.#acknowledged(frame.seq, Date.now());
        return;
      case 'call': {
        const call = callFrame.safeParse(frame);
        if (!call.success) {
          this.#send({ type: 'error', code: 'bad-request', message: 'unreadable call frame' });
          return;
        }
        this.#fleet.callsAnswered += 1;
        const answer = this.#answer(call.data.module, call.data.method, call.data.params);
        if ('problem' in answer) this.#send({ type: 'error', id: call.data.id, code: answer.problem, message: answer.message });
        else this.#send({ type: 'result', id: call.data.id, result: answer.result });
        return;
      }
      case 'open':
        this.#send({ type: 'close', channel: Number(frame.channel), problem: { code: 'not-supported', message: 'a simulated gateway serves no streams' } });
        return;
      default:
        return; // pong, error and the rest need no answer from a gateway that only sends telemetry
    }
  }

  /** The two calls the console makes of a gateway given a profile (and `tags`, for a person looking). */
  #answer(module: string, method: string, params: unknown): { result: unknown } | { problem: ProblemCode; message: string } {
    if (module !== 'modbus') return { problem: 'unknown-module', message: `a simulated gateway serves only modbus, not ${module}` };
    if (method === 'status') {
      return {
        result: {
          profileHash: this.#profile?.hash ?? null,
          appliedAt: this.#profile?.appliedAt ?? null,
          buses: [],
          devices: [],
          queue: { pendingBatches: this.#queue.length, bytes: this.#queue.length * this.tags.length * sampleBytes, lostSamples: 0 },
        },
      };
    }
    if (method === 'apply') {
      const parsed = modbusContract.methods.apply.params.safeParse(params);
      if (!parsed.success) return { problem: 'invalid-params', message: parsed.error.issues[0]?.message ?? 'not a profile' };
      const profile = parsed.data.profile;
      this.#profile = { hash: profileHash(profile), appliedAt: Date.now() };
      this.#fleet.profilesApplied += 1;
      const tags = profile.devices.reduce((n, d) => n + d.tags.length, 0);
      return { result: { profileHash: this.#profile.hash, devices: profile.devices.length, tags } };
    }
    if (method === 'tags') {
      const ts = this.#queue.at(-1)?.samples[0]?.ts ?? 0;
      return { result: { tags: this.tags.map((name, t) => ({ name, device: deviceId(this.index), value: this.#values[t]!, quality: 'good', ts })) } };
    }
    return { problem: 'unknown-method', message: `modbus.${method} is not simulated` };
  }

  #reportStatus(): void {
    const status: HostStatus = {
      hostname: this.identity.name,
      os: 'Gatehouse fleet simulator',
      kernel: release(),
      arch: arch(),
      uptimeSeconds: Math.round(process.uptime()),
      cpuCount: 1,
      cpuModel: 'simulated gateway',
      cpuPercent: 1,
      load: [0, 0, 0],
      memoryTotalBytes: 256 * 1024 * 1024,
      memoryUsedBytes: 64 * 1024 * 1024,
      agentVersion,
      reportedAt: new Date().toISOString(),
    };
    this.#send({ type: 'status', status });
  }

  #send(frame: AgentToConsoleFrame): void {
    const socket = this.#socket;
    if (socket && socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
  }
}

/** The fleet's running totals, kept by its gateways as they go (one object shared by all). */
export interface FleetCounters {
  online: number;
  batchesRead: number;
  samplesRead: number;
  framesSent: number;
  batchesAcked: number;
  samplesAcked: number;
  droppedBatches: number;
  callsAnswered: number;
  profilesApplied: number;
  reconnects: number;
  /** Batches a gateway keeps unacknowledged before dropping its oldest. */
  maxQueued: number;
  /** Read-to-acknowledged times (ms) not yet taken by the caller. */
  ackLags: number[];
}
