/**
 * Alarm rules in the console's database (migration 009-alarm-rules), as engineers saved them. A rule that no
 * longer parses (written by a newer console) is reported by id and left out, not fatal.
 */
import type { Kysely } from 'kysely';
import { alarmRuleSchema, type AlarmRule } from '../../../modules/kernel/alarm-rules.js';
import { log } from '../log.js';

interface RuleTables {
  alarm_rules: { id: string; rule: string; updated_at: string; updated_by: string };
}

export interface StoredRule {
  rule: AlarmRule;
  updatedAt: string;
  updatedBy: string;
}

export class AlarmRuleStore {
  readonly #db: Kysely<RuleTables>;

  constructor(db: Kysely<any>) {
    this.#db = db as Kysely<RuleTables>;
  }

  async list(): Promise<StoredRule[]> {
    const rows = await this.#db.selectFrom('alarm_rules').selectAll().orderBy('id').execute();
    const rules: StoredRule[] = [];
    for (const row of rows) {
      const parsed = alarmRuleSchema.safeParse(JSON.parse(row.rule));
      if (parsed.success) rules.push({ rule: parsed.data, updatedAt: row.updated_at, updatedBy: row.updated_by });
      else log.warn('alarm rule in the database does not parse; left out', { rule: row.id, message: parsed.error.issues[0]?.message });
    }
    return rules;
  }

  async save(rule: AlarmRule, updatedBy: string, updatedAt: string): Promise<StoredRule> {
    const row = { id: rule.id, rule: JSON.stringify(rule), updated_at: updatedAt, updated_by: updatedBy };
    await this.#db
      .insertInto('alarm_rules')
      .values(row)
      .onConflict((oc) => oc.column('id').doUpdateSet({ rule: row.rule, updated_at: row.updated_at, updated_by: row.updated_by }))
      .execute();
    return { rule, updatedAt, updatedBy };
  }

  async remove(id: string): Promise<boolean> {
    const result = await this.#db.deleteFrom('alarm_rules').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
