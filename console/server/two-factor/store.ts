/**
 * Two-factor state in the console's database (migration 012-two-factor): TOTP secrets (sealed), recovery code
 * hashes, WebAuthn credentials and the roles that must use a second factor. Conditions that must hold under
 * concurrent requests (a TOTP step used once, a recovery code used once) are conditional updates, decided by the
 * database, not by a read followed by a write.
 */
import type { Kysely } from 'kysely';
import type { RoleId } from '../../../modules/kernel/console-api.js';

interface TwoFactorTables {
  totp_secrets: { user_id: string; secret_sealed: string; created_at: string; confirmed_at: string | null; last_step: number };
  recovery_codes: { code_hash: string; user_id: string; created_at: string; used_at: string | null };
  webauthn_credentials: {
    id: string;
    user_id: string;
    name: string;
    public_key: string;
    counter: number;
    transports: string;
    created_at: string;
    last_used_at: string | null;
  };
  two_factor_roles: { role: string; set_by: string; set_at: string };
}

export type TotpRow = TwoFactorTables['totp_secrets'];
export type CredentialRow = TwoFactorTables['webauthn_credentials'];

export class TwoFactorStore {
  readonly #db: Kysely<TwoFactorTables>;

  constructor(db: Kysely<any>) {
    this.#db = db as Kysely<TwoFactorTables>;
  }

  async totp(userId: string): Promise<TotpRow | undefined> {
    return this.#db.selectFrom('totp_secrets').selectAll().where('user_id', '=', userId).executeTakeFirst();
  }

  /** Store a secret being enrolled, replacing an earlier unconfirmed one; false when a confirmed one exists. */
  async putPendingTotp(userId: string, sealed: string, at: string): Promise<boolean> {
    const result = await this.#db
      .insertInto('totp_secrets')
      .values({ user_id: userId, secret_sealed: sealed, created_at: at, confirmed_at: null, last_step: 0 })
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ secret_sealed: sealed, created_at: at, last_step: 0 }).where('totp_secrets.confirmed_at', 'is', null))
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  /** Mark the pending secret confirmed by a code of `step`; false when there is none pending. */
  async confirmTotp(userId: string, step: number, at: string): Promise<boolean> {
    const result = await this.#db
      .updateTable('totp_secrets')
      .set({ confirmed_at: at, last_step: step })
      .where('user_id', '=', userId)
      .where('confirmed_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Record that a code of `step` was used; false when that step (or a later one) was used already: a replay. */
  async useTotpStep(userId: string, step: number): Promise<boolean> {
    const result = await this.#db
      .updateTable('totp_secrets')
      .set({ last_step: step })
      .where('user_id', '=', userId)
      .where('confirmed_at', 'is not', null)
      .where('last_step', '<', step)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async deleteTotp(userId: string): Promise<boolean> {
    const result = await this.#db.deleteFrom('totp_secrets').where('user_id', '=', userId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Replace every recovery code of the user by these hashes (old ones stop working at once). */
  async replaceRecoveryCodes(userId: string, hashes: readonly string[], at: string): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      await trx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
      if (hashes.length > 0) {
        await trx.insertInto('recovery_codes').values(hashes.map((code_hash) => ({ code_hash, user_id: userId, created_at: at, used_at: null }))).execute();
      }
    });
  }

  /** Spend one recovery code; false when it is not the user's, or was spent already. */
  async useRecoveryCode(userId: string, hash: string, at: string): Promise<boolean> {
    const result = await this.#db
      .updateTable('recovery_codes')
      .set({ used_at: at })
      .where('code_hash', '=', hash)
      .where('user_id', '=', userId)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async recoveryCodesLeft(userId: string): Promise<number> {
    const row = await this.#db
      .selectFrom('recovery_codes')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('user_id', '=', userId)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async addCredential(row: CredentialRow): Promise<void> {
    await this.#db.insertInto('webauthn_credentials').values(row).execute();
  }

  async credentials(userId: string): Promise<CredentialRow[]> {
    return this.#db.selectFrom('webauthn_credentials').selectAll().where('user_id', '=', userId).orderBy('created_at').orderBy('id').execute();
  }

  async credential(id: string): Promise<CredentialRow | undefined> {
    return this.#db.selectFrom('webauthn_credentials').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /**
   * Note a use of the credential with the authenticator's new signature counter; false when another login moved
   * the counter past it meanwhile (a cloned authenticator, or a replay).
   */
  async useCredential(id: string, expectedCounter: number, counter: number, at: string): Promise<boolean> {
    const result = await this.#db
      .updateTable('webauthn_credentials')
      .set({ counter, last_used_at: at })
      .where('id', '=', id)
      .where('counter', '=', expectedCounter)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async deleteCredential(userId: string, id: string): Promise<CredentialRow | undefined> {
    const found = await this.#db.selectFrom('webauthn_credentials').selectAll().where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
    if (found) await this.#db.deleteFrom('webauthn_credentials').where('id', '=', id).where('user_id', '=', userId).execute();
    return found;
  }

  /** Remove every factor of the user (an administrator's reset after a lost phone); true when there was any. */
  async deleteAll(userId: string): Promise<boolean> {
    return this.#db.transaction().execute(async (trx) => {
      const totp = await trx.deleteFrom('totp_secrets').where('user_id', '=', userId).executeTakeFirst();
      const keys = await trx.deleteFrom('webauthn_credentials').where('user_id', '=', userId).executeTakeFirst();
      await trx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
      return Number(totp.numDeletedRows) + Number(keys.numDeletedRows) > 0;
    });
  }

  async requiredRoles(): Promise<RoleId[]> {
    const rows = await this.#db.selectFrom('two_factor_roles').select('role').orderBy('role').execute();
    return rows.map((row) => row.role as RoleId);
  }

  async setRequiredRoles(roles: readonly RoleId[], by: string, at: string): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      await trx.deleteFrom('two_factor_roles').execute();
      if (roles.length > 0) await trx.insertInto('two_factor_roles').values(roles.map((role) => ({ role, set_by: by, set_at: at }))).execute();
    });
  }
}
