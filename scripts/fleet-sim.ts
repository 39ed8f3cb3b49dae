/**
 * A fleet of simulated Modbus gateways in one process, for the telemetry ingest benchmark and its test. Each
 * gateway is a real agent as far as the console can tell: it enrolls with its own one-time token (the agent's own
 * `enroll`), dials `/agent`, signs the console's nonce with its Ed25519 key, answers pings and the `modbus.status`
 * / `modbus.apply` calls the console makes when a site gets its profile, reports host status every few seconds,
 * and once per period sends its tags as one sequence-numbered telemetry batch through the same in-flight window
 * as agent/telemetry-sender.ts (8 frames, up to 64 batches a frame when behind). Only Modbus is left out: the
 * values are made up, wandering a little on every read so that nothing repeats.
 *
 * `startFleetSim({ consoleUrl, api, gateways: 1000 })` sets up one site per 50 gateways (tag names `G0042.T07`,
 * unique within a site) and starts reading at once; `stats()` and `takeAckLags()` tell the bench what was sent
 * and acknowledged.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { enroll } from '../agent/enroll.js';
import { loadIdentity } from '../agent/identity.js';
import { SimGateway, deviceId, simProfile, type FleetCounters } from './fleet-sim-gateway.js';

export { simProfile, simTagName } from './fleet-sim-gateway.js';

/** What the simulator needs of the console's HTTP API as the administrator; test/support/client.ts's ApiClient fits. */
export interface FleetApi {
  request(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
}

/** A FleetApi over fetch with an administrator's session cookie (what a bench has after POST /api/session). */
export function cookieApi(consoleUrl: string, cookie: string): FleetApi {
  return {
    async request(method, path, body) {
      const res = await fetch(new URL(path, consoleUrl), {
        method,
        // A session cookie is a browser's credential: the console wants the Origin a browser would send with it.
        headers: { cookie, origin: new URL(consoleUrl).origin, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
    },
  };
}

export interface FleetSimOptions {
  consoleUrl: string;
  api: FleetApi;
  gateways: number;
  tagsPerGateway?: number;
  periodMs?: number;
  /** Gateways per site (default 50): fewer sites keep setup short, and a watched site still sees many gateways. */
  gatewaysPerSite?: number;
  /** Site ids are `<prefix>-000`, … (default `fleet`). */
  sitePrefix?: string;
  /** Gateways being set up at once (default 16). */
  setupConcurrency?: number;
  /** Where the gateways' identities go; a temporary directory (removed by stop) when absent. */
  dataDir?: string;
  /** Batches a gateway keeps unacknowledged before dropping its oldest, reported as loss (default 120). */
  maxQueuedBatches?: number;
}

export interface SimSite {
  id: string;
  name: string;
  hostIds: string[];
}

export interface SimGatewayInfo {
  name: string;
  hostId: string;
  siteId: string;
  tags: string[];
}

/** Running totals since the start; the bench subtracts two of these to get a window. */
export interface FleetStats extends Omit<FleetCounters, 'maxQueued' | 'ackLags'> {
  /** Batches read and not yet acknowledged, over all gateways. */
  backlogBatches: number;
}

export interface FleetSim {
  sites: SimSite[];
  gateways: SimGatewayInfo[];
  /** How long enrolling, connecting and giving every gateway its profile took. */
  setupMs: number;
  stats(): FleetStats;
  /** Read-to-acknowledged times (ms) of the batches acknowledged since the last call. */
  takeAckLags(): number[];
  /** Stop reading tags (connections stay, so what is in flight can still be acknowledged). */
  pause(): void;
  /** Start reading again (every `periodMs` when given, else as before), the whole fleet spread over the period. */
  resume(periodMs?: number): void;
  stop(): Promise<void>;
}

/** Run `work` over `items` with at most `limit` at once; the first failure stops the rest. */
async function inPool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

async function expectStatus(what: string, response: Promise<{ status: number; body: any }>, status: number): Promise<any> {
  const res = await response;
  if (res.status !== status) throw new Error(`${what}: the console answered ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Enroll, connect and configure `gateways` simulated gateways, then start reading every `periodMs`. */
export async function startFleetSim(options: FleetSimOptions): Promise<FleetSim> {
  const tagsPerGateway = options.tagsPerGateway ?? 50;
  let periodMs = options.periodMs ?? 1000;
  const perSite = options.gatewaysPerSite ?? 50;
  const prefix = options.sitePrefix ?? 'fleet';
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'gh-fleet-sim-')));
  const counters: FleetCounters = {
    online: 0, batchesRead: 0, samplesRead: 0, framesSent: 0, batchesAcked: 0, samplesAcked: 0,
    droppedBatches: 0, callsAnswered: 0, profilesApplied: 0, reconnects: 0,
    maxQueued: options.maxQueuedBatches ?? 120, ackLags: [],
  };
  const started = performance.now();
  const api = options.api;

  const sites: SimSite[] = [];
  for (let s = 0; s * perSite < options.gateways; s++) {
    const id = `${prefix}-${String(s).padStart(3, '0')}`;
    sites.push({ id, name: `Fleet site ${id}`, hostIds: [] });
  }
  await inPool(sites, 4, (site) =>
    expectStatus(`creating site ${site.id}`, api.request('POST', '/api/sites', { id: site.id, name: site.name, description: 'simulated gateways (fleet-sim)' }), 201),
  );

  const gateways: SimGateway[] = [];
  const infos: SimGatewayInfo[] = [];
  const indexes = Array.from({ length: options.gateways }, (_, i) => i);
  try {
    await inPool(indexes, options.setupConcurrency ?? 16, async (index) => {
      const site = sites[Math.floor(index / perSite)]!;
      const name = `fleet-${deviceId(index)}`;
      const issued = await expectStatus('issuing an enrollment token', api.request('POST', '/api/enrollment-tokens', { autoApprove: true, note: `fleet-sim ${name}` }), 201);
      const dir = join(dataDir, name);
      const enrolled = await enroll({ consoleUrl: options.consoleUrl, token: String(issued.token), dataDir: dir, name });
      const { keyPair } = await loadIdentity(dir);
      const gateway = new SimGateway(index, enrolled, keyPair, tagsPerGateway, counters);
      gateways[index] = gateway;
      await gateway.connect();
      const text = JSON.stringify(simProfile(index, tagsPerGateway));
      const saved = await expectStatus(`giving ${name} its profile`, api.request('PUT', `/api/sites/${site.id}/gateways`, { hostId: enrolled.hostId, text, format: 'json' }), 200);
      if (saved.pushed !== true) throw new Error(`${name} did not take its profile: ${String(saved.pushError ?? 'not pushed')}`);
      site.hostIds.push(enrolled.hostId);
      infos[index] = { name, hostId: enrolled.hostId, siteId: site.id, tags: gateway.tags };
    });
  } catch (err) {
    await Promise.all(gateways.filter(Boolean).map((g) => g.close()));
    if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
  const setupMs = performance.now() - started;

  // Gateways read in turn, spread evenly over the period (a fleet's clocks are not in step), on one timer.
  let paused = false;
  let cursor = 0;
  let round = 0;
  let origin = Date.now();
  const ticker = setInterval(() => {
    if (paused) return;
    const now = Date.now();
    while (origin + round * periodMs + (cursor * periodMs) / gateways.length <= now) {
      gateways[cursor]!.read(now);
      cursor += 1;
      if (cursor === gateways.length) {
        cursor = 0;
        round += 1;
      }
    }
  }, Math.max(1, Math.min(10, Math.floor(periodMs / 20))));

  return {
    sites,
    gateways: infos,
    setupMs,
    stats: () => {
      const { maxQueued: _max, ackLags: _lags, ...totals } = counters;
      return { ...totals, backlogBatches: gateways.reduce((n, g) => n + g.backlog, 0) };
    },
    takeAckLags: () => counters.ackLags.splice(0),
    pause: () => {
      paused = true;
    },
    resume: (newPeriodMs?: number) => {
      if (newPeriodMs !== undefined) periodMs = newPeriodMs;
      paused = false;
      origin = Date.now();
      cursor = 0;
      round = 0;
    },
    stop: async () => {
      clearInterval(ticker);
      await Promise.all(gateways.map((g) => g.close()));
      if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
