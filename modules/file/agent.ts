/**
 * The file module on the agent. Every path goes through the jail first and every operation then uses the real
 * path the jail returned, through a handle checked to lie inside the roots (held.ts): what was checked by name
 * cannot be swapped for a symlink before it is touched. The dispatcher has already checked params against the
 * contract and refused changes under a read-only policy; what is left here is the filesystem.
 */
import {
  chmod as changeMode,
  chown as changeOwner,
  lchown,
  link,
  lstat,
  mkdir as makeDirectory,
  open,
  rename as renameEntry,
  rm,
  rmdir,
  stat,
  unlink,
} from 'node:fs/promises';
import { constants } from 'node:fs';
import { posix } from 'node:path';
import { defineHandlers, type CallContext } from '../kernel/handler.js';
import { GatehouseError, problemFromSystemError } from '../kernel/errors.js';
import { loadAccounts, ownerIds, type Accounts } from './accounts.js';
import { writeFileAtomically } from './atomic-write.js';
import { readTextFile, sendFile } from './content.js';
import { contract, maxTextFileBytes, type FileEntry } from './contract.js';
import { describeEntry, listDirectory } from './entries.js';
import { checkedRoots, holdDirectory, holdEntry, holdNode, removeTree, withPlace, type CheckedRoots } from './held.js';
import { isFileRoot, isWithin, jailPath, type JailMode } from './jail.js';

function jail(path: string, context: CallContext, mode: JailMode = 'follow'): Promise<string> {
  return jailPath(path, context.policy.fileRoots, mode);
}

function rootsOf(context: CallContext): Promise<CheckedRoots> {
  return checkedRoots(context.policy.fileRoots);
}

/** Run an operation on a jailed path, turning OS errors into problems that name the path. */
async function onPath<T>(path: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EXDEV') {
      throw new GatehouseError('not-supported', 'Cannot move between filesystems', { path });
    }
    // An O_NOFOLLOW open met a symlink where the jail saw a real directory: someone swapped it in since.
    if (code === 'ELOOP') {
      throw new GatehouseError('policy-denied', `${path} became a symbolic link after it was checked`, { path });
    }
    throw problemFromSystemError(err, { path });
  }
}

/** Describe an entry through its held parent directory, so the description is of what lies inside the roots. */
function describeHeld(path: string, roots: CheckedRoots, accounts: Accounts): Promise<FileEntry> {
  return withPlace(holdEntry(path, roots), (at) => describeEntry(at, accounts, path));
}

async function refuseRoot(path: string, context: CallContext, verb: string): Promise<void> {
  if (await isFileRoot(path, context.policy.fileRoots)) {
    throw new GatehouseError('policy-denied', `A file root cannot be ${verb}`, { path });
  }
}

/**
 * A hard link inside a root can share its inode with a file outside it, and realpath cannot tell. Changing
 * mode or owner changes the inode, so a multiply-linked file is refused unless the roots cover the whole machine.
 */
async function refuseSharedInode(path: string, at: string, roots: CheckedRoots): Promise<void> {
  if (roots.whole) return;
  // stat, not lstat: `at` may be /proc/self/fd/N, a link to the held inode (never itself a symlink).
  const stats = await onPath(path, () => stat(at));
  if (!stats.isDirectory() && stats.nlink > 1) {
    const message = 'The file has other hard links, which may lie outside the file roots';
    throw new GatehouseError('policy-denied', message, { path });
  }
}

export const handlers = defineHandlers(contract, {
  methods: {
    async list(params, context) {
      const path = await jail(params.path, context);
      const roots = await rootsOf(context);
      const accounts = await loadAccounts();
      const listing = await onPath(path, () =>
        withPlace(holdDirectory(path, roots), (via) =>
          listDirectory(path, accounts, { showHidden: params.showHidden, signal: context.signal, via }),
        ),
      );
      return { path, ...listing };
    },

    async stat(params, context) {
      // A symlink is described, not followed, just as in a listing.
      const path = await jail(params.path, context, 'entry');
      const roots = await rootsOf(context);
      const accounts = await loadAccounts();
      return onPath(path, () => describeHeld(path, roots, accounts));
    },

    async read(params, context) {
      const path = await jail(params.path, context);
      return { path, ...(await readTextFile(path, await rootsOf(context))) };
    },

    async write(params, context) {
      const bytes = Buffer.from(params.content, 'utf8');
      // The same bound as read: the editor must be able to open what it saved.
      if (bytes.byteLength > maxTextFileBytes) {
        const message = `The text is ${bytes.byteLength} bytes; the editor saves up to ${maxTextFileBytes}`;
        throw new GatehouseError('too-large', message);
      }
      const path = await jail(params.path, context);
      const written = await withPlace(holdEntry(path, await rootsOf(context)), (at) =>
        writeFileAtomically(path, bytes, {
          expectedVersion: params.version,
          mustNotExist: params.create,
          signal: context.signal,
          at,
        }),
      );
      return { path, ...written };
    },

    async mkdir(params, context) {
      const path = await jail(params.path, context);
      const roots = await rootsOf(context);
      await onPath(path, () =>
        withPlace(holdEntry(path, roots), async (at) => {
          await makeDirectory(at, { mode: params.mode });
          // mkdir's mode is narrowed by the umask; set exactly what was asked, on the directory we just made
          // (O_NOFOLLOW: not on a symlink someone swapped in since).
          const dir = await open(at, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
          try {
            await dir.chmod(params.mode);
          } finally {
            await dir.close();
          }
        }),
      );
      return { path };
    },

    async rename(params, context) {
      // Both ends name entries: moving a symlink moves the link, wherever it points.
      const from = await jail(params.from, context, 'entry');
      const to = await jail(params.to, context, 'entry');
      await refuseRoot(from, context, 'moved');
      if (to !== from && isWithin(to, from)) {
        throw new GatehouseError('invalid-params', 'A directory cannot be moved into itself', { path: from });
      }
      const roots = await rootsOf(context);
      await onPath(from, () =>
        withPlace(holdEntry(from, roots), (fromAt) =>
          withPlace(holdEntry(to, roots), async (toAt) => {
            const source = await lstat(fromAt);
            if (await lstat(toAt).then(() => true, () => false)) {
              throw new GatehouseError('exists', 'Something already exists at the new name', { path: to });
            }
            if (source.isDirectory()) {
              // No hard links for directories, and Node has no renameat2(RENAME_NOREPLACE): the check above is
              // the guard, with a small race against someone creating the target in between.
              await renameEntry(fromAt, toAt);
            } else {
              await moveWithoutReplacing(fromAt, toAt, to);
            }
          }),
        ),
      );
      return { from, to };
    },

    async delete(params, context) {
      const path = await jail(params.path, context, 'entry');
      await refuseRoot(path, context, 'deleted');
      const roots = await rootsOf(context);
      await onPath(path, () =>
        withPlace(holdEntry(path, roots), async (at) => {
          const stats = await lstat(at);
          // unlink for everything that is not a directory: a symlink is removed, never what it points to.
          if (!stats.isDirectory()) await unlink(at);
          // rm does not follow symlinks inside the tree either; it removes the links. Under a narrower root,
          // removeTree walks by held handles, so a subdirectory swapped for a link mid-walk is not followed.
          else if (params.recursive) await (roots.whole ? rm(at, { recursive: true }) : removeTree(at, path));
          else await rmdir(at);
        }),
      );
      return { path };
    },

    async chmod(params, context) {
      const path = await jail(params.path, context);
      const roots = await rootsOf(context);
      const accounts = await loadAccounts();
      return onPath(path, () =>
        withPlace(holdNode(path, roots), async (at) => {
          await refuseSharedInode(path, at, roots);
          // Linux has no lchmod; the jail returned a real path, and holdNode refused a link swapped in since,
          // so `at` (the held inode itself) has no link to follow.
          await changeMode(at, params.mode);
          return describeHeld(path, roots, accounts);
        }),
      );
    },

    async chown(params, context) {
      const path = await jail(params.path, context);
      const roots = await rootsOf(context);
      const accounts = await loadAccounts();
      const { uid, gid } = ownerIds(accounts, params.user, params.group);
      return onPath(path, () =>
        withPlace(holdNode(path, roots), async (at) => {
          await refuseSharedInode(path, at, roots);
          // Under `/`: lchown, so a symlink swapped in since the jail check has the link changed, not its target.
          // Otherwise `at` is the held inode (never a link: holdNode refuses one), reached through /proc.
          await (roots.whole ? lchown(at, uid, gid) : changeOwner(at, uid, gid));
          return describeHeld(path, roots, accounts);
        }),
      );
    },
  },

  streams: {
    async download(params, stream, context) {
      const path = await jail(params.path, context);
      return { path, ...(await sendFile(path, stream, await rootsOf(context))) };
    },

    async upload(params, stream, context) {
      // The name is a plain name (the contract says so), so joining cannot climb; the jail still checks.
      const path = await jail(posix.join(params.directory, params.name), context);
      const written = await withPlace(holdEntry(path, await rootsOf(context)), (at) =>
        writeFileAtomically(path, stream.chunks(), {
          mustNotExist: !params.overwrite,
          mode: params.mode,
          signal: stream.signal,
          at,
        }),
      );
      return { path, ...written };
    },
  },
});

/**
 * Move a non-directory so that an existing target is never replaced: link(2) fails with EEXIST, then unlink.
 * `from` and `to` are where to act (possibly through held directories); `shownTo` is what an error names.
 */
async function moveWithoutReplacing(from: string, to: string, shownTo: string): Promise<void> {
  try {
    await link(from, to);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      throw new GatehouseError('exists', 'Something already exists at the new name', { path: shownTo });
    }
    // Filesystems without hard links: the lstat check in rename was the guard.
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP') return renameEntry(from, to);
    throw err;
  }
  await unlink(from);
}

