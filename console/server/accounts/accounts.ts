/**
 * Console accounts (the people who log in to Gatehouse, not the Unix users of a host): listed, created with grants
 * (a role on the whole fleet, a site, a host group or a host), given other grants, disabled and enabled, given a
 * new password, each change audited. A delegated administrator (account.manage on a site) sees and changes only
 * accounts whose grants lie inside their reach, and gives nothing they do not hold (access/authority.ts).
 * Disabling an account or changing its grants or password ends its sessions, so the change holds at once. The
 * last enabled administrator of the whole fleet cannot lose that: nobody could manage the console then.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { grantListSchema, isBuiltInRole, roleIdSchema, type AccountView, type Grant } from '../../../modules/kernel/access.js';
import { GatehouseError } from '../../../modules/kernel/errors.js';
import type { AuditTrail } from '../audit.js';
import { hashPassword, MAX_PASSWORD_LENGTH } from '../auth/passwords.js';
import type { Storage, UserRecord } from '../storage/types.js';
import type { Access } from '../access/access.js';
import { grantRefusal, mayManageAccount, maySeeAccount } from '../access/authority.js';
import type { AccessControl } from '../access/service.js';

/** Who acts: a person from their session, with what they may do where. */
export interface AccountActor {
  username: string;
  address: string | null;
  access: Access;
}

/** Login names: letters, digits and . _ - (as people type them), 1–64 characters, no spaces or controls. */
export const accountNameSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" and "-", starting with a letter or digit');

/** Long enough to resist guessing; the limit on length keeps hashing cheap (passwords.ts). */
const passwordSchema = z.string().min(12, 'at least 12 characters').max(MAX_PASSWORD_LENGTH);

/** `role` is a role on the whole fleet; `grants` are roles on scopes. One of them, not both. */
export const newAccountSchema = z
  .object({ username: accountNameSchema, password: passwordSchema, role: roleIdSchema.optional(), grants: grantListSchema.optional() })
  .strict()
  .refine((a) => (a.role === undefined) !== (a.grants === undefined), 'give a role (on the whole fleet) or a list of grants, one of them');
export const accountChangeSchema = z
  .object({ role: roleIdSchema.optional(), grants: grantListSchema.optional(), disabled: z.boolean().optional(), password: passwordSchema.optional() })
  .strict()
  .refine((c) => !(c.role !== undefined && c.grants !== undefined), 'give a role or a list of grants, not both')
  .refine((c) => c.role !== undefined || c.grants !== undefined || c.disabled !== undefined || c.password !== undefined, 'say what to change: role, grants, disabled or password');

interface UserTables {
  users: { id: string; username: string; role: string; password_hash: string; created_at: string; disabled: number };
  grants: { user_id: string; role_id: string; scope_kind: string };
}

const fleetAdministrator = (grants: readonly Grant[]) => grants.some((g) => g.role === 'administrator' && g.scope.kind === 'fleet');

export class Accounts {
  readonly #storage: Storage;
  readonly #db: Kysely<UserTables>;
  readonly #audit: AuditTrail;
  readonly #access: AccessControl;

  constructor(options: { storage: Storage; audit: AuditTrail; access: AccessControl }) {
    this.#storage = options.storage;
    this.#db = options.storage.db as Kysely<UserTables>;
    this.#audit = options.audit;
    this.#access = options.access;
  }

  /** The accounts `actor` may see: all for a fleet account manager, those with a grant in their reach otherwise. */
  async list(actor: AccountActor): Promise<AccountView[]> {
    const [rows, grants] = await Promise.all([this.#db.selectFrom('users').selectAll().orderBy('username').execute(), this.#access.grants.all()]);
    return rows
      .filter((r) => maySeeAccount(actor.access, grants.get(r.id) ?? []))
      .map((r) => this.#view({ id: r.id, username: r.username, role: r.role, disabled: r.disabled !== 0, createdAt: r.created_at }, grants.get(r.id) ?? []));
  }

  async create(actor: AccountActor, input: z.output<typeof newAccountSchema>): Promise<AccountView> {
    const grants: Grant[] = input.grants ?? [{ role: input.role!, scope: { kind: 'fleet' } }];
    this.#mayGive(actor, grants);
    if (await this.#storage.findUserByName(input.username)) throw new GatehouseError('exists', `There is already an account ${input.username}.`);
    const user = await this.#storage.createUser({ id: randomUUID(), username: input.username, role: listedRole(grants), passwordHash: await hashPassword(input.password) });
    await this.#access.grants.replace(user.id, grants, actor.username, listedRole(grants));
    await this.#audit.record({ user: actor.username, address: actor.address, action: 'account.create', phase: 'event', result: 'ok', detail: `${user.username} with ${this.#said(grants)}` });
    return this.#view({ ...user, role: listedRole(grants) }, grants);
  }

  async change(actor: AccountActor, id: string, change: z.output<typeof accountChangeSchema>): Promise<AccountView> {
    const user = await this.#storage.findUserById(id);
    const before = user ? await this.#access.grants.of(user.id) : [];
    // An account out of reach is "no such account" to a delegated administrator: ids do not confirm what exists.
    if (!user || !maySeeAccount(actor.access, before)) throw new GatehouseError('not-found', 'No such account.');
    if (!mayManageAccount(actor.access, before)) {
      throw new GatehouseError('forbidden', `${user.username} holds grants outside your reach; an administrator of the whole fleet must change this account`);
    }
    const grants = change.grants ?? (change.role !== undefined ? [{ role: change.role, scope: { kind: 'fleet' as const } }] : undefined);
    if (grants !== undefined) this.#mayGive(actor, grants);
    const after = grants ?? before;
    const losesAdministration = fleetAdministrator(before) && !user.disabled && (!fleetAdministrator(after) || change.disabled === true);
    if (losesAdministration && (await this.#enabledFleetAdministrators()) <= 1) {
      throw new GatehouseError('conflict', `${user.username} is the last enabled administrator of the whole fleet; make another one first.`);
    }
    const patch: Partial<UserTables['users']> = {};
    if (change.disabled !== undefined) patch.disabled = change.disabled ? 1 : 0;
    if (change.password !== undefined) patch.password_hash = await hashPassword(change.password);
    if (Object.keys(patch).length > 0) await this.#db.updateTable('users').set(patch).where('id', '=', id).execute();
    if (grants !== undefined) await this.#access.grants.replace(id, grants, actor.username, listedRole(grants));
    // New grants, a disabled account or a new password must hold now, not when the old session expires.
    await this.#storage.deleteUserSessions(id);
    const said = [grants !== undefined && `grants ${this.#said(before)} → ${this.#said(grants)}`, change.disabled !== undefined && (change.disabled ? 'disabled' : 'enabled'), change.password !== undefined && 'password set']
      .filter(Boolean)
      .join(', ');
    await this.#audit.record({ user: actor.username, address: actor.address, action: 'account.change', phase: 'event', result: 'ok', detail: `${user.username}: ${said}` });
    return this.#view((await this.#storage.findUserById(id))!, after);
  }

  /** Refuse (403) a grant the actor may not give: outside their reach, or a role holding more than they do. */
  #mayGive(actor: AccountActor, grants: readonly Grant[]): void {
    for (const grant of grants) {
      if (this.#access.roles.get(grant.role) === undefined) throw new GatehouseError('invalid-params', `there is no role ${grant.role}`);
      const missing = this.#access.scopeProblem(grant.scope);
      if (missing !== null) throw new GatehouseError('invalid-params', missing);
      const refusal = grantRefusal(actor.access, grant, this.#access.roles, { asAccountManager: true });
      if (refusal !== null) throw new GatehouseError('forbidden', refusal);
    }
  }

  #said(grants: readonly Grant[]): string {
    return grants.map((grant) => `${grant.role} on ${this.#access.scopeName(grant.scope)}`).join(', ') || 'none';
  }

  #view(user: Pick<UserRecord, 'id' | 'username' | 'disabled' | 'createdAt'> & { role: string }, grants: readonly Grant[]): AccountView {
    return { id: user.id, username: user.username, role: grants[0]?.role ?? user.role, grants: grants.map((grant) => this.#access.describe(grant)), disabled: user.disabled, createdAt: user.createdAt };
  }

  async #enabledFleetAdministrators(): Promise<number> {
    const row = await this.#db
      .selectFrom('users')
      .innerJoin('grants', 'grants.user_id', 'users.id')
      .select((eb) => eb.fn.count<number>('users.id').distinct().as('n'))
      .where('grants.role_id', '=', 'administrator')
      .where('grants.scope_kind', '=', 'fleet')
      .where('users.disabled', '=', 0)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }
}

/** `users.role` keeps the first grant's role when it is a built-in one, for lists and old clients; else `viewer`. */
function listedRole(grants: readonly Grant[]): UserRecord['role'] {
  const first = grants[0]?.role;
  return first !== undefined && isBuiltInRole(first) ? first : 'viewer';
}
