/**
 * Terminal recordings: one row per recorded terminal attachment (the cast itself is a file under
 * DATA/recordings/). Statements are `if not exists`, as in 001, so a half-run migration completes when run again.
 * No foreign keys: like the audit log, a recording must outlive the user and host it names.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('recordings')
    .ifNotExists()
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('terminal_session_id', 'text')
    .addColumn('host_id', 'text', (col) => col.notNull())
    .addColumn('host_name', 'text', (col) => col.notNull())
    .addColumn('console_user', 'text', (col) => col.notNull())
    .addColumn('unix_user', 'text', (col) => col.notNull())
    .addColumn('started_at', 'text', (col) => col.notNull())
    .addColumn('ended_at', 'text')
    // bigint: a long session's cast passes 2 GiB; SQLite's integer is 64-bit either way.
    .addColumn('bytes', 'bigint', (col) => col.notNull().defaultTo(0))
    .addColumn('path', 'text', (col) => col.notNull())
    .addColumn('input_recorded', 'integer', (col) => col.notNull())
    .addColumn('state', 'text', (col) => col.notNull())
    .execute();
  // The list pages newest first, overall, by host or by console user.
  await db.schema.createIndex('recordings_started_at_id').ifNotExists().on('recordings').columns(['started_at', 'id']).execute();
  await db.schema.createIndex('recordings_host_id_started_at').ifNotExists().on('recordings').columns(['host_id', 'started_at']).execute();
  await db.schema.createIndex('recordings_console_user_started_at').ifNotExists().on('recordings').columns(['console_user', 'started_at']).execute();
  // Every attachment of one shell ("what happened in t_…").
  await db.schema.createIndex('recordings_terminal_session_id').ifNotExists().on('recordings').column('terminal_session_id').execute();
  // Start-up marks unfinished ones failed.
  await db.schema.createIndex('recordings_state').ifNotExists().on('recordings').column('state').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('recordings').ifExists().execute();
}
