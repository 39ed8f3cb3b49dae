/**
 * Alarms in the console's database (migration 008-alarms): the current record of each alarm with its state
 * machine's core (so a restart carries on), its transitions in order, the notification attempts, and the
 * acknowledge links. Implements the notify/ module's AttemptLog and AckTokenStore, so deliveries and links are
 * kept where the alarm is. Queries are portable to PostgreSQL.
 */
import type { Kysely } from 'kysely';
import { alarmSchema, alarmTransitionSchema, type Alarm, type AlarmTransition } from '../../../modules/kernel/alarm-model.js';
import type { AckTokenRecord, AckTokenStore } from '../notify/ack-link.js';
import type { AttemptLog, DeliveryAttempt } from '../notify/attempt-log.js';
import type { AlarmCore } from './state-machine.js';

interface AlarmTables {
  alarms: { id: string; rule_id: string; state: string; alarm: string; core: string; updated_at: number };
  alarm_transitions: { id: number | undefined; alarm_id: string; at: string; transition: string };
  notification_attempts: { id: number | undefined; alarm_id: string; at: number; attempt: string };
  ack_links: {
    selector: string;
    verifier_hash: string;
    alarm_id: string;
    recipient: string;
    expires_at: number;
    created_at: number;
    used_at: number | null;
  };
}

export interface StoredAlarm {
  alarm: Alarm;
  core: AlarmCore;
}

export class AlarmStore implements AttemptLog, AckTokenStore {
  readonly #db: Kysely<AlarmTables>;

  constructor(db: Kysely<any>) {
    this.#db = db as Kysely<AlarmTables>;
  }

  /** Save an alarm's present record and the transitions that led to it, together or not at all. */
  async saveAlarm(alarm: Alarm, core: AlarmCore, transitions: readonly AlarmTransition[], now = Date.now()): Promise<void> {
    const row = { id: alarm.id, rule_id: alarm.ruleId, state: alarm.state, alarm: JSON.stringify(alarm), core: JSON.stringify(core), updated_at: now };
    await this.#db.transaction().execute(async (trx) => {
      await trx
        .insertInto('alarms')
        .values(row)
        .onConflict((oc) => oc.column('id').doUpdateSet({ rule_id: row.rule_id, state: row.state, alarm: row.alarm, core: row.core, updated_at: row.updated_at }))
        .execute();
      if (transitions.length > 0) {
        await trx
          .insertInto('alarm_transitions')
          .values(transitions.map((t) => ({ id: undefined, alarm_id: alarm.id, at: t.at, transition: JSON.stringify(t) })))
          .execute();
      }
    });
  }

  /** Every alarm with its core, for the engine to start from (normal ones included: their rules keep state). */
  async loadAlarms(): Promise<StoredAlarm[]> {
    const rows = await this.#db.selectFrom('alarms').select(['alarm', 'core']).orderBy('id').execute();
    return rows.map((r) => ({ alarm: alarmSchema.parse(JSON.parse(r.alarm)), core: JSON.parse(r.core) as AlarmCore }));
  }

  /** Forget the present record of a rule's alarms (the rule was replaced or removed); their history stays. */
  async deleteAlarmsOfRule(ruleId: string): Promise<number> {
    const result = await this.#db.deleteFrom('alarms').where('rule_id', '=', ruleId).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** One alarm's stored record (also after its rule was removed), or undefined. */
  async storedAlarm(alarmId: string): Promise<Alarm | undefined> {
    const row = await this.#db.selectFrom('alarms').select('alarm').where('id', '=', alarmId).executeTakeFirst();
    return row ? alarmSchema.parse(JSON.parse(row.alarm)) : undefined;
  }

  /** Alarms in any state but normal, newest raised first: what GET /api/alarms lists. */
  async currentAlarms(): Promise<Alarm[]> {
    const rows = await this.#db.selectFrom('alarms').select('alarm').where('state', '!=', 'normal').execute();
    return rows.map((r) => alarmSchema.parse(JSON.parse(r.alarm))).sort((a, b) => b.raisedAt.localeCompare(a.raisedAt));
  }

  /** An alarm's transitions, oldest first (at most `limit`, the newest ones). */
  async history(alarmId: string, limit = 500): Promise<AlarmTransition[]> {
    const rows = await this.#db
      .selectFrom('alarm_transitions')
      .select('transition')
      .where('alarm_id', '=', alarmId)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.reverse().map((r) => alarmTransitionSchema.parse(JSON.parse(r.transition)));
  }

  // AttemptLog

  async record(attempt: DeliveryAttempt): Promise<void> {
    await this.#db.insertInto('notification_attempts').values({ id: undefined, alarm_id: attempt.alarmId, at: attempt.at, attempt: JSON.stringify(attempt) }).execute();
  }

  async forAlarm(alarmId: string): Promise<DeliveryAttempt[]> {
    const rows = await this.#db.selectFrom('notification_attempts').select('attempt').where('alarm_id', '=', alarmId).orderBy('id').execute();
    return rows.map((r) => JSON.parse(r.attempt) as DeliveryAttempt);
  }

  // AckTokenStore

  async save(record: AckTokenRecord): Promise<void> {
    await this.#db
      .insertInto('ack_links')
      .values({
        selector: record.selector,
        verifier_hash: record.verifierHash,
        alarm_id: record.alarmId,
        recipient: record.recipient,
        expires_at: record.expiresAt,
        created_at: record.createdAt,
        used_at: record.usedAt,
      })
      .execute();
  }

  async get(selector: string): Promise<AckTokenRecord | undefined> {
    const row = await this.#db.selectFrom('ack_links').selectAll().where('selector', '=', selector).executeTakeFirst();
    if (!row) return undefined;
    return {
      selector: row.selector,
      verifierHash: row.verifier_hash,
      alarmId: row.alarm_id,
      recipient: row.recipient,
      expiresAt: Number(row.expires_at),
      createdAt: Number(row.created_at),
      usedAt: row.used_at === null ? null : Number(row.used_at),
    };
  }

  /** Single use: only the first of two clicks at once finds it unused. */
  async take(selector: string, usedAt: number): Promise<boolean> {
    const result = await this.#db.updateTable('ack_links').set({ used_at: usedAt }).where('selector', '=', selector).where('used_at', 'is', null).executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Links past their expiry are of no use to anyone; drop them. */
  async pruneAckLinks(now: number): Promise<number> {
    const result = await this.#db.deleteFrom('ack_links').where('expires_at', '<', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
