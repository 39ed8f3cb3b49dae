/**
 * Each alarm's escalation, per route, in `alarm_escalations` (migration 009): when the raise it pages about was
 * learned, how far the policy has been paged (`handled_until`, the `now` of the last step), and why it stopped. A
 * restarted console reads the running ones back and pages only what fell due while it was down.
 */
import type { Kysely } from 'kysely';

interface EscalationTables {
  alarm_escalations: { alarm_id: string; route: string; raised_at: number; handled_until: number | null; stopped: string | null };
}

export interface EscalationRow {
  alarmId: string;
  route: string;
  /** ms: when the console learned of the raise (not the alarm's own time: replayed data must not page every step at once). */
  raisedAt: number;
  /** ms: the `now` of the last call to nextEscalation; null before the first. */
  handledUntil: number | null;
  /** `acknowledged`, `exhausted`, a transition cause, … or null while it runs. */
  stopped: string | null;
}

export class EscalationStore {
  readonly #db: Kysely<EscalationTables>;

  constructor(db: Kysely<any>) {
    this.#db = db as Kysely<EscalationTables>;
  }

  /** A new raise: the escalation starts again from its first step. */
  async start(alarmId: string, route: string, raisedAt: number): Promise<void> {
    const row = { alarm_id: alarmId, route, raised_at: raisedAt, handled_until: null, stopped: null };
    await this.#db
      .insertInto('alarm_escalations')
      .values(row)
      .onConflict((oc) => oc.columns(['alarm_id', 'route']).doUpdateSet({ raised_at: raisedAt, handled_until: null, stopped: null }))
      .execute();
  }

  async handled(alarmId: string, route: string, handledUntil: number, stopped: string | null): Promise<void> {
    await this.#db
      .updateTable('alarm_escalations')
      .set({ handled_until: handledUntil, stopped })
      .where('alarm_id', '=', alarmId)
      .where('route', '=', route)
      .execute();
  }

  /** Stop every running escalation of an alarm; `reason` says why (shown nowhere yet, kept for the record). */
  async stop(alarmId: string, reason: string): Promise<void> {
    await this.#db.updateTable('alarm_escalations').set({ stopped: reason }).where('alarm_id', '=', alarmId).where('stopped', 'is', null).execute();
  }

  async running(): Promise<EscalationRow[]> {
    const rows = await this.#db.selectFrom('alarm_escalations').selectAll().where('stopped', 'is', null).orderBy('raised_at').execute();
    return rows.map((r) => ({
      alarmId: r.alarm_id,
      route: r.route,
      raisedAt: Number(r.raised_at),
      handledUntil: r.handled_until === null ? null : Number(r.handled_until),
      stopped: r.stopped,
    }));
  }
}
