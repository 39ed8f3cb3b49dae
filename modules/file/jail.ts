/**
 * The file jail (SECURITY.md rule 2): every path a caller names is normalised, resolved to its real path,
 * and only then checked against the agent's file roots. Callers act on the path returned, never on the
 * path they were given. A check by name can go stale before the open (a directory swapped for a symlink), so
 * callers then open through held.ts, which checks where each opened handle really is.
 *
 * Paths arrive already decoded from JSON. Nothing here URL-decodes: `%2e%2e` or `..%01` are literal names that
 * simply do not exist, while real `..` segments are folded away before resolution and cannot escape.
 */
import { realpath, stat, lstat } from 'node:fs/promises';
import { posix } from 'node:path';
import { GatehouseError, problemFromSystemError } from '../kernel/errors.js';

const { resolve, dirname, basename, join, sep } = posix;

/**
 * How to treat the final component:
 * - `follow`: the path names what a symlink leads to (read, list, write, chmod); a symlink out of a root is refused.
 * - `entry`: the path names the directory entry itself (stat, delete, rename); a final symlink is not followed.
 */
export type JailMode = 'follow' | 'entry';

/** The real paths of the configured roots that exist on this host; a root that is missing guards nothing. */
export async function realRoots(roots: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const root of roots) {
    try {
      found.push(await realpath(resolve(root)));
    } catch {
      // A missing or unreadable root cannot contain anything; skipping it is the safe reading.
    }
  }
  if (found.length === 0) {
    throw new GatehouseError('policy-denied', 'None of the agent’s file roots exists on this host');
  }
  return found;
}

/** True when `path` is `root` or below it. The trailing separator keeps /srv/data2 out of /srv/data. */
export function isWithin(path: string, root: string): boolean {
  if (path === root) return true;
  const prefix = root.endsWith(sep) ? root : root + sep;
  return path.startsWith(prefix);
}

/** True when a real path is `/` or one of the roots itself: things that must never be deleted or moved. */
export async function isFileRoot(realPath: string, roots: readonly string[]): Promise<boolean> {
  if (realPath === sep) return true;
  return (await realRoots(roots)).includes(realPath);
}

/**
 * Resolve a requested absolute path to a real path inside one of `roots`, or throw:
 * `policy-denied` when it is (or leads) outside every root, `not-found` when it is inside but its parent is missing.
 * The final component may be missing (a file about to be created); its parent must exist and be a directory.
 */
export async function jailPath(
  requested: string,
  roots: readonly string[],
  mode: JailMode = 'follow',
): Promise<string> {
  if (requested.includes('\0')) throw new GatehouseError('invalid-params', 'Path must not contain a NUL byte');
  if (!requested.startsWith(sep)) throw new GatehouseError('invalid-params', 'Path must be absolute');
  const normalised = resolve(requested);
  const allowed = await realRoots(roots);
  const inside = (p: string): boolean => allowed.some((root) => isWithin(p, root));
  const context = { path: requested };

  if (mode === 'entry' && normalised !== sep) {
    const parent = await resolveExisting(dirname(normalised), context);
    const candidate = join(parent.real, ...parent.missing, basename(normalised));
    if (inside(candidate) && parent.missing.length === 0) return candidate;
    if (!inside(candidate)) {
      // The one entry outside the roots that may be named is a root itself reached through a symlink
      // (a root configured as /srv/data -> /mnt/data); it is returned as its real path.
      const real = await realpath(normalised).catch(() => undefined);
      if (real !== undefined && allowed.includes(real)) return real;
      throw outside(requested);
    }
    throw new GatehouseError('not-found', 'No such directory', context);
  }

  const found = await resolveExisting(normalised, context);
  const candidate = join(found.real, ...found.missing);
  // Check containment before existence, so a caller cannot probe which paths exist outside the roots.
  if (!inside(candidate)) throw outside(requested);
  if (found.missing.length === 0) return candidate;
  if (found.missing.length > 1) throw new GatehouseError('not-found', 'No such directory', context);

  // A new entry: its parent must be a directory, and the name must not be a dangling symlink, which a write
  // would otherwise either follow to wherever it points or silently replace.
  const parentStats = await stat(found.real).catch((err: unknown) => {
    throw problemFromSystemError(err, context);
  });
  if (!parentStats.isDirectory()) throw new GatehouseError('not-a-directory', 'Not a directory', context);
  const existing = await lstat(candidate).catch(() => undefined);
  if (existing?.isSymbolicLink()) {
    throw new GatehouseError('not-found', 'The symbolic link points to something that does not exist', context);
  }
  return candidate;
}

/**
 * Walk up from `path` until an ancestor resolves; returns its real path and the names below it that do not exist
 * (deepest last). ENOENT and ENOTDIR both mean "does not exist here".
 */
async function resolveExisting(
  path: string,
  context: Record<string, string>,
): Promise<{ real: string; missing: string[] }> {
  const missing: string[] = [];
  let current = path;
  for (;;) {
    try {
      return { real: await realpath(current), missing: missing.reverse() };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || current === sep) throw jailProblem(err, context);
      missing.push(basename(current));
      current = dirname(current);
    }
  }
}

function outside(requested: string): GatehouseError {
  return new GatehouseError('policy-denied', 'The path is outside the agent’s file roots', { path: requested });
}

function jailProblem(err: unknown, context: Record<string, string>): GatehouseError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ELOOP') return new GatehouseError('not-found', 'Too many levels of symbolic links', context);
  if (code === 'ENAMETOOLONG') return new GatehouseError('invalid-params', 'Path is too long', context);
  return problemFromSystemError(err, context);
}
