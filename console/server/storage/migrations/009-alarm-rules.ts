/**
 * What the alarm engine runs on: the rules engineers wrote, the maintenance windows during which alarms are
 * recorded but nobody is paged, and each alarm's escalation (how far its policy has been paged), so a restarted
 * console neither pages twice nor forgets to page the backup.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('alarm_rules')
    .ifNotExists()
    .addColumn('id', 'text', (col) => col.primaryKey())
    /** The rule as JSON, in the shape of modules/kernel/alarm-rules.ts. */
    .addColumn('rule', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .addColumn('updated_by', 'text', (col) => col.notNull())
    .execute();
  await db.schema
    .createTable('maintenance_windows')
    .ifNotExists()
    .addColumn('id', 'text', (col) => col.primaryKey())
    /** The scope as JSON (host, group or site). */
    .addColumn('scope', 'text', (col) => col.notNull())
    .addColumn('from_ms', 'bigint', (col) => col.notNull())
    .addColumn('to_ms', 'bigint', (col) => col.notNull())
    .addColumn('reason', 'text', (col) => col.notNull())
    .addColumn('created_by', 'text', (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('maintenance_windows_to').ifNotExists().on('maintenance_windows').column('to_ms').execute();
  await db.schema
    .createTable('alarm_escalations')
    .ifNotExists()
    /** One row per alarm and route that pages through an escalation policy. */
    .addColumn('alarm_id', 'text', (col) => col.notNull())
    .addColumn('route', 'text', (col) => col.notNull())
    /** The raise this escalation is about (ms): a new raise of the same alarm starts the policy again. */
    .addColumn('raised_at', 'bigint', (col) => col.notNull())
    /** The `now` of the last call to nextEscalation (ms), null before the first. */
    .addColumn('handled_until', 'bigint')
    /** `acknowledged`, `exhausted`, `cleared`, … or null while it runs. */
    .addColumn('stopped', 'text')
    .addPrimaryKeyConstraint('alarm_escalations_pk', ['alarm_id', 'route'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['alarm_escalations', 'maintenance_windows', 'alarm_rules']) await db.schema.dropTable(table).ifExists().execute();
}
