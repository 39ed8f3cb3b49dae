/**
 * Approval requests for dangerous actions (console/server/approvals/): one row per request, holding the call
 * exactly as it will be performed (params verbatim as JSON, with their digest), who asked and why, who decided,
 * and how the performed call ended.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('approval_requests')
    .ifNotExists()
    .addColumn('id', 'integer', (col) => col.primaryKey().autoIncrement())
    .addColumn('state', 'text', (col) => col.notNull())
    .addColumn('host_id', 'text', (col) => col.notNull())
    .addColumn('host_name', 'text', (col) => col.notNull())
    .addColumn('action', 'text', (col) => col.notNull())
    .addColumn('params', 'text', (col) => col.notNull())
    .addColumn('params_digest', 'text', (col) => col.notNull())
    .addColumn('reason', 'text', (col) => col.notNull())
    // Names, not ids: the audit log names people, and a request outlives a deleted account as history.
    .addColumn('requester', 'text', (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('expires_at', 'text', (col) => col.notNull())
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'text')
    .addColumn('comment', 'text')
    .addColumn('outcome', 'text')
    .execute();
  await db.schema.createIndex('approval_requests_state').ifNotExists().on('approval_requests').columns(['state', 'expires_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('approval_requests').ifExists().execute();
}
