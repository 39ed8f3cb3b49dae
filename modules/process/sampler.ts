/**
 * Process snapshots with CPU use, in the operator's units (bytes, ISO times, user names, percent).
 *
 * CPU use is a rate, so it needs two readings: we keep the previous sample's ticks per process in module state
 * and report the share of one CPU each process used since then (top's convention: a process busy on two
 * cores shows 200). A fresh agent, or one not asked for a while, takes its own baseline first.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { GatehouseError } from '../kernel/errors.js';
import type { ProcessInfo } from './contract.js';
import { kernelUnits } from './auxv.js';
import { processKey, readBootTimeMs, readCpuTicks, readProcesses } from './proc.js';
import { userNames } from './users.js';

/** Gap between the two readings of a first call: long enough for 10 ms ticks to mean something (±5 %). */
const primingDelayMs = 200;
/** A previous sample older than this describes the past, not now; take a fresh baseline instead. */
const maxBaselineAgeMs = 10_000;
/** Shortest interval we divide by; calls closer together than this wait, so one tick cannot read as 100 %. */
const minIntervalMs = 200;

export interface ProcessSnapshot {
  processes: ProcessInfo[];
  sampledAt: string;
}

interface TickSample {
  /** performance.now() at the middle of the pass that read the ticks. */
  takenAt: number;
  ticks: Map<string, number>;
}

let previous: TickSample | undefined;
// Calls that overlap share one sample: two operators' pages polling at once cost one /proc pass, and
// neither leaves the other a baseline a few milliseconds old.
let inFlight: Promise<ProcessSnapshot> | undefined;

/** Every process now, with CPU use since the last sample (or over ~200 ms when there is no recent one). */
export function sampleProcesses(signal: AbortSignal): Promise<ProcessSnapshot> {
  inFlight ??= takeSnapshot().finally(() => {
    inFlight = undefined;
  });
  return abortable(inFlight, signal);
}

/** Forget the previous sample, so the next call primes afresh (tests; a long suspend). */
export function resetCpuBaseline(): void {
  previous = undefined;
}

async function takeSnapshot(): Promise<ProcessSnapshot> {
  let baseline = previous;
  const age = baseline ? performance.now() - baseline.takenAt : Infinity;
  if (!baseline || age > maxBaselineAgeMs) {
    const start = performance.now();
    const ticks = await readCpuTicks();
    baseline = { takenAt: (start + performance.now()) / 2, ticks };
    await delay(primingDelayMs);
  } else if (age < minIntervalMs) {
    await delay(minIntervalMs - age);
  }

  const start = performance.now();
  const records = await readProcesses();
  const takenAt = (start + performance.now()) / 2;
  const sampledAt = new Date().toISOString();
  const bootMs = readBootTimeMs();
  const { clockTicks, pageSize } = kernelUnits();
  const userOf = userNames();
  const seconds = (takenAt - baseline.takenAt) / 1000;
  const before = baseline.ticks;
  const ticks = new Map<string, number>();

  const processes = records.map((record): ProcessInfo => {
    const key = processKey(record.pid, record.startTicks);
    ticks.set(key, record.cpuTicks);
    // A process born since the baseline counts from zero, as in top: it reads low for one interval, never high.
    const used = Math.max(0, record.cpuTicks - (before.get(key) ?? 0)) / clockTicks;
    return {
      pid: record.pid,
      ppid: record.ppid,
      user: userOf(record.uid),
      uid: record.uid,
      name: record.name,
      command: record.command,
      state: record.state,
      cpuPercent: seconds > 0 ? Math.round((used / seconds) * 1000) / 10 : 0,
      residentBytes: record.residentPages * pageSize,
      virtualBytes: record.virtualBytes,
      nice: record.nice,
      threads: record.threads,
      startedAt: new Date(bootMs + (record.startTicks / clockTicks) * 1000).toISOString(),
    };
  });
  previous = { takenAt, ticks };
  return { processes, sampledAt };
}

function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(cancelled());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(cancelled());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function cancelled(): GatehouseError {
  return new GatehouseError('cancelled', 'The process list was cancelled', { module: 'process' });
}
