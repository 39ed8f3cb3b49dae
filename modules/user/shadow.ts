/**
 * The parts of the account databases that modules/kernel/accounts.ts does not read: /etc/shadow (password
 * state and ages), the comment field of /etc/passwd, /var/log/lastlog and UID_MIN. Pure parsers beside the
 * readers, so the parsing is tested on this machine without touching its accounts.
 */
import { readFile } from 'node:fs/promises';

export interface ShadowEntry {
  readonly name: string;
  /** The hash field as written, only ever used to derive a state; never returned or logged. */
  readonly locked: boolean;
  readonly password: 'usable' | 'locked' | 'none' | 'unknown';
  /** A real hash is kept behind any lock mark: unlocking would bring a working password back. */
  readonly hashSet: boolean;
  /** Days since 1970-01-01 of the last change; 0 means "must change at next login"; undefined when empty. */
  readonly lastChangeDay: number | undefined;
  readonly maxDays: number | undefined;
  readonly expireDay: number | undefined;
}

const dayMs = 86_400_000;

function day(text: string | undefined): number | undefined {
  return text !== undefined && /^[0-9]{1,9}$/.test(text) ? Number(text) : undefined;
}

/** Shadow lines by name. The hash itself is reduced to its state right here and goes no further. */
export function shadowEntries(text: string): Map<string, ShadowEntry> {
  const entries = new Map<string, ShadowEntry>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const [name = '', hash = '', lastChange, , max, , , expire] = line.split(':');
    if (name === '') continue;
    const locked = hash.startsWith('!');
    // As passwd -S: L when locked (`!…`) or no password can match (`*`), NP when empty, P for a hash.
    const password = locked || hash === '*' ? 'locked' : hash === '' ? 'none' : hash === 'x' ? 'unknown' : 'usable';
    const bare = locked ? hash.slice(1) : hash;
    entries.set(name, {
      name,
      locked,
      password,
      hashSet: bare !== '' && !['*', '!', 'x'].includes(bare) && !bare.startsWith('!'),
      lastChangeDay: day(lastChange),
      maxDays: day(max),
      expireDay: day(expire),
    });
  }
  return entries;
}

export function dayToIso(days: number): string {
  return new Date(days * dayMs).toISOString();
}

/** The comment (GECOS) field of every passwd line, by name. */
export function passwdComments(text: string): Map<string, string> {
  const comments = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#') || line.startsWith('+') || line.startsWith('-')) continue;
    const fields = line.split(':');
    if (fields[0]) comments.set(fields[0], fields[4] ?? '');
  }
  return comments;
}

/** UID_MIN from login.defs text; 1000 (Debian's default) when absent. */
export function uidMin(loginDefs: string): number {
  const match = /^\s*UID_MIN\s+([0-9]+)\s*$/m.exec(loginDefs);
  return match ? Number(match[1]) : 1000;
}

/**
 * /var/log/lastlog is indexed by uid: one fixed record per uid of a 32-bit time, a 32-byte terminal and a
 * 256-byte host (glibc's struct lastlog on Linux, 292 bytes). A zero time means never.
 */
export const lastlogRecordBytes = 4 + 32 + 256;

export interface LastLogin {
  at: string;
  terminal: string;
  from: string;
}

function cString(buffer: Buffer): string {
  const end = buffer.indexOf(0);
  // Logged data comes from remote peers: keep it printable.
  return (end === -1 ? buffer : buffer.subarray(0, end)).toString('latin1').replace(/[^\x20-\x7e]/g, '?');
}

export function lastLoginFrom(record: Buffer): LastLogin | null {
  if (record.length < lastlogRecordBytes) return null;
  const seconds = record.readUInt32LE(0);
  if (seconds === 0) return null;
  return {
    at: new Date(seconds * 1000).toISOString(),
    terminal: cString(record.subarray(4, 36)),
    from: cString(record.subarray(36, lastlogRecordBytes)),
  };
}

/** Read lastlog records for these uids; the file is sparse and can be huge (uid 4294967294), so seek, never slurp. */
export async function readLastLogins(uids: readonly number[], path = '/var/log/lastlog'): Promise<Map<number, LastLogin>> {
  const found = new Map<number, LastLogin>();
  const { open } = await import('node:fs/promises');
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    return found; // no lastlog on this host: last logins are unknown, not an error
  }
  try {
    const record = Buffer.alloc(lastlogRecordBytes);
    for (const uid of uids) {
      const { bytesRead } = await handle.read(record, 0, lastlogRecordBytes, uid * lastlogRecordBytes);
      if (bytesRead !== lastlogRecordBytes) continue;
      const login = lastLoginFrom(record);
      if (login) found.set(uid, login);
    }
  } finally {
    await handle.close();
  }
  return found;
}

/** A file's text, or '' when it does not exist. */
export async function readOptional(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw err;
  }
}
