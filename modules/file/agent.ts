/**
 * The file module on the agent. Every path goes through the jail first and every operation then uses the real
 * path the jail returned. The dispatcher has already checked params against the contract and refused changes
 * under a read-only policy; what is left here is the filesystem.
 */
import {
  chmod as changeMode,
  lchown,
  link,
  lstat,
  mkdir as makeDirectory,
  open,
  rename as renameEntry,
  rm,
  rmdir,
  unlink,
} from 'node:fs/promises';
import { constants } from 'node:fs';
import { posix } from 'node:path';
import { defineHandlers, type CallContext } from '../kernel/handler.js';
import { GatehouseError, problemFromSystemError } from '../kernel/errors.js';
import { loadAccounts, ownerIds } from './accounts.js';
import { writeFileAtomically } from './atomic-write.js';
import { readTextFile, sendFile } from './content.js';
import { contract, maxTextFileBytes } from './contract.js';
import { describeEntry, listDirectory } from './entries.js';
import { isFileRoot, isWithin, jailPath, realRoots, type JailMode } from './jail.js';

function jail(path: string, context: CallContext, mode: JailMode = 'follow'): Promise<string> {
  return jailPath(path, context.policy.fileRoots, mode);
}

/** Run an operation on a jailed path, turning OS errors into problems that name the path. */
async function onPath<T>(path: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EXDEV') {
      throw new GatehouseError('not-supported', 'Cannot move between filesystems', { path });
    }
    throw problemFromSystemError(err, { path });
  }
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
async function refuseSharedInode(path: string, context: CallContext): Promise<void> {
  if ((await realRoots(context.policy.fileRoots)).includes(posix.sep)) return;
  const stats = await onPath(path, () => lstat(path));
  if (!stats.isDirectory() && stats.nlink > 1) {
    const message = 'The file has other hard links, which may lie outside the file roots';
    throw new GatehouseError('policy-denied', message, { path });
  }
}

export const handlers = defineHandlers(contract, {
  methods: {
    async list(params, context) {
      const path = await jail(params.path, context);
      const accounts = await loadAccounts();
      const listing = await onPath(path, () =>
        listDirectory(path, accounts, { showHidden: params.showHidden, signal: context.signal }),
      );
      return { path, ...listing };
    },

    async stat(params, context) {
      // A symlink is described, not followed, just as in a listing.
      const path = await jail(params.path, context, 'entry');
      const accounts = await loadAccounts();
      return onPath(path, () => describeEntry(path, accounts));
    },

    async read(params, context) {
      const path = await jail(params.path, context);
      return { path, ...(await readTextFile(path)) };
    },

    async write(params, context) {
      const bytes = Buffer.from(params.content, 'utf8');
      // The same bound as read: the editor must be able to open what it saved.
      if (bytes.byteLength > maxTextFileBytes) {
        const message = `The text is ${bytes.byteLength} bytes; the editor saves up to ${maxTextFileBytes}`;
        throw new GatehouseError('too-large', message);
      }
      const path = await jail(params.path, context);
      const written = await writeFileAtomically(path, bytes, {
        expectedVersion: params.version,
        mustNotExist: params.create,
        signal: context.signal,
      });
      return { path, ...written };
    },

    async mkdir(params, context) {
      const path = await jail(params.path, context);
      await onPath(path, async () => {
        await makeDirectory(path, { mode: params.mode });
        // mkdir's mode is narrowed by the umask; set exactly what was asked, on the directory we just made
        // (O_NOFOLLOW: not on a symlink someone swapped in since).
        const dir = await open(path, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
        try {
          await dir.chmod(params.mode);
        } finally {
          await dir.close();
        }
      });
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
      await onPath(from, async () => {
        const source = await lstat(from);
        if (await lstat(to).then(() => true, () => false)) {
          throw new GatehouseError('exists', 'Something already exists at the new name', { path: to });
        }
        if (source.isDirectory()) {
          // No hard links for directories, and Node has no renameat2(RENAME_NOREPLACE): the check above is
          // the guard, with a small race against someone creating the target in between.
          await renameEntry(from, to);
        } else {
          await moveWithoutReplacing(from, to);
        }
      });
      return { from, to };
    },

    async delete(params, context) {
      const path = await jail(params.path, context, 'entry');
      await refuseRoot(path, context, 'deleted');
      await onPath(path, async () => {
        const stats = await lstat(path);
        // unlink for everything that is not a directory: a symlink is removed, never what it points to.
        if (!stats.isDirectory()) await unlink(path);
        // rm does not follow symlinks inside the tree either; it removes the links.
        else if (params.recursive) await rm(path, { recursive: true });
        else await rmdir(path);
      });
      return { path };
    },

    async chmod(params, context) {
      const path = await jail(params.path, context);
      await refuseSharedInode(path, context);
      const accounts = await loadAccounts();
      return onPath(path, async () => {
        // Linux has no lchmod; the jail returned a real path, so there is no link here to follow.
        await changeMode(path, params.mode);
        return describeEntry(path, accounts);
      });
    },

    async chown(params, context) {
      const path = await jail(params.path, context);
      await refuseSharedInode(path, context);
      const accounts = await loadAccounts();
      const { uid, gid } = ownerIds(accounts, params.user, params.group);
      return onPath(path, async () => {
        // lchown: should a symlink have been swapped in since the jail check, change the link, not its target.
        await lchown(path, uid, gid);
        return describeEntry(path, accounts);
      });
    },
  },

  streams: {
    async download(params, stream, context) {
      const path = await jail(params.path, context);
      return { path, ...(await sendFile(path, stream)) };
    },

    async upload(params, stream, context) {
      // The name is a plain name (the contract says so), so joining cannot climb; the jail still checks.
      const path = await jail(posix.join(params.directory, params.name), context);
      const written = await writeFileAtomically(path, stream.chunks(), {
        mustNotExist: !params.overwrite,
        mode: params.mode,
        signal: stream.signal,
      });
      return { path, ...written };
    },
  },
});

/** Move a non-directory so that an existing target is never replaced: link(2) fails with EEXIST, then unlink. */
async function moveWithoutReplacing(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new GatehouseError('exists', 'Something already exists at the new name', { path: to });
    // Filesystems without hard links: the lstat check in rename was the guard.
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP') return renameEntry(from, to);
    throw err;
  }
  await unlink(from);
}
