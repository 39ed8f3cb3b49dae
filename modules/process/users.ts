/**
 * User names for uids, from /etc/passwd.
 *
 * Parsed directly rather than through `getent` or `id` so a process list never starts a child process. Users
 * known only to NSS (LDAP, sssd) are not in the file; they show as their uid number, which is also what
 * `ps` prints for a name it cannot resolve.
 */
import { readFileSync, statSync } from 'node:fs';
import { passwdEntries, passwdPath } from '../kernel/accounts.js';

/** The contract's bound on `user`. */
const maxNameLength = 64;

/** Map uid → name from passwd text; the first line for a uid wins, as with getpwuid(3). */
export function parsePasswd(text: string): Map<number, string> {
  const names = new Map<number, string>();
  for (const { uid, name } of passwdEntries(text)) {
    if (!names.has(uid)) names.set(uid, name.slice(0, maxNameLength));
  }
  return names;
}

let cache: { stamp: string; names: Map<number, string> } | undefined;

/**
 * A lookup for this sample. Re-reads /etc/passwd only when its inode, mtime or size changed (useradd replaces
 * the file by rename), so a user added while the agent runs appears on the next refresh without re-parsing
 * the file on every call.
 */
export function userNames(): (uid: number) => string {
  let names: Map<number, string>;
  try {
    const info = statSync(passwdPath);
    const stamp = `${info.ino}:${info.mtimeMs}:${info.size}`;
    if (cache?.stamp !== stamp) cache = { stamp, names: parsePasswd(readFileSync(passwdPath, 'utf8')) };
    names = cache.names;
  } catch {
    // No passwd (a minimal container): numbers are still correct, just less friendly.
    names = new Map();
  }
  return (uid) => names.get(uid) ?? String(uid);
}
