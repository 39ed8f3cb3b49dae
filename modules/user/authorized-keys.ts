/**
 * ~/.ssh/authorized_keys: parsing, fingerprints (as `ssh-keygen -lf`: SHA-256 of the key blob, unpadded
 * base64), and changes written the safe way. The agent runs as root inside a directory the user owns, so a
 * symlink planted at ~/.ssh or ~/.ssh/authorized_keys (pointing at /etc/shadow, say) is refused, never followed.
 */
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { chown, lstat, mkdir, open, realpath, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { GatehouseError } from '../kernel/errors.js';
import type { AuthorizedKey } from './contract.js';

export const keyTypes = [
  'ssh-ed25519',
  'ssh-rsa',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'sk-ssh-ed25519@openssh.com',
  'sk-ecdsa-sha2-nistp256@openssh.com',
] as const;
const knownTypes: ReadonlySet<string> = new Set(keyTypes);

const maxFileBytes = 1024 * 1024;

export function fingerprintOf(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** The strings of an SSH wire-format blob (uint32 length + bytes each); undefined when malformed. */
function wireStrings(blob: Buffer): Buffer[] | undefined {
  const parts: Buffer[] = [];
  let at = 0;
  while (at < blob.length) {
    if (at + 4 > blob.length) return undefined;
    const length = blob.readUInt32BE(at);
    if (at + 4 + length > blob.length) return undefined;
    parts.push(blob.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  return parts;
}

function bitsOf(type: string, parts: Buffer[]): number | null {
  if (type === 'ssh-rsa') {
    const modulus = parts[2];
    if (!modulus) return null;
    let bytes = modulus.length;
    let i = 0;
    while (i < modulus.length && modulus[i] === 0) {
      bytes--;
      i++;
    }
    return bytes * 8;
  }
  if (type.includes('ed25519')) return 256;
  const curve = /nistp(\d+)/.exec(type);
  return curve ? Number(curve[1]) : null;
}

export interface ParsedKey {
  type: string;
  blob: Buffer;
  bits: number | null;
  comment: string;
}

/** Check `type base64 [comment]`; a message naming what is wrong, or the key. */
export function parsePublicKey(text: string): ParsedKey | string {
  const [type = '', data = '', ...rest] = text.trim().split(/[ \t]+/);
  if (!knownTypes.has(type)) {
    return knownTypes.has(data)
      ? 'options before the key are not accepted here; paste the key line alone'
      : `the key type "${type.slice(0, 40)}" is not one of ${keyTypes.join(', ')}`;
  }
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(data) || data.length % 4 !== 0) return 'the key data is not base64';
  const blob = Buffer.from(data, 'base64');
  const parts = wireStrings(blob);
  if (!parts || parts[0]?.toString('latin1') !== type) return `the key data is not a ${type} key`;
  if (type === 'ssh-ed25519' && (parts.length !== 2 || parts[1]?.length !== 32)) return 'the ed25519 key is not 32 bytes';
  const bits = bitsOf(type, parts);
  if (type === 'ssh-rsa' && (bits ?? 0) < 2048) return `the RSA key has ${bits ?? 0} bits; OpenSSH refuses fewer than 2048`;
  return { type, blob, bits, comment: rest.join(' ') };
}

/** Split options from the key on one line: options end at the first space outside double quotes. */
function splitOptions(line: string): { options: string; rest: string } {
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '\\' && quoted) i++;
    else if (c === '"') quoted = !quoted;
    else if ((c === ' ' || c === '\t') && !quoted) return { options: line.slice(0, i), rest: line.slice(i + 1).trim() };
  }
  return { options: line, rest: '' };
}

/** The keys of an authorized_keys file, with line numbers; comments, blank and unreadable lines are skipped. */
export function parseAuthorizedKeys(text: string): AuthorizedKey[] {
  const keys: AuthorizedKey[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const first = line.split(/[ \t]/, 1)[0] ?? '';
    const { options, rest } = knownTypes.has(first) ? { options: '', rest: line } : splitOptions(line);
    const parsed = parsePublicKey(rest);
    if (typeof parsed === 'string') return;
    keys.push({
      line: index + 1,
      type: parsed.type,
      fingerprint: fingerprintOf(parsed.blob),
      bits: parsed.bits,
      comment: parsed.comment.replace(/[^\x20-\x7e]/g, '?').slice(0, 1024),
      options: options.replace(/[^\x20-\x7e]/g, '?').slice(0, 4096),
    });
  });
  return keys;
}

export interface KeyOwner {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

type Context = Record<string, string | undefined>;

/** ~/.ssh of the user, refusing a home or .ssh that is not a plain directory of theirs. */
async function sshDirectory(owner: KeyOwner, context: Context, create: boolean): Promise<string | undefined> {
  if (!owner.home.startsWith('/')) throw new GatehouseError('not-found', `${owner.name} has no home directory.`, context);
  let home: string;
  try {
    home = await realpath(owner.home);
  } catch {
    throw new GatehouseError('not-found', `${owner.name}'s home directory ${owner.home} does not exist.`, context);
  }
  const dir = join(home, '.ssh');
  const stat = await lstat(dir).catch(() => undefined);
  if (!stat) {
    if (!create) return undefined;
    await mkdir(dir, { mode: 0o700 });
    await chown(dir, owner.uid, owner.gid);
    return dir;
  }
  if (stat.isSymbolicLink() || !stat.isDirectory()) {
    throw new GatehouseError('permission-denied', `${dir} is not a directory (a symbolic link?); refusing to touch it.`, context);
  }
  if (stat.uid !== owner.uid && stat.uid !== 0) {
    throw new GatehouseError('permission-denied', `${dir} belongs to uid ${stat.uid}, not ${owner.name}; refusing to touch it.`, context);
  }
  return dir;
}

async function readKeysFile(path: string, context: Context): Promise<string> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return '';
    if (code === 'ELOOP') throw new GatehouseError('permission-denied', `${path} is a symbolic link; refusing to follow it.`, context);
    throw err;
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new GatehouseError('permission-denied', `${path} is not a regular file.`, context);
    if (stat.size > maxFileBytes) throw new GatehouseError('too-large', `${path} is over 1 MiB.`, context);
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

export async function listAuthorizedKeys(owner: KeyOwner, context: Context): Promise<{ path: string; keys: AuthorizedKey[] }> {
  const dir = await sshDirectory(owner, context, false);
  const path = join(dir ?? join(owner.home, '.ssh'), 'authorized_keys');
  return { path, keys: dir ? parseAuthorizedKeys(await readKeysFile(path, context)) : [] };
}

/** Replace the file by a temporary one in the same directory, owned by the user, mode 600. */
async function writeKeysFile(dir: string, owner: KeyOwner, text: string): Promise<void> {
  const path = join(dir, 'authorized_keys');
  const temporary = join(dir, `.authorized_keys.gatehouse-${process.pid}-${Date.now()}`);
  const handle = await open(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.chown(owner.uid, owner.gid);
    await handle.sync();
  } catch (err) {
    await handle.close();
    await unlink(temporary).catch(() => {});
    throw err;
  }
  await handle.close();
  // rename replaces a symlink at `path` itself, never what it points to.
  await rename(temporary, path);
}

export async function addAuthorizedKey(owner: KeyOwner, keyLine: string, context: Context): Promise<AuthorizedKey> {
  const parsed = parsePublicKey(keyLine);
  if (typeof parsed === 'string') throw new GatehouseError('invalid-params', `key: ${parsed}`, context);
  const fingerprint = fingerprintOf(parsed.blob);
  const dir = (await sshDirectory(owner, context, true)) as string;
  const current = await readKeysFile(join(dir, 'authorized_keys'), context);
  if (parseAuthorizedKeys(current).some((key) => key.fingerprint === fingerprint)) {
    throw new GatehouseError('exists', `${owner.name} already has the key ${fingerprint}.`, context);
  }
  const line = [parsed.type, parsed.blob.toString('base64'), parsed.comment].filter((part) => part !== '').join(' ');
  const text = `${current}${current === '' || current.endsWith('\n') ? '' : '\n'}${line}\n`;
  await writeKeysFile(dir, owner, text);
  const added = parseAuthorizedKeys(text).find((key) => key.fingerprint === fingerprint);
  if (!added) throw new GatehouseError('internal-error', 'the key was written but could not be read back', context);
  return added;
}

export async function removeAuthorizedKey(owner: KeyOwner, fingerprint: string, context: Context): Promise<number> {
  const dir = await sshDirectory(owner, context, false);
  const notThere = new GatehouseError('not-found', `${owner.name} has no key ${fingerprint}.`, context);
  if (!dir) throw notThere;
  const current = await readKeysFile(join(dir, 'authorized_keys'), context);
  const doomed = new Set(parseAuthorizedKeys(current).filter((key) => key.fingerprint === fingerprint).map((key) => key.line));
  if (doomed.size === 0) throw notThere;
  const kept = current.split('\n').filter((_, index) => !doomed.has(index + 1));
  await writeKeysFile(dir, owner, kept.join('\n'));
  return doomed.size;
}
