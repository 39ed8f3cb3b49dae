/**
 * What a file listing says about each entry: lstat, so a symlink is described as a link (with its stored
 * target and the type of what it leads to) whether or not it leads inside a root. Describing is not following.
 */
import { lstat, opendir, readlink, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { posix } from 'node:path';
import type { Accounts } from './accounts.js';
import { entryTypes, type FileEntry } from './contract.js';
import { maxControlFrameBytes } from '../kernel/wire.js';

/** Most entries one listing returns; past this a directory is better searched than browsed. */
export const maxListEntries = 10_000;
/** Room for the entries in one control frame, leaving a margin for the envelope and JSON escaping. */
const maxListBytes = Math.floor(maxControlFrameBytes * 0.75);
/** lstat calls in flight at once while listing; enough to hide latency without flooding the thread pool. */
const statConcurrency = 32;

type EntryType = (typeof entryTypes)[number];

export function entryTypeOf(stats: Stats): EntryType {
  if (stats.isFile()) return 'file';
  if (stats.isDirectory()) return 'directory';
  if (stats.isSymbolicLink()) return 'symlink';
  if (stats.isSocket()) return 'socket';
  if (stats.isFIFO()) return 'fifo';
  if (stats.isBlockDevice()) return 'block-device';
  if (stats.isCharacterDevice()) return 'char-device';
  return 'unknown';
}

/**
 * Describe one directory entry without following it. `at` is where to look (it may go through a held directory,
 * `/proc/self/fd/N/name`); `path` is the real path the caller is told about.
 */
export async function describeEntry(at: string, accounts: Accounts, path: string = at): Promise<FileEntry> {
  const stats = await lstat(at);
  const entry: FileEntry = {
    name: path === posix.sep ? posix.sep : posix.basename(path),
    path,
    type: entryTypeOf(stats),
    size: stats.size,
    mode: stats.mode & 0o7777,
    user: accounts.userName(stats.uid),
    group: accounts.groupName(stats.gid),
    uid: stats.uid,
    gid: stats.gid,
    modifiedAt: stats.mtime.toISOString(),
  };
  if (stats.isSymbolicLink()) {
    entry.target = await readlink(at);
    entry.targetType = await stat(at).then(entryTypeOf, (err: NodeJS.ErrnoException) =>
      // Dangling, a loop, or a path through a non-directory all mean following it leads nowhere.
      err.code === 'ENOENT' || err.code === 'ELOOP' || err.code === 'ENOTDIR' ? 'broken' : 'unknown',
    );
  }
  return entry;
}

/**
 * List a directory (a real path already jailed): directories first (and links to them), then by name in plain
 * string order, not the locale's, so every agent sorts alike. Bounded by count and by encoded size; `truncated`
 * says it stopped early (the cut is made in directory order, before sorting, so memory stays bounded).
 */
export async function listDirectory(
  directory: string,
  accounts: Accounts,
  options: { showHidden: boolean; signal?: AbortSignal; via?: string },
): Promise<{ entries: FileEntry[]; truncated: boolean }> {
  // `via`: a held, checked handle on the directory (held.ts); entries are read through it, named by `directory`.
  const via = options.via ?? directory;
  const names: string[] = [];
  let truncated = false;
  // Stop reading at the cap: a directory with millions of entries must not be read whole into memory.
  const dir = await opendir(via);
  try {
    for await (const dirent of dir) {
      if (!options.showHidden && dirent.name.startsWith('.')) continue;
      if (names.length === maxListEntries) {
        truncated = true;
        break;
      }
      names.push(dirent.name);
    }
  } finally {
    await dir.close().catch(() => undefined);
  }

  const described = await mapLimited(names, statConcurrency, async (name) => {
    options.signal?.throwIfAborted();
    // An entry removed between readdir and lstat is simply no longer there.
    return describeEntry(posix.join(via, name), accounts, posix.join(directory, name)).catch(() => undefined);
  });
  const entries = described.filter((e): e is FileEntry => e !== undefined).sort(compareEntries);

  let bytes = 0;
  for (let i = 0; i < entries.length; i++) {
    bytes += Buffer.byteLength(JSON.stringify(entries[i])) + 1;
    if (bytes > maxListBytes) return { entries: entries.slice(0, i), truncated: true };
  }
  return { entries, truncated };
}

function isDirectoryLike(entry: FileEntry): boolean {
  return entry.type === 'directory' || (entry.type === 'symlink' && entry.targetType === 'directory');
}

function compareEntries(a: FileEntry, b: FileEntry): number {
  const byKind = Number(isDirectoryLike(b)) - Number(isDirectoryLike(a));
  if (byKind !== 0) return byKind;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
