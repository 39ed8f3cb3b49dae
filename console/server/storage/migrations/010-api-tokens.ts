/**
 * API tokens for scripts and integrations: one row per token, holding only the SHA-256 of its secret. Grants are a
 * JSON list (`[{ role, scope: { kind: 'fleet' } }]`) so site, group and host scopes need no new migration.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('api_tokens')
    .ifNotExists()
    /** The selector: the token's public part, shown in lists and audit entries. */
    .addColumn('id', 'text', (col) => col.primaryKey())
    /** SHA-256 of the secret part, hex. The token itself is never stored. */
    .addColumn('secret_hash', 'text', (col) => col.notNull())
    .addColumn('name', 'text', (col) => col.notNull())
    // A deleted account takes its tokens along, as it does its sessions.
    .addColumn('owner_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('grants', 'text', (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('expires_at', 'text', (col) => col.notNull())
    .addColumn('last_used_at', 'text')
    .addColumn('last_used_from', 'text')
    .addColumn('revoked_at', 'text')
    .addColumn('revoked_by', 'text')
    .execute();
  await db.schema.createIndex('api_tokens_owner').ifNotExists().on('api_tokens').column('owner_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('api_tokens').ifExists().execute();
}
