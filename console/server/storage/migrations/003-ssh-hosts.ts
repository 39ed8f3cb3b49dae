/**
 * Host tags (e.g. `field-gateway`, which decides a terminal's recording-failure policy), and hosts reached over
 * SSH without an agent: how each host is reached (`connection`), the SSH target of such a
 * host (address, user, the console's sealed key, the pinned host key), and enrollment tokens issued for a known
 * host (installing the agent over SSH turns that host into an agent host under the same id).
 */
import type { Kysely } from 'kysely';

async function hasColumn(db: Kysely<any>, table: string, column: string): Promise<boolean> {
  const tables = await db.introspection.getTables();
  return tables.some((t) => t.name === table && t.columns.some((c) => c.name === column));
}

export async function up(db: Kysely<any>): Promise<void> {
  // Column additions cannot say `if not exists`; checking first lets a half-run migration complete when run again.
  if (!(await hasColumn(db, 'hosts', 'connection'))) {
    await db.schema.alterTable('hosts').addColumn('connection', 'text', (col) => col.notNull().defaultTo('agent')).execute();
  }
  if (!(await hasColumn(db, 'hosts', 'tags'))) {
    // A JSON array of strings, as last_status is JSON: tags are few per host and always read with it.
    await db.schema.alterTable('hosts').addColumn('tags', 'text', (col) => col.notNull().defaultTo('[]')).execute();
  }
  if (!(await hasColumn(db, 'enrollment_tokens', 'for_host'))) {
    await db.schema.alterTable('enrollment_tokens').addColumn('for_host', 'text').execute();
  }
  await db.schema
    .createTable('ssh_targets')
    .ifNotExists()
    .addColumn('host_id', 'text', (col) => col.primaryKey())
    .addColumn('address', 'text', (col) => col.notNull())
    .addColumn('port', 'integer', (col) => col.notNull())
    .addColumn('username', 'text', (col) => col.notNull())
    // The private key (and its passphrase), sealed with the console's master key (console/server/ssh/vault.ts).
    .addColumn('sealed_key', 'text', (col) => col.notNull())
    .addColumn('client_public_key', 'text', (col) => col.notNull())
    .addColumn('host_key_type', 'text', (col) => col.notNull())
    .addColumn('host_key_fingerprint', 'text', (col) => col.notNull())
    .addColumn('registered_by', 'text', (col) => col.notNull())
    .addColumn('registered_at', 'text', (col) => col.notNull())
    .execute();
  // One registration per login on one server.
  await db.schema.createIndex('ssh_targets_endpoint').ifNotExists().unique().on('ssh_targets').columns(['address', 'port', 'username']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('ssh_targets').ifExists().execute();
  await db.schema.alterTable('enrollment_tokens').dropColumn('for_host').execute();
  await db.schema.alterTable('hosts').dropColumn('connection').execute();
  await db.schema.alterTable('hosts').dropColumn('tags').execute();
}
