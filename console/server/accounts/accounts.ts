/**
 * Console accounts (the people who log in to Gatehouse, not the Unix users of a host): listed, created with a role
 * on the whole fleet, given another role, disabled and enabled, given a new password — by administrators, each
 * change audited. Disabling an account or changing its role or password ends its sessions, so the change holds
 * at once. The last enabled administrator cannot be demoted or disabled: nobody could manage the console then.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { roleIds, type RoleId } from '../../../modules/kernel/console-api.js';
import { GatehouseError } from '../../../modules/kernel/errors.js';
import type { AuditTrail } from '../audit.js';
import { hashPassword, MAX_PASSWORD_LENGTH } from '../auth/passwords.js';
import type { Storage, UserRecord } from '../storage/types.js';

/** Who acts: a person from their session. */
export interface AccountActor {
  username: string;
  address: string | null;
}

/** Login names: letters, digits and . _ - (as people type them), 1–64 characters, no spaces or controls. */
export const accountNameSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" and "-", starting with a letter or digit');

/** Long enough to resist guessing; the limit on length keeps hashing cheap (passwords.ts). */
const passwordSchema = z.string().min(12, 'at least 12 characters').max(MAX_PASSWORD_LENGTH);

export const newAccountSchema = z.object({ username: accountNameSchema, password: passwordSchema, role: z.enum(roleIds) }).strict();
export const accountChangeSchema = z
  .object({ role: z.enum(roleIds).optional(), disabled: z.boolean().optional(), password: passwordSchema.optional() })
  .strict()
  .refine((c) => c.role !== undefined || c.disabled !== undefined || c.password !== undefined, 'say what to change: role, disabled or password');

/** An account as the API shows it: never the password hash. */
export interface AccountView {
  id: string;
  username: string;
  role: RoleId;
  disabled: boolean;
  createdAt: string;
}

interface UserTables {
  users: { id: string; username: string; role: string; password_hash: string; created_at: string; disabled: number };
}

function view(user: UserRecord): AccountView {
  return { id: user.id, username: user.username, role: user.role, disabled: user.disabled, createdAt: user.createdAt };
}

export class Accounts {
  readonly #storage: Storage;
  readonly #db: Kysely<UserTables>;
  readonly #audit: AuditTrail;

  constructor(options: { storage: Storage; audit: AuditTrail }) {
    this.#storage = options.storage;
    this.#db = options.storage.db as Kysely<UserTables>;
    this.#audit = options.audit;
  }

  async list(): Promise<AccountView[]> {
    const rows = await this.#db.selectFrom('users').selectAll().orderBy('username').execute();
    return rows.map((r) => ({ id: r.id, username: r.username, role: r.role as RoleId, disabled: r.disabled !== 0, createdAt: r.created_at }));
  }

  async create(actor: AccountActor, input: z.output<typeof newAccountSchema>): Promise<AccountView> {
    if (await this.#storage.findUserByName(input.username)) throw new GatehouseError('exists', `There is already an account ${input.username}.`);
    const user = await this.#storage.createUser({ id: randomUUID(), username: input.username, role: input.role, passwordHash: await hashPassword(input.password) });
    await this.#audit.record({ user: actor.username, address: actor.address, action: 'account.create', phase: 'event', result: 'ok', detail: `${user.username} as ${user.role}` });
    return view(user);
  }

  async change(actor: AccountActor, id: string, change: z.output<typeof accountChangeSchema>): Promise<AccountView> {
    const user = await this.#storage.findUserById(id);
    if (!user) throw new GatehouseError('not-found', 'No such account.');
    const losesAdministration = user.role === 'administrator' && !user.disabled && ((change.role !== undefined && change.role !== 'administrator') || change.disabled === true);
    if (losesAdministration && (await this.#enabledAdministrators()) <= 1) {
      throw new GatehouseError('conflict', `${user.username} is the last enabled administrator; make another one first.`);
    }
    const patch: Partial<UserTables['users']> = {};
    if (change.role !== undefined) patch.role = change.role;
    if (change.disabled !== undefined) patch.disabled = change.disabled ? 1 : 0;
    if (change.password !== undefined) patch.password_hash = await hashPassword(change.password);
    await this.#db.updateTable('users').set(patch).where('id', '=', id).execute();
    // A new role, a disabled account or a new password must hold now, not when the old session expires.
    await this.#storage.deleteUserSessions(id);
    const said = [change.role !== undefined && `role ${user.role} → ${change.role}`, change.disabled !== undefined && (change.disabled ? 'disabled' : 'enabled'), change.password !== undefined && 'password set']
      .filter(Boolean)
      .join(', ');
    await this.#audit.record({ user: actor.username, address: actor.address, action: 'account.change', phase: 'event', result: 'ok', detail: `${user.username}: ${said}` });
    return view((await this.#storage.findUserById(id))!);
  }

  async #enabledAdministrators(): Promise<number> {
    const row = await this.#db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('role', '=', 'administrator')
      .where('disabled', '=', 0)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }
}
