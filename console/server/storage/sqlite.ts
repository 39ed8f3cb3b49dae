/**
 * The embedded store: one SQLite file (better-sqlite3) behind Kysely. Only connection setup lives here; the
 * queries are in kysely-storage.ts so PostgreSQL can share them.
 */
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { KyselyStorage } from './kysely-storage.js';
import type { Database } from './schema.js';

/** How long a statement waits for another connection's write lock before failing with SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000;

/**
 * The better-sqlite3 connection behind each Kysely handle made here: telemetry ingest uses its prepared
 * statements directly on the embedded store, where Kysely's per-row overhead would halve the throughput.
 */
export const sqliteConnections = new WeakMap<Kysely<Database>, BetterSqlite3.Database>();

/** A Kysely handle on an SQLite file (or ':memory:'), configured but not migrated. */
export function createSqliteKysely(file: string): Kysely<Database> {
  const sqlite = new BetterSqlite3(file);
  // WAL lets readers (an audit export, a backup) run while the console writes. ':memory:' stays in 'memory' mode.
  sqlite.pragma('journal_mode = WAL');
  // SQLite ignores foreign keys unless each connection asks; without this, sessions would outlive their user.
  sqlite.pragma('foreign_keys = ON');
  // A second process on the file (a CLI `audit verify`, a backup) should make us wait briefly, not fail.
  sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  // Telemetry inserts land all over the (tag, time) index; with SQLite's default 2 MiB page cache they start
  // reading pages back from disk once history passes a few million rows. 64 MiB keeps the hot pages in memory.
  sqlite.pragma('cache_size = -65536');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  sqliteConnections.set(db, sqlite);
  return db;
}

/** Open (creating if needed) the SQLite store at `file` and bring its schema up to date. */
export async function openSqliteStorage(file: string): Promise<KyselyStorage> {
  const storage = new KyselyStorage(createSqliteKysely(file));
  try {
    await storage.migrate();
  } catch (error) {
    await storage.close();
    throw error;
  }
  return storage;
}
