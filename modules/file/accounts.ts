/**
 * User and group names for file listings and chown, read from /etc/passwd and /etc/group.
 *
 * Parsed once and kept until either file's mtime, size or inode changes (tools like useradd replace the file
 * by rename, which changes the inode). Accounts that exist only in NSS back ends (LDAP, SSSD) are not seen;
 * their ids are shown as numbers, as `ls` does when a name cannot be found.
 */
import { readFile, stat } from 'node:fs/promises';
import { groupEntries, groupPath, passwdEntries, passwdPath } from '../kernel/accounts.js';
import { GatehouseError } from '../kernel/errors.js';

export interface Accounts {
  /** The name for a uid, or the uid as text when no account has it. */
  userName(uid: number): string;
  groupName(gid: number): string;
  /** The uid for a name, undefined when no account has it. */
  userId(name: string): number | undefined;
  groupId(name: string): number | undefined;
}

export interface AccountFiles {
  readonly passwd: string;
  readonly group: string;
}

interface Table {
  readonly byId: Map<number, string>;
  readonly byName: Map<string, number>;
}

/** A loader that re-reads the files only when they change. */
export function accountsFrom(files: AccountFiles): () => Promise<Accounts> {
  let cached: { stamp: string; accounts: Accounts } | undefined;
  return async () => {
    const stamp = `${await stampOf(files.passwd)}|${await stampOf(files.group)}`;
    if (cached?.stamp === stamp) return cached.accounts;
    const users = tableOf(passwdEntries(await readFile(files.passwd, 'utf8').catch(() => '')), (user) => user.uid);
    const groups = tableOf(groupEntries(await readFile(files.group, 'utf8').catch(() => '')), (group) => group.gid);
    const accounts: Accounts = {
      userName: (uid) => users.byId.get(uid) ?? String(uid),
      groupName: (gid) => groups.byId.get(gid) ?? String(gid),
      userId: (name) => users.byName.get(name),
      groupId: (name) => groups.byName.get(name),
    };
    cached = { stamp, accounts };
    return accounts;
  };
}

/** The host's accounts, from /etc/passwd and /etc/group. */
export const loadAccounts = accountsFrom({ passwd: passwdPath, group: groupPath });

/**
 * Turn chown's `user` and `group` (names or numeric ids) into ids; -1 leaves that one unchanged.
 * An unknown name is `not-found` rather than a guess.
 */
export function ownerIds(
  accounts: Accounts,
  user: string | undefined,
  group: string | undefined,
): { uid: number; gid: number } {
  return {
    uid: user === undefined ? -1 : idOf(user, accounts.userId(user), 'user'),
    gid: group === undefined ? -1 : idOf(group, accounts.groupId(group), 'group'),
  };
}

function idOf(text: string, byName: number | undefined, kind: 'user' | 'group'): number {
  // All digits is an id, as the contract's pattern says; a name never starts with a digit there.
  if (/^[0-9]+$/.test(text)) {
    const id = Number(text);
    // 2^32 - 1 is (uid_t)-1, which chown reads as "leave unchanged"; refuse it and anything larger.
    if (!Number.isSafeInteger(id) || id >= 2 ** 32 - 1) {
      throw new GatehouseError('invalid-params', `No such ${kind} id: ${text}`);
    }
    return id;
  }
  if (byName === undefined) throw new GatehouseError('not-found', `No such ${kind}: ${text}`, { [kind]: text });
  return byName;
}

async function stampOf(path: string): Promise<string> {
  try {
    const s = await stat(path);
    return `${s.ino}:${s.size}:${s.mtimeMs}`;
  } catch {
    return 'missing';
  }
}

/** Both directions of name ↔ id; the first line for an id or a name wins, as getpwuid and getpwnam do. */
function tableOf<E extends { readonly name: string }>(entries: readonly E[], idOf: (entry: E) => number): Table {
  const byId = new Map<number, string>();
  const byName = new Map<string, number>();
  for (const entry of entries) {
    const id = idOf(entry);
    if (!byId.has(id)) byId.set(id, entry.name);
    if (!byName.has(entry.name)) byName.set(entry.name, id);
  }
  return { byId, byName };
}
