/** Real SQLite files in a temp dir with the real migrations, for the telemetry tests. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { TagSample, TelemetryBatch } from '../../../modules/kernel/telemetry.js';
import { migrateToLatest } from '../storage/migrate.js';
import type { Database } from '../storage/schema.js';
import { createSqliteKysely } from '../storage/sqlite.js';
import type { TelemetryRetention } from './rollup.js';
import type { TelemetryTables } from './tables.js';
import { TelemetryStore } from './store.js';

export interface OpenStore {
  db: Kysely<Database>;
  store: TelemetryStore;
  /** The same handle, typed with the telemetry tables, for counting rows. */
  tables: Kysely<Database & TelemetryTables>;
  close(): Promise<void>;
}

export async function tempDataDir(): Promise<{ dir: string; file: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'gh-telemetry-'));
  return { dir, file: join(dir, 'console.db'), remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Which ingest path the store uses: Kysely's (portable), or prepared statements on the better-sqlite3 handle. */
export type IngestPath = 'kysely' | 'sqlite';

export async function openStore(file: string, path: IngestPath = 'kysely', options: { retention?: Partial<TelemetryRetention> } = {}): Promise<OpenStore> {
  let db: Kysely<Database>;
  let sqlite: BetterSqlite3.Database | undefined;
  if (path === 'kysely') db = createSqliteKysely(file);
  else {
    // As createSqliteKysely opens it, keeping the handle to give the store.
    sqlite = new BetterSqlite3(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  }
  await migrateToLatest(db);
  const store = new TelemetryStore(db, { ...options, sqlite });
  return {
    db,
    store,
    tables: db.withTables<TelemetryTables>(),
    close: async () => {
      await store.flush();
      await db.destroy();
    },
  };
}

/** A batch of `tags` tags read at `ts`: values follow seq so any mix-up shows. */
export function batch(seq: number, ts: number, tags: number, quality: TagSample['quality'] = 'good'): TelemetryBatch {
  return { seq, samples: Array.from({ length: tags }, (_, i) => ({ tag: `tag${i}`, ts, value: seq * 1000 + i, quality })) };
}

export async function rawRows(tables: OpenStore['tables']): Promise<{ name: string; ts: number; value: number | null; quality: number }[]> {
  const rows = await tables
    .selectFrom('telemetry_raw as r')
    .innerJoin('telemetry_tags as t', 't.id', 'r.tag_id')
    .select(['t.name as name', 'r.ts as ts', 'r.value as value', 'r.quality as quality'])
    .orderBy('r.ts')
    .orderBy('t.name')
    .execute();
  return rows.map((r) => ({ name: r.name, ts: Number(r.ts), value: r.value, quality: r.quality }));
}
