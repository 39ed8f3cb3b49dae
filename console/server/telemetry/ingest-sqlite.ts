/**
 * The embedded store's fast path for one telemetry frame: the same plan and the same statements as ingest.ts,
 * but as better-sqlite3 statements prepared once and run synchronously in one SQLite transaction.
 *
 * Why a second path: at 1,000 gateways × 50 tags a second the console stores 1,000 frames a second, and through
 * Kysely every frame compiles its queries and has SQLite parse them again (Kysely's SQLite driver prepares each
 * statement anew) — most of the CPU went there, not into SQLite's own work. PostgreSQL, and SQLite when the
 * console does not hand over its handle, keep using the Kysely path; the tests run both.
 *
 * The caller must hold the Kysely connection while this runs (TelemetryStore does, via `db.connection()`), so
 * the statements never land inside a transaction Kysely has open on the same handle.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { applyPlan, planFrame, type HostTags, type IngestResult, type TelemetryFrameInput } from './frame-plan.js';

export class SqliteFrameWriter {
  readonly #sqlite: BetterSqlite3.Database;
  readonly #highSeq: BetterSqlite3.Statement<[string, string], { high_seq: number }>;
  readonly #maxTagId: BetterSqlite3.Statement<[], { top: number | null }>;
  readonly #insertRaw: BetterSqlite3.Statement<[number, number, number | null, number]>;
  readonly #upsertTag: BetterSqlite3.Statement<[number, string, string, string, number, number, number | null, number]>;
  readonly #moveFirstSeen: BetterSqlite3.Statement<[number, number, number]>;
  readonly #markMinute: BetterSqlite3.Statement<[string, number, number]>;
  readonly #setHighSeq: BetterSqlite3.Statement<[string, string, number, number]>;
  readonly #recordLoss: BetterSqlite3.Statement<[string, string, number, number, number, number, number]>;
  readonly #write: (frame: TelemetryFrameInput, tags: HostTags, now: number) => IngestResult;

  constructor(sqlite: BetterSqlite3.Database) {
    this.#sqlite = sqlite;
    this.#highSeq = sqlite.prepare('select high_seq from telemetry_streams where host_id = ? and stream = ?');
    this.#maxTagId = sqlite.prepare('select max(id) as top from telemetry_tags');
    this.#insertRaw = sqlite.prepare('insert into telemetry_raw (tag_id, ts, value, quality) values (?, ?, ?, ?) on conflict (tag_id, ts) do nothing');
    this.#upsertTag = sqlite.prepare(
      `insert into telemetry_tags (id, host_id, name, kind, first_seen, last_seen, last_value, last_quality) values (?, ?, ?, ?, ?, ?, ?, ?)
       on conflict (id) do update set kind = excluded.kind, last_seen = excluded.last_seen, last_value = excluded.last_value,
       last_quality = excluded.last_quality where telemetry_tags.last_seen < excluded.last_seen`,
    );
    this.#moveFirstSeen = sqlite.prepare('update telemetry_tags set first_seen = ? where id = ? and first_seen > ?');
    this.#markMinute = sqlite.prepare(
      `insert into telemetry_pending (host_id, resolution, at, marked_at) values (?, 'minute', ?, ?)
       on conflict (host_id, resolution, at) do update set marked_at = excluded.marked_at`,
    );
    this.#setHighSeq = sqlite.prepare(
      `insert into telemetry_streams (host_id, stream, high_seq, updated_at) values (?, ?, ?, ?)
       on conflict (host_id, stream) do update set high_seq = excluded.high_seq, updated_at = excluded.updated_at
       where telemetry_streams.high_seq < excluded.high_seq`,
    );
    this.#recordLoss = sqlite.prepare(
      `insert into telemetry_losses (host_id, stream, batches, samples, from_ts, to_ts, received_at) values (?, ?, ?, ?, ?, ?, ?)
       on conflict (host_id, stream, from_ts, to_ts) do nothing`,
    );
    this.#write = sqlite.transaction((frame: TelemetryFrameInput, tags: HostTags, now: number) => this.#writeInTransaction(frame, tags, now));
  }

  /** Store the frame in one transaction; the in-memory tags follow only once it committed. */
  write(frame: TelemetryFrameInput, tags: HostTags, now: number): IngestResult {
    // Inside someone else's transaction better-sqlite3 would use a savepoint, and our commit would be theirs.
    if (this.#sqlite.inTransaction) throw new Error('telemetry fast path called inside an open transaction');
    return this.#write(frame, tags, now);
  }

  #writeInTransaction(frame: TelemetryFrameInput, tags: HostTags, now: number): IngestResult {
    const { hostId, stream } = frame;
    const mark = this.#highSeq.get(hostId, stream);
    let nextId: number | undefined;
    const plan = planFrame(frame, tags, mark ? Number(mark.high_seq) : -1, () => {
      nextId ??= Number(this.#maxTagId.get()?.top ?? 0) + 1;
      return nextId++;
    }, now);
    let stored = 0;
    for (const row of plan.rows) stored += this.#insertRaw.run(row.tag_id, row.ts, row.value, row.quality).changes;
    for (const t of plan.tagRows) this.#upsertTag.run(t.id, t.host_id, t.name, t.kind, Number(t.first_seen), Number(t.last_seen), t.last_value, t.last_quality);
    for (const move of plan.firstSeenMoves) this.#moveFirstSeen.run(move.ts, move.id, move.ts);
    for (const at of plan.minutes) this.#markMinute.run(hostId, at, now);
    if (plan.newHigh > plan.highSeq) this.#setHighSeq.run(hostId, stream, plan.newHigh, now);
    if (frame.loss) {
      const { batches, samples, fromTs, toTs } = frame.loss;
      this.#recordLoss.run(hostId, stream, batches, samples, fromTs, toTs, now);
    }
    // Still inside the transaction: if COMMIT itself fails, the store drops this host's in-memory view.
    applyPlan(tags, plan);
    return { ackSeq: plan.newHigh, stored, duplicates: plan.skipped + plan.rows.length - stored };
  }
}
