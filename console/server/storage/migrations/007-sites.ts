/**
 * Sites and their gateways: a site is a place (a pumping station, a works); each gateway host belongs to at most
 * one site and carries the device profile it polls — the text as the engineer wrote it (YAML or JSON, kept so
 * their comments survive) and the checked profile as JSON with its hash.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('sites')
    .ifNotExists()
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('name', 'text', (col) => col.notNull().unique())
    .addColumn('description', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('created_at', 'text', (col) => col.notNull())
    .execute();
  await db.schema
    .createTable('site_gateways')
    .ifNotExists()
    .addColumn('host_id', 'text', (col) => col.primaryKey())
    .addColumn('site_id', 'text', (col) => col.notNull().references('sites.id').onDelete('cascade'))
    .addColumn('profile_text', 'text', (col) => col.notNull())
    .addColumn('profile_format', 'text', (col) => col.notNull())
    .addColumn('profile_json', 'text', (col) => col.notNull())
    .addColumn('profile_hash', 'text', (col) => col.notNull())
    .addColumn('updated_by', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('site_gateways_site').ifNotExists().on('site_gateways').column('site_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('site_gateways').ifExists().execute();
  await db.schema.dropTable('sites').ifExists().execute();
}
