/**
 * Grants in the console's database (migration 011-grants): which role each account holds on which scope. An
 * account's grants are replaced as a whole, in one transaction, so nobody is ever seen holding half of a change.
 */
import type { Kysely } from 'kysely';
import { scopeKinds, type Grant, type Scope } from '../../../modules/kernel/access.js';
import { log } from '../log.js';

export interface GrantRow {
  user_id: string;
  role_id: string;
  scope_kind: string;
  scope_id: string;
  position: number;
  granted_at: string;
  granted_by: string;
}

interface GrantTables {
  grants: GrantRow;
  users: { id: string; role: string };
}

function scopeOf(row: GrantRow): Scope | undefined {
  switch (row.scope_kind as (typeof scopeKinds)[number]) {
    case 'fleet':
      return { kind: 'fleet' };
    case 'site':
      return { kind: 'site', siteId: row.scope_id };
    case 'group':
      return { kind: 'group', tag: row.scope_id };
    case 'host':
      return { kind: 'host', hostId: row.scope_id };
    default:
      return undefined;
  }
}

function scopeId(scope: Scope): string {
  return scope.kind === 'fleet' ? '' : scope.kind === 'site' ? scope.siteId : scope.kind === 'group' ? scope.tag : scope.hostId;
}

function grantOf(row: GrantRow): Grant | undefined {
  const scope = scopeOf(row);
  // A scope kind this console does not know (written by a newer one) grants nothing here: deny by default.
  if (scope === undefined) log.warn('a grant has an unknown scope kind and is ignored', { user: row.user_id, kind: row.scope_kind });
  return scope === undefined ? undefined : { role: row.role_id, scope };
}

export class GrantStore {
  readonly #db: Kysely<GrantTables>;

  constructor(db: Kysely<any>) {
    this.#db = db as Kysely<GrantTables>;
  }

  async of(userId: string): Promise<Grant[]> {
    const rows = await this.#db.selectFrom('grants').selectAll().where('user_id', '=', userId).orderBy('position').execute();
    return rows.flatMap((row) => grantOf(row) ?? []);
  }

  /** Every account's grants, by account id. */
  async all(): Promise<Map<string, Grant[]>> {
    const rows = await this.#db.selectFrom('grants').selectAll().orderBy('user_id').orderBy('position').execute();
    const byUser = new Map<string, Grant[]>();
    for (const row of rows) {
      const grant = grantOf(row);
      if (grant === undefined) continue;
      const list = byUser.get(row.user_id) ?? [];
      list.push(grant);
      byUser.set(row.user_id, list);
    }
    return byUser;
  }

  /** Replace an account's grants; its first role becomes `users.role` when it is a built-in one (lists show it). */
  async replace(userId: string, grants: readonly Grant[], by: string, listedRole: string): Promise<void> {
    const at = new Date().toISOString();
    await this.#db.transaction().execute(async (trx) => {
      await trx.deleteFrom('grants').where('user_id', '=', userId).execute();
      if (grants.length > 0) await trx
        .insertInto('grants')
        .values(grants.map((grant, position) => ({ user_id: userId, role_id: grant.role, scope_kind: grant.scope.kind, scope_id: scopeId(grant.scope), position, granted_at: at, granted_by: by })))
        .execute();
      await trx.updateTable('users').set({ role: listedRole }).where('id', '=', userId).execute();
    });
  }

  /** How many grants name each role. */
  async countByRole(): Promise<Map<string, number>> {
    const rows = await this.#db.selectFrom('grants').select(['role_id']).select((eb) => eb.fn.countAll<number>().as('count')).groupBy('role_id').execute();
    return new Map(rows.map((row) => [row.role_id, Number(row.count)]));
  }
}
