/**
 * Approved baselines for drift: per host, the facts (hostname, interfaces, listening ports, users, packages) an
 * administrator approved, as JSON, with who approved them and when. One row per host: approving replaces it;
 * the audit log keeps the history of approvals.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('host_baselines')
    .ifNotExists()
    .addColumn('host_id', 'text', (col) => col.primaryKey())
    .addColumn('facts', 'text', (col) => col.notNull())
    .addColumn('digest', 'text', (col) => col.notNull())
    .addColumn('approved_by', 'text', (col) => col.notNull())
    .addColumn('approved_at', 'text', (col) => col.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('host_baselines').ifExists().execute();
}
