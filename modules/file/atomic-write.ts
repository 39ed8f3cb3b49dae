/**
 * Atomic replacement of a file (SECURITY.md rule 2): bytes go to a temporary file in the same directory,
 * are flushed, take the old file's owner and mode, and only then are renamed over the target. A reader sees the
 * old file or the new one, never half of either; on any failure the temporary file is removed and the original
 * is untouched.
 */
import { createHash, randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { link, lstat, open, rename, unlink, type FileHandle } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { posix } from 'node:path';
import { currentVersion } from './content.js';
import { GatehouseError, problemFromSystemError } from '../kernel/errors.js';

/** Mode of a file created new when the caller names none: what most editors give under the usual umask. */
export const defaultFileMode = 0o644;
/** Marks our temporary files, so an operator finding one after a crash knows where it came from. */
export const tempMarker = '.gatehouse-';

export interface AtomicWriteOptions {
  /** Refuse with `conflict` unless the file is still at this version, checked right before the rename. */
  readonly expectedVersion?: string | undefined;
  /** Refuse with `exists` if the file is there; enforced atomically with link(2), not by a check then a rename. */
  readonly mustNotExist?: boolean | undefined;
  /** Mode for the result; by default the existing file's, or defaultFileMode for a new one. */
  readonly mode?: number | undefined;
  /** Abandon the write (and remove the temporary file) when this aborts. */
  readonly signal?: AbortSignal | undefined;
  /**
   * Where to act for `path` instead of its name: through a held, checked directory (held.ts,
   * `/proc/self/fd/N/name`), so a directory swapped for a symlink after the jail check cannot send the write
   * elsewhere. The temporary file goes beside it.
   */
  readonly at?: string | undefined;
}

/** Replace or create `path` (a jailed real path) with `data`; resolves to the size and version written. */
export async function writeFileAtomically(
  path: string,
  data: Uint8Array | AsyncIterable<Uint8Array>,
  options: AtomicWriteOptions = {},
): Promise<{ size: number; version: string }> {
  const context = { path };
  // Every by-name call below uses `target` (and its directory); `path` is only what errors name.
  const target = options.at ?? path;
  const directory = posix.dirname(target);
  const existing = await lstat(target).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw problemFromSystemError(err, context);
  });
  if (existing !== undefined) {
    if (options.mustNotExist) throw new GatehouseError('exists', 'A file of that name already exists', context);
    if (existing.isDirectory()) throw new GatehouseError('is-a-directory', 'Is a directory', context);
    if (!existing.isFile()) throw new GatehouseError('not-supported', 'Only regular files can be written', context);
  } else if (options.expectedVersion !== undefined) {
    throw new GatehouseError('conflict', 'The file was deleted since it was loaded', context);
  }

  const temp = posix.join(directory, tempNameFor(posix.basename(path)));
  let handle: FileHandle | undefined;
  let placed = false;
  try {
    // O_EXCL: never write into a file (or through a symlink) someone else put at the temporary name.
    handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    const written = await writeAll(handle, data, options.signal);
    await applyOwnerAndMode(handle, existing, options.mode);
    await handle.sync();
    await handle.close();
    handle = undefined;

    if (options.expectedVersion !== undefined) {
      // As late as possible: whatever changed the file while we were writing is caught here.
      const current = await currentVersion(target, path);
      if (current !== options.expectedVersion) {
        const message = 'The file changed since it was loaded; reload it and apply the change again';
        throw new GatehouseError('conflict', message, context);
      }
    }
    options.signal?.throwIfAborted();
    if (options.mustNotExist) await placeNew(temp, target, path);
    else await rename(temp, target);
    placed = true;
    await syncDirectory(directory);
    return written;
  } catch (err) {
    throw writeProblem(err, options.signal, context);
  } finally {
    await handle?.close().catch(() => undefined);
    if (!placed) await unlink(temp).catch(() => undefined);
  }
}

/** `.<name>.gatehouse-<random>`, with the name shortened so the whole stays within NAME_MAX (255 bytes). */
export function tempNameFor(name: string): string {
  let short = '';
  for (const char of name) {
    if (Buffer.byteLength(short + char) > 200) break;
    short += char;
  }
  return `.${short}${tempMarker}${randomBytes(8).toString('hex')}`;
}

async function writeAll(
  handle: FileHandle,
  data: Uint8Array | AsyncIterable<Uint8Array>,
  signal: AbortSignal | undefined,
): Promise<{ size: number; version: string }> {
  const hash = createHash('sha256');
  let size = 0;
  const put = async (chunk: Uint8Array): Promise<void> => {
    hash.update(chunk);
    size += chunk.byteLength;
    // A write may be partial; keep going until the chunk is all on disk.
    for (let offset = 0; offset < chunk.byteLength; ) {
      const { bytesWritten } = await handle.write(chunk, offset, chunk.byteLength - offset, null);
      offset += bytesWritten;
    }
  };
  if (data instanceof Uint8Array) {
    await put(data);
  } else {
    const iterator = data[Symbol.asyncIterator]();
    try {
      for (;;) {
        signal?.throwIfAborted();
        const next = await nextOrAbort(iterator, signal);
        if (next.done) break;
        await put(next.value);
      }
    } finally {
      // Tell the source we stopped early (abort or disk error), so it can release what it holds. Not awaited:
      // an async generator queues return() behind a pending next(), which after an abort may never settle.
      iterator.return?.().catch(() => undefined);
    }
    signal?.throwIfAborted();
  }
  return { size, version: `sha256:${hash.digest('hex')}` };
}

/** The next chunk, or a rejection as soon as the signal aborts: an upload stalled mid-way must not pin the write. */
function nextOrAbort<T>(iterator: AsyncIterator<T>, signal: AbortSignal | undefined): Promise<IteratorResult<T>> {
  if (signal === undefined) return iterator.next();
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    iterator.next().then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

async function applyOwnerAndMode(
  handle: FileHandle,
  existing: Stats | undefined,
  mode: number | undefined,
): Promise<void> {
  // Only root can give a file away; anyone else's new file is theirs, as with any editor.
  // chown comes first because it clears setuid/setgid bits, which the chmod below puts back.
  if (existing !== undefined && process.getuid?.() === 0) await handle.chown(existing.uid, existing.gid);
  await handle.chmod(mode ?? (existing !== undefined ? existing.mode & 0o7777 : defaultFileMode));
}

/** Put the temporary file at `path` only if nothing is there: link(2) fails with EEXIST instead of replacing. */
async function placeNew(temp: string, target: string, path: string): Promise<void> {
  try {
    await link(temp, target);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new GatehouseError('exists', 'A file of that name already exists', { path });
    // Filesystems without hard links (FAT, some FUSE): fall back to check-then-rename, with its small race.
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw err;
    if (await lstat(target).then(() => true, () => false)) {
      throw new GatehouseError('exists', 'A file of that name already exists', { path });
    }
    await rename(temp, target);
    return;
  }
  await unlink(temp);
}

/** Make the rename itself durable. Best effort: the file is already in place, so failing here would mislead. */
async function syncDirectory(directory: string): Promise<void> {
  const dir = await open(directory, constants.O_RDONLY | constants.O_DIRECTORY).catch(() => undefined);
  if (dir === undefined) return;
  await dir.sync().catch(() => undefined);
  await dir.close().catch(() => undefined);
}

function writeProblem(err: unknown, signal: AbortSignal | undefined, context: Record<string, string>): GatehouseError {
  if (err instanceof GatehouseError) return err;
  // Whatever the abort reason was (an AbortError, a channel's own error), the caller sees a cancelled write.
  if (signal?.aborted) return new GatehouseError('cancelled', 'The write was cancelled', context);
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new GatehouseError('too-large', 'No space left on the device', context);
  }
  return problemFromSystemError(err, context);
}
