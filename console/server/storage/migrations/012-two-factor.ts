/**
 * Two-factor login: a TOTP secret per user (sealed with the console's master key, never stored plain), the user's
 * one-time recovery codes (only their SHA-256), WebAuthn credentials (public keys), and the roles that must use a
 * second factor. Every row goes with its account, as sessions and tokens do.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('totp_secrets')
    .ifNotExists()
    .addColumn('user_id', 'text', (col) => col.primaryKey().references('users.id').onDelete('cascade'))
    /** AES-256-GCM under the master key, the user id as additional data. */
    .addColumn('secret_sealed', 'text', (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull())
    /** Null while being enrolled: a secret counts only once a code from it was entered. */
    .addColumn('confirmed_at', 'text')
    /** The last 30 s step a code was accepted for; a code for it or an earlier step is a replay. */
    .addColumn('last_step', 'integer', (col) => col.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createTable('recovery_codes')
    .ifNotExists()
    .addColumn('code_hash', 'text', (col) => col.primaryKey())
    .addColumn('user_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('used_at', 'text')
    .execute();
  await db.schema.createIndex('recovery_codes_user').ifNotExists().on('recovery_codes').column('user_id').execute();
  await db.schema
    .createTable('webauthn_credentials')
    .ifNotExists()
    /** The credential id as the authenticator made it, base64url. */
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('user_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (col) => col.notNull())
    /** The COSE public key, base64url. */
    .addColumn('public_key', 'text', (col) => col.notNull())
    .addColumn('counter', 'integer', (col) => col.notNull())
    /** JSON list of transports (`usb`, `internal`, …), passed back to the browser as hints. */
    .addColumn('transports', 'text', (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('last_used_at', 'text')
    .execute();
  await db.schema.createIndex('webauthn_credentials_user').ifNotExists().on('webauthn_credentials').column('user_id').execute();
  await db.schema
    .createTable('two_factor_roles')
    .ifNotExists()
    .addColumn('role', 'text', (col) => col.primaryKey())
    .addColumn('set_by', 'text', (col) => col.notNull())
    .addColumn('set_at', 'text', (col) => col.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['two_factor_roles', 'webauthn_credentials', 'recovery_codes', 'totp_secrets']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
