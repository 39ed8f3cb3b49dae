/**
 * Alarms and what happened to them: each alarm (one rule on one source) with its state-machine record, every
 * transition (who, when, why, value), every notification attempt and its outcome, and the acknowledge links sent
 * (only a hash of each link's secret half is kept).
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('alarms')
    .ifNotExists()
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('rule_id', 'text', (col) => col.notNull())
    .addColumn('state', 'text', (col) => col.notNull())
    /** The Alarm as the API shows it, as JSON: one place for its shape (modules/kernel/alarm-model.ts). */
    .addColumn('alarm', 'text', (col) => col.notNull())
    /** The state machine's own record, so a restarted console carries on where it stopped. */
    .addColumn('core', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'bigint', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('alarms_state').ifNotExists().on('alarms').column('state').execute();
  await db.schema
    .createTable('alarm_transitions')
    .ifNotExists()
    .addColumn('id', 'integer', (col) => col.primaryKey().autoIncrement())
    .addColumn('alarm_id', 'text', (col) => col.notNull())
    .addColumn('at', 'text', (col) => col.notNull())
    .addColumn('transition', 'text', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('alarm_transitions_alarm').ifNotExists().on('alarm_transitions').columns(['alarm_id', 'id']).execute();
  await db.schema
    .createTable('notification_attempts')
    .ifNotExists()
    .addColumn('id', 'integer', (col) => col.primaryKey().autoIncrement())
    .addColumn('alarm_id', 'text', (col) => col.notNull())
    .addColumn('at', 'bigint', (col) => col.notNull())
    .addColumn('attempt', 'text', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('notification_attempts_alarm').ifNotExists().on('notification_attempts').columns(['alarm_id', 'id']).execute();
  await db.schema
    .createTable('ack_links')
    .ifNotExists()
    .addColumn('selector', 'text', (col) => col.primaryKey())
    .addColumn('verifier_hash', 'text', (col) => col.notNull())
    .addColumn('alarm_id', 'text', (col) => col.notNull())
    .addColumn('recipient', 'text', (col) => col.notNull())
    .addColumn('expires_at', 'bigint', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('used_at', 'bigint')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['ack_links', 'notification_attempts', 'alarm_transitions', 'alarms']) await db.schema.dropTable(table).ifExists().execute();
}
