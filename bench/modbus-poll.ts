/**
 * Modbus poll efficiency (issue 5 benchmark). One device with a 200-tag profile laid out as a PLC map is:
 * holding and input registers, int16/uint16/int32/float32/float64, short runs of spare registers between groups
 * and a few blocks far apart. Printed, never asserted:
 *
 * 1. requests per poll cycle from the agent's planner (planReads) against the fewest any planner could make
 *    (minimumRequests) and against one request per tag; registers read, gaps included, against registers needed;
 * 2. the achieved cycle time of those requests through a ModbusBus (RTU) on an emulated serial line of 9600 and
 *    115200 baud, 8N1 (bench/serial-line.ts: socat pty pairs joined by a relay that paces bytes at the baud rate),
 *    answered by modbus-serial's ServerSerial, against the line's arithmetic limit:
 *      Σ over requests (8 request bytes + 5 + 2 × count response bytes + 2 × 3.5 silent characters) × 10 / baud
 *    (one 3.5-character silence after each of the two frames of a request), and the same for one request per tag;
 * 3. the same path with no pacing, so the part of a cycle that is software and ptys rather than line shows.
 *
 * Should no line be possible here (no socat, no ptys), the cycles run over Modbus TCP against ServerTCP instead,
 * and the output says so in capitals.
 *
 * Run after `npm run build`: `node dist/bench/modbus-poll.js [--seconds 10]` (seconds per measured run; six runs, about 80 s).
 */
import { createServer, type AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { isAbsolute, relative } from 'node:path';
import modbusSerial from 'modbus-serial';
import type { IServiceVector } from 'modbus-serial';
import { ModbusBus } from '../modules/modbus/bus.js';
import { decodeTag, registerCount } from '../modules/modbus/codec.js';
import { minimumRequests, planReads, sliceFor, type ReadRequest } from '../modules/modbus/plan.js';
import { busSchema, deviceSchema, type DataType, type Device, type RegisterArea, type Tag } from '../modules/modbus/profile.js';
import { startPacedSerialLine, type LineStats } from './serial-line.js';

function option(name: string, fallback: number, min: number, max: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isFinite(value) || value < min || value > max) throw new Error(`--${name} takes a number from ${min} to ${max}`);
  return value;
}

const secondsPerRun = option('seconds', 10, 1, 600);
/** A run goes on past its seconds until it has this many cycles, so a median means something at 9600 baud. */
const minCycles = 3;
const baudRates = [9600, 115_200];
const bitsPerByte = 10; // 8N1: start bit, 8 data bits, stop bit
const unitId = 1;

/** Deterministic pseudo-random numbers (mulberry32), so every run benches the same map. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Block {
  prefix: string;
  area: RegisterArea;
  start: number;
  tags: number;
  /** Types drawn for this block, with weights. */
  types: [DataType, number][];
  /** Chance that a run of 1–5 spare registers follows a tag (a spare channel, a reserved word). */
  gapChance: number;
}

/**
 * 200 tags as a water works' PLC map lays them out: analog inputs and pump data in input registers, setpoints
 * and configuration in holding registers, totalisers and a dosing controller in blocks far from the rest.
 */
const blocks: Block[] = [
  { prefix: 'ai', area: 'input-register', start: 0, tags: 60, types: [['float32', 3], ['int16', 1]], gapChance: 0.12 },
  { prefix: 'pump', area: 'input-register', start: 400, tags: 36, types: [['uint16', 2], ['int16', 2], ['int32', 1]], gapChance: 0.15 },
  { prefix: 'total', area: 'input-register', start: 3000, tags: 12, types: [['float64', 1]], gapChance: 0.2 },
  { prefix: 'sp', area: 'holding-register', start: 0, tags: 40, types: [['float32', 3], ['int16', 1], ['uint16', 1]], gapChance: 0.1 },
  { prefix: 'cfg', area: 'holding-register', start: 400, tags: 36, types: [['uint16', 2], ['int16', 2], ['int32', 1]], gapChance: 0.15 },
  { prefix: 'dose', area: 'holding-register', start: 5000, tags: 16, types: [['float32', 2], ['int32', 1], ['float64', 1]], gapChance: 0.1 },
];

function benchDevice(): Device {
  const next = random(20_261_124);
  const pick = (types: [DataType, number][]): DataType => {
    let roll = next() * types.reduce((sum, [, w]) => sum + w, 0);
    for (const [type, weight] of types) if ((roll -= weight) < 0) return type;
    return types[0]![0];
  };
  const tags: unknown[] = [];
  for (const block of blocks) {
    let address = block.start;
    for (let i = 0; i < block.tags; i++) {
      const type = pick(block.types);
      const wordOrder = type === 'float32' || type === 'int32' || type === 'float64' ? (next() < 0.5 ? 'ABCD' : 'CDAB') : 'ABCD';
      tags.push({ name: `${block.prefix}${String(i + 1).padStart(2, '0')}`, area: block.area, address, type, wordOrder, pollClass: 'fast' });
      address += registerCount({ type, area: block.area });
      if (next() < block.gapChance) address += 1 + Math.floor(next() * 5);
    }
  }
  return deviceSchema.parse({ id: 'works-plc', name: 'Water works PLC', bus: 'line', unitId, tags });
}

/** Registers the tags occupy, each counted once. */
function registersNeeded(tags: readonly Tag[]): number {
  const used = new Set<string>();
  for (const tag of tags) for (let i = 0; i < registerCount(tag); i++) used.add(`${tag.area}/${tag.address + i}`);
  return used.size;
}

/** The line's arithmetic floor for one cycle of these requests (RTU, FC3/FC4), in ms. */
function lineLimitMs(requests: readonly ReadRequest[], baud: number): number {
  const characters = requests.reduce((sum, r) => sum + 8 + (5 + 2 * r.count) + 2 * 3.5, 0);
  return (characters * bitsPerByte * 1000) / baud;
}

/**
 * The slave's register image: a value per address, below 0x4000 so that any word of a float32 or float64 read as
 * its high word keeps the exponent short of all ones (no NaN or infinity), and every tag decodes to a number.
 */
const registerValue = (area: 'input-register' | 'holding-register', address: number) => (Math.imul(address + (area === 'input-register' ? 1 : 7), 2_654_435_761) >>> 18) & 0x3fff;

/** The slave's answers: every register holds a value derived from its address. */
function slaveVector(): IServiceVector {
  return {
    getInputRegister: (addr: number) => registerValue('input-register', addr),
    getHoldingRegister: (addr: number) => registerValue('holding-register', addr),
    getMultipleInputRegisters: (addr: number, length: number) => Array.from({ length }, (_, i) => registerValue('input-register', addr + i)),
    getMultipleHoldingRegisters: (addr: number, length: number) => Array.from({ length }, (_, i) => registerValue('holding-register', addr + i)),
    getCoil: () => false,
    getDiscreteInput: () => false,
    setRegister: () => undefined,
    setCoil: () => undefined,
  };
}

/** The silence after which the slave takes a request as complete: 3.5 characters, in whole ms (the timer's grain). */
const slaveSilenceMs = (baud: number) => Math.max(1, Math.ceil((3.5 * bitsPerByte * 1000) / baud));

/** modbus-serial's ServerSerial on the slave's end of the line, finding the end of a request by silence. */
async function startSerialSlave(path: string, baud: number): Promise<() => Promise<void>> {
  let server: InstanceType<typeof modbusSerial.ServerSerial> | undefined;
  await new Promise<void>((resolve, reject) => {
    server = new modbusSerial.ServerSerial(slaveVector(), {
      path,
      baudRate: baud,
      unitID: unitId,
      interval: slaveSilenceMs(baud),
      openCallback: (err: Error | null) => (err ? reject(err) : resolve()),
    } as unknown as ConstructorParameters<typeof modbusSerial.ServerSerial>[1]);
    server.on('error', () => undefined);
  });
  return () => new Promise<void>((resolve) => server!.close(() => resolve()));
}

/** modbus-serial's ServerTCP on a free loopback port: only when no serial line can be emulated. */
async function startTcpSlave(): Promise<{ port: number; stop: () => Promise<void> }> {
  const probe = createServer();
  const port = await new Promise<number>((resolve) => probe.listen(0, '127.0.0.1', () => resolve((probe.address() as AddressInfo).port)));
  await new Promise((r) => probe.close(r));
  const server = new modbusSerial.ServerTCP(slaveVector(), { host: '127.0.0.1', port, unitID: unitId });
  await new Promise<void>((resolve, reject) => {
    server.once('initialized', () => resolve());
    server.once('serverError', (err: Error | null) => reject(err ?? new Error('ServerTCP failed')));
  });
  return { port, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

interface RunResult {
  cycles: number[];
  failures: number;
  firstFailure?: string;
}

/** One poll cycle as the device poller runs it: each planned read in turn through the bus queue, then decoded. */
async function cycle(bus: ModbusBus, requests: readonly ReadRequest[]): Promise<void> {
  for (const request of requests) {
    const data = await bus.read(unitId, request.area, request.address, request.count);
    for (const tag of request.tags) decodeTag(tag, sliceFor(tag, request, data));
  }
}

async function run(bus: ModbusBus, requests: readonly ReadRequest[]): Promise<RunResult> {
  const result: RunResult = { cycles: [], failures: 0 };
  const until = performance.now() + secondsPerRun * 1000;
  while (performance.now() < until || result.cycles.length < minCycles) {
    const start = performance.now();
    try {
      await cycle(bus, requests);
      result.cycles.push(performance.now() - start);
    } catch (err) {
      result.failures += 1;
      result.firstFailure ??= err instanceof Error ? err.message : String(err);
      if (result.failures > 5) break;
      // A silent answer puts the unit into backoff; wait it out rather than count refusals.
      await new Promise((r) => setTimeout(r, 1500));
    }
  }
  return result;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((sorted.length * p) / 100) - 1)] ?? NaN;
}

const ms = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(1)).padStart(7);

async function waitOpen(bus: ModbusBus): Promise<void> {
  if (bus.connection === 'open') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bus did not open: ${bus.stats().connectionError ?? bus.connection}`)), 10_000);
    const off = bus.onConnection((state) => {
      if (state === 'open') {
        clearTimeout(timer);
        off();
        resolve();
      }
    });
  });
}

interface Plan {
  name: string;
  requests: ReadRequest[];
}

/**
 * Every plan through one bus, one after the other; prints a row per plan. With `limitMs` (a serial line) each row
 * also has the line's arithmetic limit and the ratio; `beforeRun` / `afterRun` frame each run (line counters).
 */
async function measurePlans(bus: ModbusBus, plans: Plan[], limitMs?: (requests: readonly ReadRequest[]) => number, around?: { before(): Promise<void>; after(): Promise<void> }): Promise<void> {
  await waitOpen(bus);
  // Warm up (JIT, the first reads through the ptys or socket), then measure.
  await cycle(bus, plans[0]!.requests);
  process.stdout.write(`  plan                       requests   cycles   median ms   p95 ms${limitMs ? '   line limit ms   achieved/limit' : ''}\n`);
  const medians: number[] = [];
  for (const plan of plans) {
    await around?.before();
    const result = await run(bus, plan.requests);
    await around?.after();
    const median = percentile(result.cycles, 50);
    medians.push(median);
    const limit = limitMs?.(plan.requests);
    process.stdout.write(
      `  ${plan.name.padEnd(26)} ${String(plan.requests.length).padStart(8)} ${String(result.cycles.length).padStart(8)} ${ms(median)}     ${ms(percentile(result.cycles, 95))}` +
        (limit === undefined ? '\n' : `  ${ms(limit)}         ${(median / limit).toFixed(2).padStart(6)}\n`),
    );
    if (result.failures > 0) process.stdout.write(`    ${result.failures} failed cycle(s); first: ${result.firstFailure}\n`);
  }
  if (medians.length === 2) process.stdout.write(`  median cycle, one request per tag / planner: ${(medians[1]! / medians[0]!).toFixed(2)}×\n`);
}

/**
 * The plans over an emulated line at `baud`; with `paced: false` the same ptys, relay and slave pass bytes on at
 * once, which shows the path's own overhead (agent, modbus-serial, ptys, socat, slave timers) without the line.
 */
async function measureLine(baud: number, plans: Plan[], paced = true): Promise<void> {
  const line = await startPacedSerialLine({ baudRate: baud, bitsPerByte, paced }).catch((err: unknown) => {
    throw new LineUnavailable(err instanceof Error ? err.message : String(err));
  });
  let stopSlave: (() => Promise<void>) | undefined;
  let bus: ModbusBus | undefined;
  try {
    stopSlave = await startSerialSlave(line.slave, baud);
    // Generous: a full 125-register read at this speed, four times over.
    const timeoutMs = Math.max(1000, Math.ceil(lineLimitMs([{ area: 'holding-register', address: 0, count: 125, tags: [] }], baud) * 4));
    bus = new ModbusBus(busSchema.parse({ id: 'line', kind: 'rtu', path: line.master, baudRate: baud, timeoutMs }));
    process.stdout.write(
      paced
        ? `\n${baud} baud 8N1, emulated serial line (${secondsPerRun} s or at least ${minCycles} cycles per plan)\n`
        : `\nno pacing: the same ptys, relay and slave (silence ${slaveSilenceMs(baud)} ms), bytes passed on at once: the path's own overhead\n`,
    );
    const lateness: LineStats[] = [];
    await measurePlans(bus, plans, paced ? (requests) => lineLimitMs(requests, baud) : undefined, {
      before: () => line.reset(),
      after: async () => void lateness.push(await line.stats()),
    });
    if (paced) {
      process.stdout.write(
        `  note: the bus keeps the RTU silence (3.5 characters, 1.75 ms above 19200 baud) after each answer before the next request, as the limit counts it\n`,
      );
    }
    const chunks = lateness.reduce((sum, s) => sum + s.chunks, 0);
    const meanLate = lateness.reduce((sum, s) => sum + s.meanLateMs * s.chunks, 0) / Math.max(1, chunks);
    const lateOver1 = lateness.reduce((sum, s) => sum + s.lateOver1Ms, 0);
    const maxLate = Math.max(...lateness.map((s) => s.maxLateMs));
    process.stdout.write(
      `  line emulator: ${chunks} frames carried, late by ${(meanLate * 1000).toFixed(0)} µs on average, ${lateOver1} later than 1 ms, worst ${maxLate.toFixed(1)} ms` +
        (paced ? `; slave takes ${slaveSilenceMs(baud)} ms of silence as end of request (3.5 characters: ${((3.5 * bitsPerByte * 1000) / baud).toFixed(2)} ms)\n` : '\n'),
    );
  } finally {
    await bus?.close();
    await stopSlave?.();
    await line.stop();
  }
}

class LineUnavailable extends Error {}

/** No serial line to be had (socat missing, no ptys): the same cycles over Modbus TCP, said loudly. */
async function measureOverTcp(plans: Plan[], reason: string): Promise<void> {
  process.stdout.write(
    `\n*** NO EMULATED SERIAL LINE: ${reason}\n*** Measured over Modbus TCP on loopback against modbus-serial's ServerTCP instead; no line limit applies.\n`,
  );
  const slave = await startTcpSlave();
  const bus = new ModbusBus(busSchema.parse({ id: 'tcp', kind: 'tcp', host: '127.0.0.1', port: slave.port, timeoutMs: 2000 }));
  try {
    await measurePlans(bus, plans);
  } finally {
    await bus.close();
    await slave.stop();
  }
}

async function main(): Promise<void> {
  const script = process.argv[1] ?? 'dist/bench/modbus-poll.js';
  const shown = relative(process.cwd(), script);
  const command = ['node', shown.startsWith('..') || isAbsolute(shown) ? script : shown, ...process.argv.slice(2)].join(' ');
  const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
  process.stdout.write(`Modbus poll efficiency (issue 5)\ncommand: ${command}\nat ${new Date().toISOString()}, load average ${load()}\n`);

  const device = benchDevice();
  const tags = device.tags;
  const planned = planReads(tags, { maxGap: device.maxGap });
  const naive: ReadRequest[] = tags.map((tag) => ({ area: tag.area, address: tag.address, count: registerCount(tag), tags: [tag] }));
  const minimum = minimumRequests(tags);
  const byType = new Map<string, number>();
  for (const tag of tags) byType.set(tag.type, (byType.get(tag.type) ?? 0) + 1);
  const byArea = new Map<string, number>();
  for (const tag of tags) byArea.set(tag.area, (byArea.get(tag.area) ?? 0) + 1);
  const needed = registersNeeded(tags);
  const read = planned.reduce((sum, r) => sum + r.count, 0);

  process.stdout.write(`\nprofile: ${tags.length} tags on one device (maxGap ${device.maxGap}); `);
  process.stdout.write(`${[...byArea].map(([a, n]) => `${n} ${a}`).join(', ')}; ${[...byType].map(([t, n]) => `${n} ${t}`).join(', ')}\n`);
  process.stdout.write(`  blocks: ${blocks.map((b) => `${b.prefix} ${b.area === 'input-register' ? 'IR' : 'HR'} ${b.start}`).join(', ')}\n`);
  process.stdout.write(`  planned reads: ${planned.map((r) => `${r.area === 'input-register' ? 'IR' : 'HR'} ${r.address}+${r.count}`).join(', ')}\n`);
  process.stdout.write(`\nrequests per cycle\n`);
  process.stdout.write(`  planner (planReads)          ${String(planned.length).padStart(4)}   planner / minimum ${(planned.length / minimum).toFixed(2)}\n`);
  process.stdout.write(`  minimum (minimumRequests)    ${String(minimum).padStart(4)}\n`);
  process.stdout.write(`  one request per tag          ${String(naive.length).padStart(4)}   per-tag / planner ${(naive.length / planned.length).toFixed(1)}\n`);
  process.stdout.write(`registers per cycle\n`);
  process.stdout.write(`  read by the planner (gaps spanned)   ${String(read).padStart(4)}   read / needed ${(read / needed).toFixed(3)}\n`);
  process.stdout.write(`  needed by the tags                   ${String(needed).padStart(4)}\n`);
  process.stdout.write(`line limit = Σ (8 + 5 + 2·count + 2 × 3.5) characters × ${bitsPerByte} bits / baud\n`);

  const plans = [
    { name: 'planner', requests: planned },
    { name: 'one request per tag', requests: naive },
  ];
  let lineWorks = true;
  for (const baud of baudRates) {
    try {
      await measureLine(baud, plans);
    } catch (err) {
      // Only a line that cannot be set up falls back; a failure once measuring has begun is a finding, not a fallback.
      if (!(err instanceof LineUnavailable)) throw err;
      await measureOverTcp(plans, err.message);
      lineWorks = false;
      break;
    }
  }
  if (lineWorks) await measureLine(Math.max(...baudRates), plans, false);
  process.stdout.write(`\nload average at the end ${load()} (a loaded machine stretches cycles; the limits do not move)\n`);
}

await main();
