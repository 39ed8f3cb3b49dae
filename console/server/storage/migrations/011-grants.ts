/**
 * Roles on scopes: every account's grants (a role on the whole fleet, a site, a host group or one host) and the
 * roles administrators make from the permission catalogue. Each existing account keeps what it had: its role, now
 * as a grant on the whole fleet. `users.role` stays as the account's first role, for lists.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('custom_roles')
    .ifNotExists()
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('summary', 'text', (col) => col.notNull())
    /** JSON lists of permission codes. */
    .addColumn('allow', 'text', (col) => col.notNull())
    .addColumn('deny', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .addColumn('updated_by', 'text', (col) => col.notNull())
    .execute();
  await db.schema
    .createTable('grants')
    .ifNotExists()
    // A deleted account takes its grants along.
    .addColumn('user_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role_id', 'text', (col) => col.notNull())
    .addColumn('scope_kind', 'text', (col) => col.notNull())
    /** The site id, host tag or host id; '' for the whole fleet. */
    .addColumn('scope_id', 'text', (col) => col.notNull())
    /** Grants keep the order they were given in: the first one names the account's role in lists. */
    .addColumn('position', 'integer', (col) => col.notNull())
    .addColumn('granted_at', 'text', (col) => col.notNull())
    .addColumn('granted_by', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('grants_pk', ['user_id', 'role_id', 'scope_kind', 'scope_id'])
    .execute();
  await db.schema.createIndex('grants_role').ifNotExists().on('grants').column('role_id').execute();
  await sql`INSERT INTO grants (user_id, role_id, scope_kind, scope_id, position, granted_at, granted_by)
            SELECT id, role, 'fleet', '', 0, created_at, 'migration' FROM users`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('grants').ifExists().execute();
  await db.schema.dropTable('custom_roles').ifExists().execute();
}
