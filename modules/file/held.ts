/**
 * Closing the jail's time-of-check/time-of-use gap (issue 7). jailPath checks a path by name; between that check
 * and the operation, a directory inside the root can be swapped for a symlink that leads out. So every operation
 * under a root other than `/` opens what it acts on (or the directory holding it) as a handle, asks the kernel
 * where that handle really is (`/proc/self/fd/N`), refuses it when that is outside the roots, and from then on
 * acts only through the handle: `/proc/self/fd/N/name` is resolved through the held directory, not by name.
 *
 * With `/` among the roots there is nothing to escape to, and the plain path is used as before.
 * Linux only, like the agent: without /proc the check cannot be made, and the operation is refused.
 */
import { constants } from 'node:fs';
import { lstat, open, readdir, readlink, rmdir, unlink, type FileHandle } from 'node:fs/promises';
import { posix } from 'node:path';
import { GatehouseError, problemFromSystemError } from '../kernel/errors.js';
import { isWithin, realRoots } from './jail.js';

/** Linux's O_PATH, which Node does not export: a handle that names an inode without opening it for I/O. */
const O_PATH = 0o10000000;
const holdDirectoryFlags = O_PATH | constants.O_DIRECTORY | constants.O_NOFOLLOW;

/**
 * Test seam: runs right before each open of a jailed path, so a test can swap a directory exactly between the
 * check and the open. Never set outside tests.
 */
export const heldTestHooks: { beforeOpen?: ((path: string) => Promise<void> | void) | undefined } = {};

/** Where to act: `at` is the path to hand to fs calls; `release` closes whatever handle backs it. */
export interface Place {
  readonly at: string;
  release(): Promise<void>;
}

/** Roots as real paths, and whether they cover the whole machine (then nothing needs holding). */
export interface CheckedRoots {
  readonly real: readonly string[];
  readonly whole: boolean;
}

export async function checkedRoots(roots: readonly string[]): Promise<CheckedRoots> {
  const real = await realRoots(roots);
  return { real, whole: real.includes(posix.sep) };
}

export function fdPath(handle: FileHandle): string {
  return `/proc/self/fd/${handle.fd}`;
}

/**
 * Open a jailed real path with `flags` (O_NOFOLLOW is added: the jail resolved every link, so a link at the end
 * now was swapped in) and refuse the handle unless it really lies inside the roots.
 */
export async function openChecked(
  path: string,
  flags: number,
  roots: CheckedRoots,
  mode?: number,
): Promise<FileHandle> {
  await heldTestHooks.beforeOpen?.(path);
  let handle: FileHandle;
  try {
    handle = await open(path, flags | constants.O_NOFOLLOW, mode);
  } catch (err) {
    throw await openProblem(err, path);
  }
  if (roots.whole) return handle;
  try {
    await verify(handle, path, roots);
    return handle;
  } catch (err) {
    await handle.close().catch(() => undefined);
    throw err;
  }
}

/** Hold a directory itself (a jailed real path); `at` is the directory. */
export async function holdDirectory(path: string, roots: CheckedRoots): Promise<Place> {
  if (roots.whole) return { at: path, release: async () => undefined };
  const handle = await openChecked(path, holdDirectoryFlags, roots);
  return placeOf(handle, '');
}

/**
 * Hold the directory containing an entry; `at` names the entry through it. A root itself (whose parent lies
 * outside) is held as itself, with `at` its `.`.
 */
export async function holdEntry(path: string, roots: CheckedRoots): Promise<Place> {
  if (roots.whole) return { at: path, release: async () => undefined };
  if (path === posix.sep || roots.real.includes(path)) {
    return placeOf(await openChecked(path, holdDirectoryFlags, roots), '.');
  }
  const handle = await openChecked(posix.dirname(path), holdDirectoryFlags, roots).catch((err: unknown) => {
    // Report the path asked about, not its parent.
    throw err instanceof GatehouseError ? new GatehouseError(err.code, err.message, { path }) : err;
  });
  return placeOf(handle, posix.basename(path));
}

/**
 * Hold an existing entry itself without opening it for I/O (no read permission needed, no device side
 * effects), refusing a symlink: the jail resolved links, so one here was swapped in. `at` reaches its inode.
 */
export async function holdNode(path: string, roots: CheckedRoots): Promise<Place> {
  if (roots.whole) return { at: path, release: async () => undefined };
  const handle = await openChecked(path, O_PATH, roots);
  try {
    if ((await handle.stat()).isSymbolicLink()) throw swapped(path);
  } catch (err) {
    await handle.close().catch(() => undefined);
    throw problemFromSystemError(err, { path });
  }
  return placeOf(handle, '');
}

/** Run `operation` with a place, always releasing it. */
export async function withPlace<T>(place: Promise<Place>, operation: (at: string) => Promise<T>): Promise<T> {
  const held = await place;
  try {
    return await operation(held.at);
  } finally {
    await held.release();
  }
}

async function verify(handle: FileHandle, path: string, roots: CheckedRoots): Promise<void> {
  let real: string;
  try {
    real = await readlink(fdPath(handle));
  } catch {
    throw new GatehouseError('policy-denied', 'Cannot confirm where the opened path lies (is /proc mounted?)', { path });
  }
  if (!roots.real.some((root) => isWithin(real, root))) {
    // Name the path asked for, never where the handle really led: that is outside, and none of the caller's business.
    const message = `${path} led outside the agent’s file roots when opened: it changed after it was checked`;
    throw new GatehouseError('policy-denied', message, { path });
  }
}

function placeOf(handle: FileHandle, name: string): Place {
  const base = fdPath(handle);
  return {
    at: name === '' ? base : `${base}/${name}`,
    release: () => handle.close().catch(() => undefined),
  };
}

/** `at` is what was opened, `path` what the caller asked about (they differ through a held handle). */
async function openProblem(err: unknown, at: string, path: string = at): Promise<GatehouseError> {
  const code = (err as NodeJS.ErrnoException).code;
  // ELOOP: a symlink where the jail saw none. ENOTDIR under O_DIRECTORY|O_NOFOLLOW may be the same, for a directory.
  if (code === 'ELOOP') return swapped(path);
  if (code === 'ENOTDIR' && (await lstat(at).then((s) => s.isSymbolicLink(), () => false))) return swapped(path);
  return problemFromSystemError(err, { path });
}

function swapped(path: string): GatehouseError {
  return new GatehouseError('policy-denied', `${path} became a symbolic link after it was checked`, { path });
}

/**
 * Remove a directory tree (`at`, a held entry) without following any link in it: each subdirectory is opened
 * with O_NOFOLLOW and emptied through that handle, so one swapped for a symlink mid-walk fails to open (ELOOP)
 * instead of leading the removal out of the root, as a by-name walk like rm's would. Links are unlinked.
 */
export async function removeTree(at: string, path: string): Promise<void> {
  await heldTestHooks.beforeOpen?.(at);
  let dir: FileHandle;
  try {
    dir = await open(at, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  } catch (err) {
    throw await openProblem(err, at, path);
  }
  try {
    const via = fdPath(dir);
    for (const entry of await readdir(via, { withFileTypes: true })) {
      const child = `${via}/${entry.name}`;
      if (entry.isDirectory()) await removeTree(child, posix.join(path, entry.name));
      else await unlink(child);
    }
  } finally {
    await dir.close();
  }
  await rmdir(at);
}
