/**
 * Telemetry ingest at fleet scale, end to end (issue 5 benchmark): a console as its own process from dist/, and
 * in this process a fleet of simulated gateways (scripts/fleet-sim.ts: real enrollment, handshake and frames),
 * by default 1,000 × 50 tags at 1 s, measured over a window after a warm-up:
 *
 * - samples stored per second (acknowledged by the console during the window), confirmed afterwards by counting
 *   the rows in the console's own database whose reading time falls in the window;
 * - the console's CPU over the window (/proc/<pid>/stat) and samples per console CPU-second (the "one core"
 *   figure: the console stores on one thread), with how long it waited for a CPU on a shared machine;
 * - sensor-read-to-browser latency: logged-in /api/live sockets watching a few sites; latency = arrival − the
 *   reading's ts (one machine, one clock);
 * - acknowledgement lag (read → stored and acknowledged), and what the simulator itself cost this process.
 *
 * When the console does not keep up, the offered rate is stepped down (longer periods, same fleet) until it does,
 * and that highest sustained rate is measured too. Goals: 50,000 samples/s sustained, p99 latency under 250 ms.
 * The peer for speed is the bare database, measured in the same run by bench/telemetry-ingest.ts (plain
 * better-sqlite3 INSERTs of the same rows) after the console has stopped, so the two never share the machine.
 * Run after `npm run build`:
 * `node dist/bench/telemetry-fleet.js [--gateways 1000] [--tags 50] [--period 1000] [--seconds 60] [--warmup 20]
 *  [--watch 3] [--step-seconds 60] [--peer-seconds 5] [--profile DIR]` (`--step-seconds 0` measures only the
 *  asked rate, `--peer-seconds 0` skips the peer, `--profile` has the console write a CPU profile to DIR).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import type WebSocket from 'ws';
import { cookieApi, startFleetSim, type FleetSim } from '../scripts/fleet-sim.js';
import { drain, measureWindow, percentile, sleep, startConsole, watchSite, type ConsoleProcess, type LatencyLog, type WindowResult } from './fleet-window.js';
import { dist } from './stack.js';

const run = promisify(execFile);
const goalSamplesPerSecond = 50_000;
const goalP99Ms = 250;
const password = 'bench-password-123';
/** Offered rates tried, as shares of the asked one, when the console does not keep up. */
const stepShares = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2];

function option(name: string, fallback: number, min: number, max: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`--${name} takes a whole number from ${min} to ${max}`);
  return value;
}

const gateways = option('gateways', 1000, 1, 20_000);
const tagsPerGateway = option('tags', 50, 1, 1000);
const periodMs = option('period', 1000, 50, 60_000);
const seconds = option('seconds', 60, 5, 3600);
const warmupSeconds = option('warmup', 20, 0, 600);
const watchedSites = option('watch', 3, 0, 100);
const stepSeconds = option('step-seconds', 60, 0, 600);
const peerSeconds = option('peer-seconds', 5, 0, 600);
const profileIndex = process.argv.indexOf('--profile');
const profileDir = profileIndex >= 0 ? process.argv[profileIndex + 1] : undefined;

const line = (s: string) => process.stdout.write(`${s}\n`);
const fmt = (n: number) => Math.round(n).toLocaleString('en');
const offeredAt = (period: number) => (gateways * tagsPerGateway * 1000) / period;

function report(title: string, w: WindowResult): void {
  const stored = w.samplesAcked / w.seconds;
  const pressure = w.machinePressure === undefined ? 'unknown' : `${(w.machinePressure * 100).toFixed(0)} %`;
  line(title);
  line(`  read by the gateways              ${fmt(w.samplesRead / w.seconds).padStart(9)} samples/s (${fmt(w.samplesRead)} in ${w.seconds.toFixed(1)} s)`);
  line(`  stored (acknowledged)             ${fmt(stored).padStart(9)} samples/s  ${w.sustained ? 'sustained' : 'NOT sustained'} (${((w.samplesAcked / w.samplesRead) * 100).toFixed(1)} % of read; backlog ${w.backlogBefore} → ${w.backlogAfter} batches, ≈ ${(w.backlogAfter / gateways).toFixed(1)} periods; dropped ${w.dropped}; reconnects ${w.reconnects})`);
  line(`  console CPU                       ${((w.consoleCpuSeconds / w.seconds) * 100).toFixed(0).padStart(9)} % of one core, ${w.consoleRssMiB.toFixed(0)} MiB resident`);
  line(`  console waiting for a CPU         ${((w.consoleWaitSeconds / w.seconds) * 100).toFixed(0).padStart(9)} % of the window (runnable, not running); machine CPU pressure ${pressure} (PSI some)`);
  line(`  stored per console CPU-second     ${fmt(w.samplesAcked / w.consoleCpuSeconds).padStart(9)} samples/CPU-s`);
  const slices = w.slices.map((s) => `${(s.consoleCpuShare * 100).toFixed(0)}%/${fmt(s.storedPerSecond / 1000)}k`).join(' ');
  line(`  console CPU / stored, by ${w.slices[0]?.seconds ?? 0} s      ${slices}`);
  line(`  read → browser latency            median ${percentile(w.latencies, 50).toFixed(0)} ms, p99 ${percentile(w.latencies, 99).toFixed(0)} ms, max ${(w.latencies.at(-1) ?? NaN).toFixed(0)} ms (${fmt(w.latencies.length)} tag updates)`);
  line(`  read → acknowledged lag           median ${percentile(w.ackLags, 50).toFixed(0)} ms, p99 ${percentile(w.ackLags, 99).toFixed(0)} ms (${fmt(w.ackLags.length)} batches)`);
  line(`  this process (simulator, pages)   ${((w.benchCpuSeconds / w.seconds) * 100).toFixed(0).padStart(9)} % of one core, event-loop delay p99 ${w.benchLoopDelayP99Ms.toFixed(1)} ms (adds to the latency above)`);
}

/** Rows in the console's history read within [from, to), counted in its own database after it stopped. */
function storedRows(data: string, from: number, to: number): { inWindow: number; all: number } {
  const db = new BetterSqlite3(join(data, 'gatehouse.db'), { readonly: true, fileMustExist: true });
  try {
    const inWindow = (db.prepare('select count(*) as n from telemetry_raw where ts >= ? and ts < ?').get(from, to) as { n: number }).n;
    const all = (db.prepare('select count(*) as n from telemetry_raw').get() as { n: number }).n;
    return { inWindow, all };
  } finally {
    db.close();
  }
}

/** The bare database's rate from bench/telemetry-ingest.ts (same machine, same run), or why there is none. */
async function barePeer(): Promise<{ bare?: number; store?: number; note: string }> {
  if (peerSeconds === 0) return { note: 'skipped (--peer-seconds 0)' };
  try {
    const args = [join(dist, 'bench/telemetry-ingest.js'), '--seconds', String(peerSeconds), '--hosts', String(gateways), '--tags', String(tagsPerGateway)];
    const { stdout } = await run(process.execPath, args, { maxBuffer: 1 << 20, timeout: 20 * 60_000 });
    const rate = (label: RegExp) => {
      const found = new RegExp(`${label.source}\\s+([\\d,]+) samples/CPU-s`).exec(stdout);
      return found ? Number(found[1]!.replace(/,/g, '')) : undefined;
    };
    return { bare: rate(/bare better-sqlite3 INSERT \(peer\)/), store: rate(/TelemetryStore\.ingest \(prepared statements\)/), note: `bench/telemetry-ingest.js --seconds ${peerSeconds}` };
  } catch (err) {
    return { note: `bench/telemetry-ingest.js could not run: ${(err as Error).message.split('\n')[0]}` };
  }
}

/** Step the offered rate down until the console keeps up; the first window that is sustained, if any. */
async function highestSustained(fleet: FleetSim, pid: number, log: LatencyLog): Promise<{ share: number; window: WindowResult } | undefined> {
  for (const share of stepShares) {
    const left = await drain(fleet);
    if (left > 0) throw new Error(`the console did not catch up within 2 minutes (${left} batches left)`);
    fleet.resume(Math.round(periodMs / share));
    await sleep(Math.min(10, stepSeconds) * 1000);
    const window = await measureWindow(fleet, pid, stepSeconds, log, gateways);
    line(`  … ${fmt(offeredAt(periodMs / share))} samples/s offered: stored ${fmt(window.samplesAcked / window.seconds)}/s, ${window.sustained ? 'sustained' : 'not sustained'}`);
    if (window.sustained) return { share, window };
  }
  return undefined;
}

async function main(): Promise<void> {
  const data = await mkdtemp(join(tmpdir(), 'gh-bench-fleet-'));
  let console_: ConsoleProcess | undefined;
  let fleet: FleetSim | undefined;
  const sockets: WebSocket[] = [];
  try {
    line(`telemetry ingest, end to end: ${gateways} gateways × ${tagsPerGateway} tags every ${periodMs} ms (${fmt(offeredAt(periodMs))} samples/s offered), ${warmupSeconds} s warm-up, ${seconds} s measured`);
    console_ = await startConsole(data, password, profileDir);
    const pid = console_.child.pid!;
    const login = await fetch(`${console_.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) });
    if (login.status !== 200) throw new Error(`login failed: ${login.status}`);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;

    fleet = await startFleetSim({ consoleUrl: console_.url, api: cookieApi(console_.url, cookie), gateways, tagsPerGateway, periodMs, dataDir: join(data, 'fleet') });
    line(`  setup (enroll, connect, profile) ${(fleet.setupMs / 1000).toFixed(1)} s for ${gateways} gateways in ${fleet.sites.length} sites; ${Math.min(watchedSites, fleet.sites.length)} sites watched live`);
    const log: LatencyLog = { on: false, values: [] };
    for (const site of fleet.sites.slice(0, watchedSites)) sockets.push(await watchSite(console_.url, cookie, site.id, log));
    await sleep(warmupSeconds * 1000);

    const asked = await measureWindow(fleet, pid, seconds, log, gateways);
    report(`at the asked rate (${fmt(offeredAt(periodMs))} samples/s offered):`, asked);
    let best: { share: number; window: WindowResult } | undefined;
    if (!asked.sustained && stepSeconds > 0) {
      line('stepping the offered rate down (same fleet, longer period) until the console keeps up:');
      best = await highestSustained(fleet, pid, log);
      if (best) report(`highest sustained rate tried (${fmt(offeredAt(periodMs / best.share))} samples/s offered, period ${Math.round(periodMs / best.share)} ms):`, best.window);
      else line(`  not sustained even at ${fmt(offeredAt(periodMs / stepShares.at(-1)!))} samples/s offered`);
    }

    const left = await drain(fleet);
    for (const socket of sockets) socket.close();
    await fleet.stop();
    fleet = undefined;
    await console_.stop();
    try {
      const rows = storedRows(data, asked.from, asked.to);
      const exact = rows.inWindow === asked.samplesRead ? 'every one, once' : `${fmt(asked.samplesRead - rows.inWindow)} missing`;
      line(`rows in the console's database: ${fmt(rows.inWindow)} read in the first window, of ${fmt(asked.samplesRead)} read (${exact}); ${fmt(rows.all)} in all${left > 0 ? `; ${left} batches never acknowledged` : ''}`);
    } catch (err) {
      line(`rows in the console's database: could not be counted: ${(err as Error).message.split('\n')[0]}`);
    }

    const peer = await barePeer();
    const perCpu = (w: WindowResult) => w.samplesAcked / w.consoleCpuSeconds;
    const p99 = (w: WindowResult) => percentile(w.latencies, 99);
    const atGoalRate = asked.samplesAcked / asked.seconds;
    line('against the goals:');
    line(`  50,000 samples/s stored           ${(atGoalRate / goalSamplesPerSecond).toFixed(2)} × goal at the asked rate (${asked.sustained ? 'sustained' : 'not sustained'})${best ? `; highest sustained ${(best.window.samplesAcked / best.window.seconds / goalSamplesPerSecond).toFixed(2)} ×` : ''}`);
    line(`  per console CPU-second            ${(perCpu(asked) / goalSamplesPerSecond).toFixed(2)} × goal (what one whole core would store at this cost)`);
    line(`  p99 latency < 250 ms              ${(p99(asked) / goalP99Ms).toFixed(2)} × the limit at the asked rate${best ? `; ${(p99(best.window) / goalP99Ms).toFixed(2)} × at the highest sustained rate` : ''}`);
    if (peer.bare !== undefined) {
      line(`  bare better-sqlite3 INSERT (peer) ${fmt(peer.bare).padStart(9)} samples/CPU-s (${peer.note}); TelemetryStore.ingest alone ${peer.store === undefined ? '?' : fmt(peer.store)}`);
      line(`  end to end / bare insert          ${(perCpu(asked) / peer.bare).toFixed(2)} (per CPU-second)`);
    } else line(`  bare insert peer                  ${peer.note}`);
  } catch (err) {
    if (console_) process.stderr.write(`console output (last lines):\n${console_.tail.join('\n')}\n`);
    throw err;
  } finally {
    for (const socket of sockets) socket.terminate();
    await fleet?.stop().catch(() => undefined);
    await console_?.stop().catch(() => undefined);
    await rm(data, { recursive: true, force: true });
  }
}

await main();
