/**
 * The measuring half of bench/telemetry-fleet.ts: the console as its own process, what /proc says about it, the
 * live pages that time each reading's arrival, and one measured window over a running fleet simulation.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
import type { FleetSim } from '../scripts/fleet-sim.js';
import { dist } from './stack.js';

const clockTicksPerSecond = 100;
/** Backlog growth over a window, in periods of the whole fleet's readings, still counted as keeping up. */
export const sustainedBacklogPeriods = 5;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function cpuTicks(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at its closing parenthesis: utime is 14th, stime 15th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** Nanoseconds the process's main thread (the one that stores) spent runnable but waiting for a CPU. */
async function runQueueWaitNs(pid: number): Promise<number> {
  return Number((await readFile(`/proc/${pid}/schedstat`, 'utf8')).split(' ')[1]);
}

/** Microseconds in which some runnable task on the machine waited for a CPU (Linux PSI); undefined without PSI. */
async function cpuPressureUs(): Promise<number | undefined> {
  try {
    return Number(/^some .*total=(\d+)/m.exec(await readFile('/proc/pressure/cpu', 'utf8'))?.[1]);
  } catch {
    return undefined;
  }
}

async function rssMiB(pid: number): Promise<number> {
  return Number(/VmRSS:\s+(\d+)/.exec(await readFile(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;
}

export interface ConsoleProcess {
  url: string;
  child: ChildProcess;
  /** The console's last lines of output, for when something goes wrong. */
  tail: string[];
  stop(): Promise<void>;
}

/** The console from dist/ with its data in `data`; its output is drained (it logs every agent that connects). */
export async function startConsole(data: string, password: string, profileDir?: string): Promise<ConsoleProcess> {
  const profile = profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
  const child = spawn(process.execPath, [...profile, join(dist, 'console/server/cli.js'), '--data', data, '--port', '0', '--host', '127.0.0.1'], {
    env: { ...process.env, GATEHOUSE_ADMIN_PASSWORD: password },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail: string[] = [];
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = await new Promise<string>((resolve, reject) => {
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on('line', (text) => {
        tail.push(text);
        if (tail.length > 40) tail.shift();
        const found = /Gatehouse console at (\S+)/.exec(text);
        if (found) resolve(found[1]!);
      });
    }
    void exited.then(() => reject(new Error(`the console exited: ${tail.join('\n')}`)));
  });
  return {
    url,
    child,
    tail,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Arrival − reading time of every tag update the live pages receive while `on`. */
export interface LatencyLog {
  on: boolean;
  values: number[];
}

/** An administrator's page watching one site live (`watch-site` on /api/live), as the site page does. */
export function watchSite(url: string, cookie: string, siteId: string, log: LatencyLog): Promise<WebSocket> {
  const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/api/live`, { headers: { cookie, origin: new URL(url).origin }, perMessageDeflate: false });
  socket.on('message', (data: Buffer) => {
    const now = Date.now();
    if (!log.on) return;
    const text = data.toString('utf8');
    // Host changes (every status report of every gateway) come on the same socket; only readings are timed.
    if (!text.startsWith('{"type":"site-tags"')) return;
    for (const tag of (JSON.parse(text) as { tags: Array<{ ts: string }> }).tags) log.values.push(now - Date.parse(tag.ts));
  });
  return new Promise((resolve, reject) => {
    socket.once('open', () => {
      socket.send(JSON.stringify({ type: 'watch-site', siteId }));
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** The current millisecond has passed: every read before this call has ts < the returned time, every read after ≥. */
function markTime(): number {
  const before = Date.now();
  let now = before;
  while (now === before) now = Date.now();
  return now;
}

export interface WindowResult {
  from: number;
  to: number;
  seconds: number;
  samplesRead: number;
  samplesAcked: number;
  backlogBefore: number;
  backlogAfter: number;
  dropped: number;
  reconnects: number;
  consoleCpuSeconds: number;
  consoleWaitSeconds: number;
  /** Share of the window in which some task on the machine waited for a CPU; undefined without PSI. */
  machinePressure: number | undefined;
  consoleRssMiB: number;
  /** Sorted, ms. */
  latencies: number[];
  ackLags: number[];
  benchCpuSeconds: number;
  benchLoopDelayP99Ms: number;
  /** The window in about ten slices: the console's CPU share of one core and what it stored per second in each. */
  slices: Array<{ seconds: number; consoleCpuShare: number; storedPerSecond: number }>;
  /** Stored at the rate read, with no growing backlog and nothing dropped. */
  sustained: boolean;
}

/** Measure one window of `seconds` over the running fleet and console. */
export async function measureWindow(fleet: FleetSim, consolePid: number, seconds: number, log: LatencyLog, gateways: number): Promise<WindowResult> {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  const [ticks0, wait0, pressure0] = [await cpuTicks(consolePid), await runQueueWaitNs(consolePid), await cpuPressureUs()];
  const self0 = process.cpuUsage();
  const s0 = fleet.stats();
  const from = markTime();
  fleet.takeAckLags();
  log.values = [];
  log.on = true;
  loop.enable();

  // Slices show a trend the whole window's average hides (the cost of storing grows with the history).
  const slices: WindowResult['slices'] = [];
  const sliceSeconds = Math.max(5, Math.ceil(seconds / 10));
  let [sliceTicks, sliceAcked, elapsed] = [ticks0, s0.samplesAcked, 0];
  while (elapsed < seconds) {
    const step = Math.min(sliceSeconds, seconds - elapsed);
    await sleep(step * 1000);
    elapsed += step;
    const [ticks, acked] = [await cpuTicks(consolePid), fleet.stats().samplesAcked];
    slices.push({ seconds: step, consoleCpuShare: (ticks - sliceTicks) / clockTicksPerSecond / step, storedPerSecond: (acked - sliceAcked) / step });
    [sliceTicks, sliceAcked] = [ticks, acked];
  }

  const s1 = fleet.stats();
  const to = markTime();
  log.on = false;
  loop.disable();
  const [ticks1, wait1, pressure1] = [await cpuTicks(consolePid), await runQueueWaitNs(consolePid), await cpuPressureUs()];
  const self = process.cpuUsage(self0);
  const window = (to - from) / 1000;
  const samplesRead = s1.samplesRead - s0.samplesRead;
  const samplesAcked = s1.samplesAcked - s0.samplesAcked;
  const dropped = s1.droppedBatches - s0.droppedBatches;
  return {
    from,
    to,
    seconds: window,
    samplesRead,
    samplesAcked,
    backlogBefore: s0.backlogBatches,
    backlogAfter: s1.backlogBatches,
    dropped,
    reconnects: s1.reconnects - s0.reconnects,
    consoleCpuSeconds: (ticks1 - ticks0) / clockTicksPerSecond,
    consoleWaitSeconds: (wait1 - wait0) / 1e9,
    machinePressure: pressure0 === undefined || pressure1 === undefined ? undefined : (pressure1 - pressure0) / 1e6 / window,
    consoleRssMiB: await rssMiB(consolePid),
    latencies: log.values.splice(0).sort((a, b) => a - b),
    ackLags: fleet.takeAckLags().sort((a, b) => a - b),
    benchCpuSeconds: (self.user + self.system) / 1e6,
    benchLoopDelayP99Ms: loop.percentile(99) / 1e6,
    slices,
    // Stored what was read, nothing dropped, and the backlog grew by at most a few periods: the minute rollup holds
    // the console for a second or more, and the window may end inside one (latency shows those stalls anyway).
    sustained: samplesAcked >= 0.98 * samplesRead && s1.backlogBatches - s0.backlogBatches <= sustainedBacklogPeriods * gateways && dropped === 0,
  };
}

/** Stop reading and wait (up to `timeoutMs`) until the console has acknowledged everything read. */
export async function drain(fleet: FleetSim, timeoutMs = 120_000): Promise<number> {
  fleet.pause();
  const deadline = Date.now() + timeoutMs;
  while (fleet.stats().backlogBatches > 0 && Date.now() < deadline) await sleep(250);
  return fleet.stats().backlogBatches;
}
