/**
 * The host's accounts as the user and group modules show them: /etc/passwd, /etc/group and /etc/shadow read
 * directly (no child process for a list), joined into one record per user. Also the lookups every change
 * makes first, so "no such user" is a clear not-found before any tool runs.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { groupEntries, groupPath, passwdEntries, passwdPath, type GroupEntry, type PasswdEntry } from '../kernel/accounts.js';
import { GatehouseError } from '../kernel/errors.js';
import type { UserAccount } from './contract.js';
import { dayToIso, passwdComments, readLastLogins, readOptional, shadowEntries, uidMin, type ShadowEntry } from './shadow.js';

export interface AccountDatabase {
  users: PasswdEntry[];
  groups: GroupEntry[];
  comments: Map<string, string>;
  shadow: Map<string, ShadowEntry>;
  uidMin: number;
}

export async function readAccountDatabase(): Promise<AccountDatabase> {
  const [passwdText, groupText, shadowText, loginDefs] = await Promise.all([
    readFile(passwdPath, 'utf8'),
    readFile(groupPath, 'utf8'),
    // Readable by root only; a non-root agent shows password state as unknown rather than failing the list.
    readOptional('/etc/shadow').catch(() => ''),
    readOptional('/etc/login.defs'),
  ]);
  return {
    users: passwdEntries(passwdText),
    groups: groupEntries(groupText),
    comments: passwdComments(passwdText),
    shadow: shadowEntries(shadowText),
    uidMin: uidMin(loginDefs),
  };
}

const dayMs = 86_400_000;
/** chage writes 99999 for "no maximum". */
const noMaximum = 99_999;

/** One user as the contract shows it; `lastLogins` may be empty when lastlog was not read. */
export function userAccount(db: AccountDatabase, entry: PasswdEntry, lastLogins: Map<number, UserAccount['lastLogin'] & object>, now = Date.now()): UserAccount {
  const shadow = db.shadow.get(entry.name);
  const today = Math.floor(now / dayMs);
  const changed = shadow?.lastChangeDay;
  const max = shadow?.maxDays !== undefined && shadow.maxDays < noMaximum ? shadow.maxDays : null;
  const expireDay = shadow?.expireDay;
  return {
    name: entry.name,
    uid: entry.uid,
    gid: entry.gid,
    group: db.groups.find((g) => g.gid === entry.gid)?.name ?? '',
    groups: db.groups
      .filter((g) => g.members.includes(entry.name))
      .map((g) => g.name)
      .sort(),
    comment: db.comments.get(entry.name) ?? '',
    home: entry.home,
    shell: entry.shell,
    system: entry.uid < db.uidMin || entry.name === 'nobody',
    locked: shadow?.locked ?? false,
    password: shadow?.password ?? 'unknown',
    passwordChangedAt: changed !== undefined && changed > 0 ? dayToIso(changed) : null,
    mustChangePassword: changed === 0,
    passwordMaxDays: max,
    passwordExpiresAt: changed !== undefined && changed > 0 && max !== null ? dayToIso(changed + max) : null,
    accountExpiresAt: expireDay !== undefined ? dayToIso(expireDay) : null,
    accountExpired: expireDay !== undefined && expireDay <= today,
    lastLogin: lastLogins.get(entry.uid) ?? null,
  };
}

export async function listUsers(): Promise<UserAccount[]> {
  const db = await readAccountDatabase();
  const lastLogins = await readLastLogins(db.users.map((u) => u.uid));
  return db.users.map((entry) => userAccount(db, entry, lastLogins));
}

/** The account named, read fresh; not-found when /etc/passwd has no such line. */
export async function findUser(name: string, context: Record<string, string | undefined>): Promise<UserAccount> {
  const db = await readAccountDatabase();
  const entry = db.users.find((u) => u.name === name);
  if (!entry) throw new GatehouseError('not-found', `There is no user "${name}" on this host.`, context);
  return userAccount(db, entry, await readLastLogins([entry.uid]));
}

export function requireGroups(db: AccountDatabase, names: readonly string[], field: string, context: Record<string, string | undefined>): void {
  for (const name of names) {
    if (!db.groups.some((g) => g.name === name)) {
      throw new GatehouseError('not-found', `${field}: there is no group "${name}" on this host.`, context);
    }
  }
}

/** Shells a user may be given: those in /etc/shells, plus the usual "no login" ones; each must exist. */
export async function allowedShells(): Promise<string[]> {
  const listed = (await readOptional('/etc/shells'))
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('/'));
  const noLogin = ['/usr/sbin/nologin', '/sbin/nologin', '/bin/false', '/usr/bin/false'];
  return [...new Set([...listed, ...noLogin])].filter((shell) => existsSync(shell));
}

export async function requireShell(shell: string, context: Record<string, string | undefined>): Promise<void> {
  if (!(await allowedShells()).includes(shell)) {
    throw new GatehouseError('invalid-params', `shell: ${shell} is not a login shell on this host (see /etc/shells).`, context);
  }
}
