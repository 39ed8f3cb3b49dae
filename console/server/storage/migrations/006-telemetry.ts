/**
 * Telemetry history (issue 5): tag names interned per host, raw samples keyed by (tag, time), minute and hour
 * rollups, the per-stream sequence high-water marks that de-duplicate replayed batches, the buckets waiting to
 * be rolled up, and the agents' loss reports. Times are integer milliseconds since the epoch.
 */
import { SqliteAdapter, sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // On SQLite the keyed tables are WITHOUT ROWID: the primary key is the table, so a raw row is stored once
  // (not once in the table and again in its index). PostgreSQL has no such clause and needs none.
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  const compact = sqlite ? sql`without rowid` : sql``;

  // What the console has stored of each agent queue ("stream"): every batch up to high_seq, so a replay is skipped.
  await db.schema
    .createTable('telemetry_streams')
    .ifNotExists()
    .addColumn('host_id', 'text', (col) => col.notNull())
    .addColumn('stream', 'text', (col) => col.notNull())
    .addColumn('high_seq', 'bigint', (col) => col.notNull())
    .addColumn('updated_at', 'bigint', (col) => col.notNull())
    .addPrimaryKeyConstraint('telemetry_streams_pk', ['host_id', 'stream'])
    .execute();

  // One row per tag per host; the id keeps raw rows small. The newest reading (by the sample's own time) lives
  // here too, so the live site page reads one row per tag.
  await db.schema
    .createTable('telemetry_tags')
    .ifNotExists()
    .addColumn('id', 'integer', (col) => col.primaryKey())
    .addColumn('host_id', 'text', (col) => col.notNull())
    .addColumn('name', 'text', (col) => col.notNull())
    // 'number' or 'boolean': booleans are stored as 0/1 and given back as booleans.
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('first_seen', 'bigint', (col) => col.notNull())
    .addColumn('last_seen', 'bigint', (col) => col.notNull())
    .addColumn('last_value', 'double precision')
    .addColumn('last_quality', 'smallint', (col) => col.notNull())
    .addUniqueConstraint('telemetry_tags_host_name', ['host_id', 'name'])
    .execute();

  await db.schema
    .createTable('telemetry_raw')
    .ifNotExists()
    .addColumn('tag_id', 'integer', (col) => col.notNull())
    .addColumn('ts', 'bigint', (col) => col.notNull())
    .addColumn('value', 'double precision')
    // 0 good, 1 stale, 2 comm-fault.
    .addColumn('quality', 'smallint', (col) => col.notNull())
    .addPrimaryKeyConstraint('telemetry_raw_pk', ['tag_id', 'ts'])
    .modifyEnd(compact)
    .execute();

  for (const table of ['telemetry_minute', 'telemetry_hour']) {
    await db.schema
      .createTable(table)
      .ifNotExists()
      .addColumn('tag_id', 'integer', (col) => col.notNull())
      .addColumn('at', 'bigint', (col) => col.notNull())
      // Samples in the bucket, those of good quality, and those carrying a value (min/avg/max are over these).
      .addColumn('count', 'integer', (col) => col.notNull())
      .addColumn('good_count', 'integer', (col) => col.notNull())
      .addColumn('value_count', 'integer', (col) => col.notNull())
      .addColumn('min', 'double precision')
      .addColumn('avg', 'double precision')
      .addColumn('max', 'double precision')
      .addPrimaryKeyConstraint(`${table}_pk`, ['tag_id', 'at'])
      .modifyEnd(compact)
      .execute();
  }

  // Buckets whose rollup is out of date (new or late samples); marked_at lets the roller delete only the marks
  // it has seen, so a sample arriving while it works marks the bucket again.
  await db.schema
    .createTable('telemetry_pending')
    .ifNotExists()
    .addColumn('host_id', 'text', (col) => col.notNull())
    .addColumn('resolution', 'text', (col) => col.notNull())
    .addColumn('at', 'bigint', (col) => col.notNull())
    .addColumn('marked_at', 'bigint', (col) => col.notNull())
    .addPrimaryKeyConstraint('telemetry_pending_pk', ['host_id', 'resolution', 'at'])
    .execute();

  // The agent's reports of batches it had to drop: never silent. The key makes a re-sent report count once.
  await db.schema
    .createTable('telemetry_losses')
    .ifNotExists()
    .addColumn('host_id', 'text', (col) => col.notNull())
    .addColumn('stream', 'text', (col) => col.notNull())
    .addColumn('batches', 'integer', (col) => col.notNull())
    .addColumn('samples', 'integer', (col) => col.notNull())
    .addColumn('from_ts', 'bigint', (col) => col.notNull())
    .addColumn('to_ts', 'bigint', (col) => col.notNull())
    .addColumn('received_at', 'bigint', (col) => col.notNull())
    .addPrimaryKeyConstraint('telemetry_losses_pk', ['host_id', 'stream', 'from_ts', 'to_ts'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['telemetry_losses', 'telemetry_pending', 'telemetry_hour', 'telemetry_minute', 'telemetry_raw', 'telemetry_tags', 'telemetry_streams']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
