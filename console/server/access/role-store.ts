/**
 * Custom roles in the console's database (migration 011-grants), kept in the role book so that checking a
 * permission never waits for the database. Built-in roles are code (roles.ts) and cannot be changed or removed.
 */
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { isBuiltInRole, type CustomRoleRequest } from '../../../modules/kernel/access.js';
import { GatehouseError } from '../../../modules/kernel/errors.js';
import { log } from '../log.js';
import type { RoleBook, RoleDefinition } from './role-book.js';

interface RoleRow {
  id: string;
  name: string;
  summary: string;
  allow: string;
  deny: string;
  updated_at: string;
  updated_by: string;
}

const codeList = z.array(z.string());

function codesOf(text: string, role: string): string[] {
  try {
    return codeList.parse(JSON.parse(text));
  } catch {
    log.warn('a custom role\'s codes do not parse; it allows nothing', { role });
    return [];
  }
}

/** A role id from its name: "Night shift (north)" → "night-shift-north". */
export function roleIdFromName(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 36)
    .replace(/-+$/, '');
  return /^[a-z]/.test(slug) ? slug : `role-${slug}`.replace(/-+$/, '');
}

export class RoleStore {
  readonly #db: Kysely<{ custom_roles: RoleRow }>;
  readonly #book: RoleBook;

  constructor(db: Kysely<any>, book: RoleBook) {
    this.#db = db as Kysely<{ custom_roles: RoleRow }>;
    this.#book = book;
  }

  async load(): Promise<void> {
    const rows = await this.#db.selectFrom('custom_roles').selectAll().execute();
    this.#book.setCustom(rows.map((row) => this.#definition(row)));
  }

  /** Check a request's codes against the catalogue: an unknown code is a mistake, not something to store. */
  checkCodes(request: Required<Pick<CustomRoleRequest, 'allow' | 'deny'>>): { allow: string[]; deny: string[] } {
    const allow = [...new Set(request.allow)].sort();
    const deny = [...new Set(request.deny)].sort();
    const unknown = [...allow, ...deny].filter((code) => !this.#book.codes.has(code));
    if (unknown.length > 0) throw new GatehouseError('invalid-params', `unknown permission code${unknown.length > 1 ? 's' : ''}: ${unknown.slice(0, 5).join(', ')}`);
    const both = allow.filter((code) => deny.includes(code));
    if (both.length > 0) throw new GatehouseError('invalid-params', `a code cannot be both allowed and denied: ${both.slice(0, 5).join(', ')}`);
    return { allow, deny };
  }

  async create(role: { id: string; name: string; summary: string; allow: string[]; deny: string[] }, by: string): Promise<RoleDefinition> {
    if (isBuiltInRole(role.id) || this.#book.get(role.id) !== undefined) {
      throw new GatehouseError('conflict', `there is already a role with the id ${role.id}; choose another name`);
    }
    if (this.#book.list().some((other) => other.name.toLowerCase() === role.name.toLowerCase())) {
      throw new GatehouseError('conflict', `there is already a role named ${role.name}`);
    }
    const row: RoleRow = { id: role.id, name: role.name, summary: role.summary, allow: JSON.stringify(role.allow), deny: JSON.stringify(role.deny), updated_at: new Date().toISOString(), updated_by: by };
    await this.#db.insertInto('custom_roles').values(row).execute();
    await this.load();
    return this.#book.get(role.id)!;
  }

  async replace(id: string, role: { name: string; summary: string; allow: string[]; deny: string[] }, by: string): Promise<RoleDefinition> {
    this.#custom(id);
    if (this.#book.list().some((other) => other.id !== id && other.name.toLowerCase() === role.name.toLowerCase())) {
      throw new GatehouseError('conflict', `there is already a role named ${role.name}`);
    }
    await this.#db
      .updateTable('custom_roles')
      .set({ name: role.name, summary: role.summary, allow: JSON.stringify(role.allow), deny: JSON.stringify(role.deny), updated_at: new Date().toISOString(), updated_by: by })
      .where('id', '=', id)
      .execute();
    await this.load();
    return this.#book.get(id)!;
  }

  async remove(id: string): Promise<RoleDefinition> {
    const role = this.#custom(id);
    await this.#db.deleteFrom('custom_roles').where('id', '=', id).execute();
    await this.load();
    return role;
  }

  /** A custom role by id; built-in ones are refused, unknown ones are not-found. */
  #custom(id: string): RoleDefinition {
    if (isBuiltInRole(id)) throw new GatehouseError('forbidden', `${id} is a built-in role; it cannot be changed or removed (make a role of your own from it)`);
    const role = this.#book.get(id);
    if (role === undefined) throw new GatehouseError('not-found', `no role with the id ${id}`);
    return role;
  }

  #definition(row: RoleRow): RoleDefinition {
    return { id: row.id, name: row.name, summary: row.summary, builtIn: false, allow: new Set(codesOf(row.allow, row.id)), deny: new Set(codesOf(row.deny, row.id)) };
  }
}
