/**
 * Telemetry ingest into the console's embedded SQLite store (issue 5 benchmark): 1,000 gateways × 50 tags at
 * 1 s, each gateway's second arriving as one `telemetry` frame (one batch), all through TelemetryStore.ingest
 * on a database made by the real migrations in a temporary data directory. The peer, measured in the same run
 * on the same machine: plain better-sqlite3 — one prepared INSERT of the same rows, one transaction per frame,
 * into a table with the same key — which is the bare database's cost; the ratio is our overhead over it
 * (validation, de-duplication, tag interning, newest readings, rollup marks, Kysely).
 *
 * Prints samples/s (goal: 50,000 sustained at one core), the ratio to the peer, and stored bytes per sample.
 * Frames are generated before each simulated second's clock starts, so only storing is timed. Run after
 * `npm run build`: `node dist/bench/telemetry-ingest.js [--seconds 30] [--hosts 1000] [--tags 50]`.
 */
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TelemetryBatch } from '../modules/kernel/telemetry.js';
import { migrateToLatest } from '../console/server/storage/migrate.js';
import type { Database } from '../console/server/storage/schema.js';
import { createSqliteKysely } from '../console/server/storage/sqlite.js';
import { TelemetryStore } from '../console/server/telemetry/store.js';

function option(name: string, fallback: number, min: number, max: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`--${name} takes a whole number from ${min} to ${max}`);
  return value;
}

const seconds = option('seconds', 30, 1, 3600);
const hosts = option('hosts', 1000, 1, 100_000);
const tagsPerHost = option('tags', 50, 1, 5000);
/** Every tenth tag is a pump's run state (a boolean); the rest are analog readings. */
const isBoolean = (tag: number) => tag % 10 === 9;
const start = Date.UTC(2026, 0, 1);

interface Frame {
  host: number;
  hostId: string;
  stream: string;
  batches: TelemetryBatch[];
}

/** What a plant sends: analog values wandering a little, run states flipping now and then; a little jitter in time. */
function framesFor(second: number, values: Float64Array): Frame[] {
  const frames: Frame[] = [];
  for (let host = 0; host < hosts; host++) {
    const ts = start + second * 1000 + (host % 250);
    const samples = [];
    for (let tag = 0; tag < tagsPerHost; tag++) {
      const i = host * tagsPerHost + tag;
      if (isBoolean(tag)) {
        if (Math.random() < 0.01) values[i] = values[i] ? 0 : 1;
        samples.push({ tag: `dev${tag >> 4}.t${tag}`, ts, value: values[i] === 1, quality: 'good' as const });
      } else {
        values[i] = Math.round((values[i]! + (Math.random() - 0.5)) * 1000) / 1000;
        samples.push({ tag: `dev${tag >> 4}.t${tag}`, ts, value: values[i]!, quality: 'good' as const });
      }
    }
    frames.push({ host, hostId: `gw-${String(host).padStart(5, '0')}`, stream: 'a1b2c3d4e5f60718', batches: [{ seq: second, samples }] });
  }
  return frames;
}

/** The console's database as sqlite.ts opens it; with `prepared`, the store also gets the handle (its fast path). */
async function openOurs(file: string, prepared: boolean): Promise<{ db: Kysely<Database>; store: TelemetryStore }> {
  if (!prepared) {
    const db = createSqliteKysely(file);
    await migrateToLatest(db);
    return { db, store: new TelemetryStore(db) };
  }
  const sqlite = new BetterSqlite3(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  await migrateToLatest(db);
  return { db, store: new TelemetryStore(db, { sqlite }) };
}

interface Run {
  seconds: number;
  cpuSeconds: number;
  samples: number;
  worstSecond: number;
}

async function runOurs(file: string, prepared: boolean): Promise<Run> {
  const { db, store } = await openOurs(file, prepared);
  const values = new Float64Array(hosts * tagsPerHost);
  let busyMs = 0;
  let worst = 0;
  let samples = 0;
  let cpu = 0;
  for (let second = 0; second < seconds; second++) {
    const frames = framesFor(second, values);
    const cpuBefore = process.cpuUsage();
    const t = performance.now();
    // Frames of one second arrive from every gateway at once; the store orders them per host.
    const results = await Promise.all(frames.map((f) => store.ingest(f.hostId, f.stream, f.batches)));
    const took = performance.now() - t;
    const used = process.cpuUsage(cpuBefore);
    cpu += (used.user + used.system) / 1e6;
    busyMs += took;
    worst = Math.max(worst, took);
    for (const r of results) samples += r.stored;
  }
  await db.destroy();
  return { seconds: busyMs / 1000, cpuSeconds: cpu, samples, worstSecond: worst / 1000 };
}

/** The bare database: the same rows, one prepared INSERT, one transaction per frame, the same table and key. */
async function runPeer(file: string, rawTableSql: string): Promise<Run> {
  const sqlite = new BetterSqlite3(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.exec(rawTableSql);
  const insert = sqlite.prepare('insert into telemetry_raw (tag_id, ts, value, quality) values (?, ?, ?, ?)');
  const writeFrame = sqlite.transaction((frame: Frame) => {
    for (const batch of frame.batches) {
      batch.samples.forEach((s, tag) => {
        insert.run(frame.host * tagsPerHost + tag + 1, s.ts, typeof s.value === 'boolean' ? (s.value ? 1 : 0) : s.value, 0);
      });
    }
  });
  const values = new Float64Array(hosts * tagsPerHost);
  let busyMs = 0;
  let samples = 0;
  let cpu = 0;
  let worst = 0;
  for (let second = 0; second < seconds; second++) {
    const frames = framesFor(second, values);
    const cpuBefore = process.cpuUsage();
    const t = performance.now();
    for (const frame of frames) writeFrame(frame);
    const took = performance.now() - t;
    const used = process.cpuUsage(cpuBefore);
    cpu += (used.user + used.system) / 1e6;
    busyMs += took;
    worst = Math.max(worst, took);
    samples += frames.length * tagsPerHost;
  }
  sqlite.close();
  return { seconds: busyMs / 1000, cpuSeconds: cpu, samples, worstSecond: worst / 1000 };
}

/** Bytes of the file after a checkpoint, and of the raw table's own pages (dbstat), per sample stored. */
async function footprint(file: string, samples: number): Promise<{ fileBytes: number; rawBytes: number | undefined }> {
  const sqlite = new BetterSqlite3(file);
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  let rawBytes: number | undefined;
  try {
    rawBytes = (sqlite.prepare("select sum(pgsize) as bytes from dbstat where name = 'telemetry_raw'").get() as { bytes: number }).bytes;
  } catch {
    rawBytes = undefined; // SQLite built without the dbstat table
  }
  sqlite.close();
  return { fileBytes: (await stat(file)).size / samples, rawBytes: rawBytes === undefined ? undefined : rawBytes / samples };
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'gh-bench-telemetry-'));
  try {
    const files = { prepared: join(dir, 'console.db'), kysely: join(dir, 'console-kysely.db'), peer: join(dir, 'peer.db') };
    process.stdout.write(`telemetry ingest: ${hosts} gateways × ${tagsPerHost} tags × ${seconds} s (one frame per gateway per second)\n`);
    const prepared = await runOurs(files.prepared, true);
    const kysely = await runOurs(files.kysely, false);
    const schema = new BetterSqlite3(files.prepared, { readonly: true });
    const rawTableSql = (schema.prepare("select sql from sqlite_master where name = 'telemetry_raw'").get() as { sql: string }).sql;
    schema.close();
    const peer = await runPeer(files.peer, rawTableSql);

    // Throughput per CPU-second is the one-core figure (Node.js and better-sqlite3 run on one thread); per
    // wall-second also counts waiting for the disk and for other processes on a shared machine.
    const perCpu = (r: Run) => r.samples / r.cpuSeconds;
    const perWall = (r: Run) => r.samples / r.seconds;
    const line = (s: string) => process.stdout.write(`${s}\n`);
    const row = (name: string, r: Run) =>
      line(`  ${name.padEnd(44)} ${Math.round(perCpu(r)).toLocaleString('en').padStart(9)} samples/CPU-s  ${Math.round(perWall(r)).toLocaleString('en').padStart(9)} samples/s wall  slowest second ${(r.worstSecond * 1000).toFixed(0)} ms`);
    row('TelemetryStore.ingest (prepared statements)', prepared);
    row('TelemetryStore.ingest (Kysely, portable)', kysely);
    row('bare better-sqlite3 INSERT (peer)', peer);
    line(`  ratio gatehouse / bare (CPU)                 prepared ${(perCpu(prepared) / perCpu(peer)).toFixed(2)}   Kysely ${(perCpu(kysely) / perCpu(peer)).toFixed(2)}`);
    line(`  goal 50,000 samples/s at one core            ${perCpu(prepared) >= 50_000 ? 'met' : 'NOT met'} (${(perCpu(prepared) / 50_000).toFixed(2)} × goal; Kysely path ${(perCpu(kysely) / 50_000).toFixed(2)} ×)`);
    for (const [name, file, r] of [['gatehouse', files.prepared, prepared], ['bare', files.peer, peer]] as const) {
      const bytes = await footprint(file, r.samples);
      line(`  bytes per sample, ${name.padEnd(10)} whole file ${bytes.fileBytes.toFixed(1)}${bytes.rawBytes === undefined ? '' : `   raw table ${bytes.rawBytes.toFixed(1)}`}`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
