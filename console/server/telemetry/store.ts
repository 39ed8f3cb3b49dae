/**
 * The console's telemetry history (issue 5, parts 3–4): stores the tag samples agents send in `telemetry`
 * frames exactly once per (host, stream, seq), keeps each tag's newest reading for the live site page, rolls
 * raw samples up into minutes and hours, prunes by retention, and answers trends and CSV exports.
 *
 * It is its own class over the console's database handle (the same Kysely instance the Storage uses), with
 * its own tables (migration 006-telemetry). Every query goes through Kysely's builder with nothing
 * dialect-specific, so the PostgreSQL store can share it; the one SQLite-only choice (WITHOUT ROWID) lives in
 * the migration. Writes of one host are applied in arrival order, one frame at a time.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { GatehouseError } from '../../../modules/kernel/errors.js';
import {
  maxBatchesPerFrame,
  maxSamplesPerBatch,
  tagSampleSchema,
  telemetryBatchSchema,
  telemetryLossSchema,
  type Quality,
  type TelemetryBatch,
  type TelemetryLoss,
} from '../../../modules/kernel/telemetry.js';
import { profileName } from '../../../modules/modbus/profile.js';
import type { Database } from '../storage/schema.js';
import { exportRows } from './csv.js';
import type { HostTags, IngestResult } from './frame-plan.js';
import { writeFrame } from './ingest.js';
import { SqliteFrameWriter } from './ingest-sqlite.js';
import { defaultRetention, pruneHistory, rollupPending, type TelemetryRetention } from './rollup.js';
import { qualityName, readValue, type TelemetryDb, type TelemetryTables } from './tables.js';
import { defaultTrendPoints, maxTrendTags, queryTrend, type Trend } from './trend.js';

export type { IngestResult } from './frame-plan.js';
export type { TelemetryRetention } from './rollup.js';
export type { Trend, TrendPoint, TrendResolution } from './trend.js';

/** A tag's newest reading (by the gateway's time, not by arrival), for the live site page. */
export interface TagReading {
  tag: string;
  value: number | boolean | null;
  quality: Quality;
  /** When the gateway read it, ms since the epoch. */
  ts: number;
}

/** A loss the agent reported: batches its queue dropped, never silently. */
export interface TelemetryLossRecord extends TelemetryLoss {
  stream: string;
  receivedAt: number;
}

/** Latest year 9999: a later time cannot be written as ISO 8601 (and is a broken clock, not a reading). */
const maxTs = 253_402_300_799_999;

/**
 * The wire contract's batch, with the tag name held to the profile's naming rule (letters, digits, `_ . -`):
 * the wire schema bounds only the length, and a name like `=HYPERLINK(…)` must never reach storage or a CSV.
 */
const ingestSampleSchema = tagSampleSchema.extend({ tag: profileName, ts: tagSampleSchema.shape.ts.max(maxTs) });
const ingestBatchSchema = telemetryBatchSchema.extend({ samples: z.array(ingestSampleSchema).min(1).max(maxSamplesPerBatch) });
const ingestFrameSchema = z.object({
  hostId: z.string().min(1).max(128),
  // As the wire's telemetryFrame names the agent's queue.
  stream: z.string().regex(/^[0-9a-f]{8,64}$/),
  batches: z.array(ingestBatchSchema).max(maxBatchesPerFrame),
  loss: telemetryLossSchema.optional(),
});
const trendQuerySchema = z.object({
  tags: z.array(profileName).min(1).max(maxTrendTags),
  fromMs: z.number().int().nonnegative().max(maxTs),
  toMs: z.number().int().nonnegative().max(maxTs),
  maxPoints: z.number().int().min(10).max(100_000),
});

export class TelemetryStore {
  readonly #db: TelemetryDb;
  readonly #retention: TelemetryRetention;
  /** Each host's tags with their newest reading: loaded on first use, then kept in step by ingest. */
  readonly #tags = new Map<string, Promise<HostTags>>();
  readonly #writes = new Map<string, Promise<unknown>>();
  readonly #fast: SqliteFrameWriter | undefined;

  /**
   * `db` is the console's database (migrated). `sqlite`, when the store is the embedded one, is the
   * better-sqlite3 handle behind that same `db`: ingest then uses prepared statements (ingest-sqlite.ts).
   */
  constructor(db: Kysely<Database>, options: { retention?: Partial<TelemetryRetention>; sqlite?: BetterSqlite3.Database } = {}) {
    this.#db = db.withTables<TelemetryTables>();
    this.#retention = { ...defaultRetention, ...options.retention };
    this.#fast = options.sqlite ? new SqliteFrameWriter(options.sqlite) : undefined;
  }

  /**
   * Store one frame's batches for (host, stream) in one transaction: batches at or below the stream's stored
   * sequence are skipped as already stored, the rest are written, and a loss report is recorded. Refuses
   * (GatehouseError 'invalid-params') anything outside the schema before touching the database.
   */
  ingest(hostId: string, stream: string, batches: TelemetryBatch[], loss?: TelemetryLoss): Promise<IngestResult> {
    const parsed = ingestFrameSchema.safeParse({ hostId, stream, batches, loss });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.join('.') || 'frame';
      return Promise.reject(new GatehouseError('invalid-params', `telemetry refused: ${where}: ${issue?.message ?? 'invalid'}`, { host: String(hostId).slice(0, 128), module: 'telemetry' }));
    }
    const frame = parsed.data;
    return this.#inOrder(hostId, async () => {
      const tags = await this.#hostTags(hostId);
      try {
        const fast = this.#fast;
        // Holding Kysely's connection keeps the prepared statements out of any transaction Kysely has open.
        if (fast) return await this.#db.connection().execute(async () => fast.write(frame, tags, Date.now()));
        return await this.#db.transaction().execute((trx) => writeFrame(trx, frame, tags, Date.now()));
      } catch (err) {
        // The transaction rolled back: the in-memory view may hold what never committed; read it afresh.
        this.#tags.delete(hostId);
        throw err;
      }
    });
  }

  /** Every tag of a host with its newest reading, by tag name. */
  async latest(hostId: string): Promise<TagReading[]> {
    const tags = await this.#hostTags(hostId);
    return [...tags.entries()]
      .filter(([, t]) => t.lastSeen >= 0)
      .map(([tag, t]) => ({ tag, value: readValue(t.lastValue, t.kind), quality: qualityName(t.lastQuality), ts: t.lastSeen }))
      .sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
  }

  /** Tag histories over [fromMs, toMs) at the finest resolution that keeps each under maxPoints (at most 16 tags). */
  async trend(hostId: string, tags: string[], fromMs: number, toMs: number, maxPoints = defaultTrendPoints, now = Date.now()): Promise<Trend> {
    const query = this.#checkRange(trendQuerySchema, { tags, fromMs, toMs, maxPoints }, hostId);
    const known = await this.#hostTags(hostId);
    const named = query.tags.map((name) => ({ name, id: known.get(name)?.id }));
    return queryTrend(this.#db, hostId, named, query.fromMs, query.toMs, query.maxPoints, now, this.#retention);
  }

  /** CSV (`time,tag,value,quality`, header first) of the tags over [fromMs, toMs), streamed in chunks. */
  async *exportCsv(hostId: string, tags: string[], fromMs: number, toMs: number): AsyncIterable<string> {
    const query = this.#checkRange(trendQuerySchema, { tags, fromMs, toMs, maxPoints: 10 }, hostId);
    const known = await this.#hostTags(hostId);
    yield* exportRows(
      this.#db,
      query.tags.map((name) => ({ name, id: known.get(name)?.id, kind: known.get(name)?.kind ?? 'number' })),
      query.fromMs,
      query.toMs,
    );
  }

  /** Bring minute and hour rollups up to date with everything stored; safe to run any number of times. */
  rollup(now = Date.now()): Promise<{ minutes: number; hours: number }> {
    return rollupPending(this.#db, now);
  }

  /** Delete history older than each resolution's retention (the store's own unless given). */
  prune(now = Date.now(), retention: Partial<TelemetryRetention> = {}): Promise<{ raw: number; minute: number; hour: number; losses: number }> {
    return pruneHistory(this.#db, now, { ...this.#retention, ...retention });
  }

  /** The loss reports of a host, newest first (at most `limit`). */
  async losses(hostId: string, limit = 100): Promise<TelemetryLossRecord[]> {
    const rows = await this.#db.selectFrom('telemetry_losses').selectAll().where('host_id', '=', hostId).orderBy('received_at', 'desc').limit(limit).execute();
    return rows.map((r) => ({ stream: r.stream, batches: r.batches, samples: r.samples, fromTs: Number(r.from_ts), toTs: Number(r.to_ts), receivedAt: Number(r.received_at) }));
  }

  /** Wait for every write queued so far (tests, shutdown). */
  async flush(): Promise<void> {
    await Promise.allSettled(this.#writes.values());
  }

  #checkRange<T extends { fromMs: number; toMs: number }>(schema: z.ZodType<T>, input: unknown, hostId: string): T {
    const parsed = schema.safeParse(input);
    const problem = !parsed.success ? `${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}` : parsed.data.toMs <= parsed.data.fromMs ? 'the range must end after it starts' : undefined;
    if (problem !== undefined || !parsed.success) throw new GatehouseError('invalid-params', `telemetry query refused: ${problem}`, { host: String(hostId).slice(0, 128), module: 'telemetry' });
    return parsed.data;
  }

  /** Run `work` after every earlier write of the same host, so one host's frames apply in arrival order. */
  #inOrder<T>(hostId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#writes.get(hostId) ?? Promise.resolve();
    const next = previous.then(work, work);
    this.#writes.set(hostId, next);
    void next.finally(() => {
      if (this.#writes.get(hostId) === next) this.#writes.delete(hostId);
    }).catch(() => undefined);
    return next;
  }

  #hostTags(hostId: string): Promise<HostTags> {
    let tags = this.#tags.get(hostId);
    if (!tags) {
      tags = this.#db
        .selectFrom('telemetry_tags')
        .selectAll()
        .where('host_id', '=', hostId)
        .execute()
        .then((rows) => new Map(rows.map((r) => [r.name, { id: r.id, kind: r.kind, firstSeen: Number(r.first_seen), lastSeen: Number(r.last_seen), lastValue: r.last_value, lastQuality: r.last_quality }])));
      this.#tags.set(hostId, tags);
      // A failed read must not stick: the next call tries again.
      tags.catch(() => this.#tags.delete(hostId));
    }
    return tags;
  }
}
