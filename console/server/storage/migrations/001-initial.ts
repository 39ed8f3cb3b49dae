/**
 * The first schema: users, sessions, hosts, enrollment tokens, audit log.
 *
 * Kysely does not wrap SQLite migrations in a transaction, so every statement is `if not exists`: a migration
 * that stopped half-way (power cut, disk full) completes when it is run again.
 * Migrations see the database as it was when they were written, hence Kysely<any> rather than today's schema.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('users')
    .ifNotExists()
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('username', 'text', (col) => col.notNull().unique())
    .addColumn('role', 'text', (col) => col.notNull())
    .addColumn('password_hash', 'text', (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('disabled', 'integer', (col) => col.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('sessions')
    .ifNotExists()
    .addColumn('id', 'text', (col) => col.primaryKey())
    // A deleted user takes their sessions along; nothing should outlive the account it authenticates.
    .addColumn('user_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('expires_at', 'text', (col) => col.notNull())
    .addColumn('address', 'text')
    .execute();
  // deleteUserSessions (log out everywhere) and the user foreign key's cascade both look sessions up by user.
  await db.schema.createIndex('sessions_user_id').ifNotExists().on('sessions').column('user_id').execute();
  // deleteExpiredSessions sweeps by expiry.
  await db.schema.createIndex('sessions_expires_at').ifNotExists().on('sessions').column('expires_at').execute();

  // No foreign keys between hosts and enrollment tokens: enrollment may consume the token before or after it
  // creates the host, and a host must outlive the token that enrolled it.
  await db.schema
    .createTable('hosts')
    .ifNotExists()
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('state', 'text', (col) => col.notNull())
    .addColumn('public_key', 'text', (col) => col.notNull())
    .addColumn('enrolled_at', 'text', (col) => col.notNull())
    .addColumn('last_seen_at', 'text')
    .addColumn('last_address', 'text')
    .addColumn('last_status', 'text')
    .addColumn('enrolled_with_token', 'text')
    .execute();
  // Every agent connection looks its host up by key; one key must never name two hosts.
  await db.schema.createIndex('hosts_public_key').ifNotExists().unique().on('hosts').column('public_key').execute();

  await db.schema
    .createTable('enrollment_tokens')
    .ifNotExists()
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('secret_hash', 'text', (col) => col.notNull())
    .addColumn('note', 'text', (col) => col.notNull())
    .addColumn('auto_approve', 'integer', (col) => col.notNull())
    .addColumn('created_by', 'text', (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('expires_at', 'text', (col) => col.notNull())
    .addColumn('used_at', 'text')
    .addColumn('used_by_host', 'text')
    .addColumn('revoked_at', 'text')
    .execute();

  // AUTOINCREMENT (not plain rowid) so an id is never reused after a delete: audit cursors stay stable and a
  // removed newest entry is not silently replaced. PostgreSQL needs an identity column here instead.
  // No foreign keys: the record of what happened must outlive the users and hosts it names.
  await db.schema
    .createTable('audit_log')
    .ifNotExists()
    .addColumn('id', 'integer', (col) => col.primaryKey().autoIncrement())
    .addColumn('at', 'text', (col) => col.notNull())
    .addColumn('actor', 'text', (col) => col.notNull())
    .addColumn('host_id', 'text')
    .addColumn('host_name', 'text')
    .addColumn('action', 'text', (col) => col.notNull())
    .addColumn('params_digest', 'text')
    .addColumn('phase', 'text', (col) => col.notNull())
    .addColumn('result', 'text', (col) => col.notNull())
    .addColumn('detail', 'text')
    .addColumn('address', 'text')
    .addColumn('prev_hash', 'text', (col) => col.notNull())
    .addColumn('hash', 'text', (col) => col.notNull())
    .execute();
  // Two entries with one predecessor would be a forked chain; the database refuses it whatever the dialect's
  // locking does. (Newest-first paging needs no index: it walks the primary key backwards.)
  await db.schema.createIndex('audit_log_prev_hash').ifNotExists().unique().on('audit_log').column('prev_hash').execute();
  // Filtered views ("what did this user do", "what happened on this host") page newest first by id.
  await db.schema.createIndex('audit_log_actor_id').ifNotExists().on('audit_log').columns(['actor', 'id']).execute();
  await db.schema.createIndex('audit_log_host_id_id').ifNotExists().on('audit_log').columns(['host_id', 'id']).execute();
  await db.schema.createIndex('audit_log_action_id').ifNotExists().on('audit_log').columns(['action', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['audit_log', 'enrollment_tokens', 'hosts', 'sessions', 'users']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
