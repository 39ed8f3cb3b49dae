/**
 * Metrics history: raw samples (10 s apart, kept days), minute and hour rollups (min/avg/max of each series,
 * kept longer), and each host's latest whole sample (disks, interfaces, cores) for the overview and the page.
 * Times are integer milliseconds since the epoch, so range scans use the (host, time) keys directly.
 */
import type { Kysely } from 'kysely';

/** The series columns as they stood when this migration was written (a migration never follows later code). */
const seriesColumns = ['cpu', 'memory', 'swap', 'load1', 'disk_read', 'disk_write', 'net_rx', 'net_tx', 'disk_worst'];

export async function up(db: Kysely<any>): Promise<void> {
  let raw = db.schema
    .createTable('metrics_raw')
    .ifNotExists()
    .addColumn('host_id', 'text', (col) => col.notNull())
    .addColumn('at', 'bigint', (col) => col.notNull());
  for (const column of seriesColumns) raw = raw.addColumn(column, 'double precision', (col) => col.notNull());
  // The primary key de-duplicates a sample the agent replays after a reconnect.
  await raw.addPrimaryKeyConstraint('metrics_raw_pk', ['host_id', 'at']).execute();

  for (const table of ['metrics_minute', 'metrics_hour']) {
    let rollup = db.schema
      .createTable(table)
      .ifNotExists()
      .addColumn('host_id', 'text', (col) => col.notNull())
      .addColumn('at', 'bigint', (col) => col.notNull())
      .addColumn('count', 'integer', (col) => col.notNull());
    for (const column of seriesColumns) {
      for (const stat of ['min', 'avg', 'max']) rollup = rollup.addColumn(`${column}_${stat}`, 'double precision', (col) => col.notNull());
    }
    await rollup.addPrimaryKeyConstraint(`${table}_pk`, ['host_id', 'at']).execute();
  }

  await db.schema
    .createTable('metrics_latest')
    .ifNotExists()
    .addColumn('host_id', 'text', (col) => col.primaryKey())
    .addColumn('at', 'bigint', (col) => col.notNull())
    // The whole MetricsSample as JSON.
    .addColumn('sample', 'text', (col) => col.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['metrics_latest', 'metrics_hour', 'metrics_minute', 'metrics_raw']) await db.schema.dropTable(table).ifExists().execute();
}
