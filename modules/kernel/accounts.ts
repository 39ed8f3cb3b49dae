/**
 * The host's account files, /etc/passwd and /etc/group, parsed for every module that needs names, ids, homes
 * or login shells. Read directly rather than through `getent` or `id`, so no lookup starts a child process.
 * Accounts that exist only in NSS back ends (LDAP, SSSD) are not seen; each caller says what it does then.
 */

/** One account line of /etc/passwd. */
export interface PasswdEntry {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  /** Empty when the line has none. */
  readonly home: string;
  /** Empty when the line has none (login(1) then uses /bin/sh). */
  readonly shell: string;
}

/** One group line of /etc/group. */
export interface GroupEntry {
  readonly name: string;
  readonly gid: number;
  /** Users listed as members; a user's primary group (from passwd) usually does not list them. */
  readonly members: readonly string[];
}

export const passwdPath = '/etc/passwd';
export const groupPath = '/etc/group';

/** Account lines of passwd text, in file order; malformed lines, comments and NIS markers are skipped. */
export function passwdEntries(text: string): PasswdEntry[] {
  const entries: PasswdEntry[] = [];
  for (const fields of accountLines(text)) {
    const [name = '', , uidText = '', gidText = '', , home = '', shell = ''] = fields;
    const uid = idFrom(uidText);
    const gid = idFrom(gidText);
    if (name === '' || uid === undefined || gid === undefined) continue;
    entries.push({ name, uid, gid, home, shell });
  }
  return entries;
}

/** Group lines of group text, in file order; malformed lines, comments and NIS markers are skipped. */
export function groupEntries(text: string): GroupEntry[] {
  const entries: GroupEntry[] = [];
  for (const fields of accountLines(text)) {
    const [name = '', , gidText = '', memberText = ''] = fields;
    const gid = idFrom(gidText);
    if (name === '' || gid === undefined) continue;
    entries.push({ name, gid, members: memberText.split(',').filter((member) => member !== '') });
  }
  return entries;
}

function* accountLines(text: string): Generator<string[]> {
  for (const line of text.split('\n')) {
    // Lines starting + or - are NIS compat markers, not accounts.
    if (line === '' || line.startsWith('#') || line.startsWith('+') || line.startsWith('-')) continue;
    yield line.split(':');
  }
}

function idFrom(text: string): number | undefined {
  if (!/^[0-9]+$/.test(text)) return undefined;
  const id = Number(text);
  return Number.isSafeInteger(id) ? id : undefined;
}
