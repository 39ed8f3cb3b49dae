/**
 * Who holds the package manager's locks, so a refused operation names the program in the way instead of
 * hanging behind it. dpkg/apt and rpm take kernel locks (seen in /proc/locks); dnf writes its pid into lock
 * files and keeps them while it runs (dnf/lock.py), waiting for whoever wrote one that is still alive.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, readlink, stat } from 'node:fs/promises';
import { GatehouseError } from '../kernel/errors.js';
import { allLockPids, lockHolders } from './parse.js';
import { run, type Manager } from './tools.js';

export const dpkgLocks = ['/var/lib/dpkg/lock-frontend', '/var/lib/dpkg/lock'];
export const listsLock = '/var/lib/apt/lists/lock';

/** rpm's transaction lock: /var/lib/rpm on RHEL and older Fedora, /usr/lib/sysimage/rpm on newer ones. */
export const rpmLocks = ['/var/lib/rpm/.rpm.lock', '/usr/lib/sysimage/rpm/.rpm.lock'];

/**
 * dnf 4's pid lock files as root (dnf/lock.py): the rpm database one in its persistdir, the metadata and
 * download ones in its cache; yum 3 (RHEL 7) has one pid file.
 */
export const dnfLockFiles = [
  '/var/lib/dnf/rpmdb_lock.pid',
  '/var/cache/dnf/metadata_lock.pid',
  '/var/cache/dnf/download_lock.pid',
  '/var/run/yum.pid',
];

export interface LockHolder {
  path: string;
  pid: number;
  comm: string;
}

async function comm(pid: number): Promise<string> {
  try {
    return (await readFile(`/proc/${pid}/comm`, 'utf8')).trim().slice(0, 64) || '?';
  } catch {
    return '?';
  }
}

/**
 * Who holds one of these lock files, from /proc/locks mapped by inode to a pid and its command name (no fuser
 * or lsof needed). Undefined when nobody does.
 */
export async function lockHolder(paths: readonly string[]): Promise<LockHolder | undefined> {
  let procLocks: string;
  try {
    procLocks = await readFile('/proc/locks', 'utf8');
  } catch {
    return undefined;
  }
  for (const path of paths) {
    let inode: number;
    try {
      inode = (await stat(path)).ino;
    } catch {
      continue;
    }
    const pid = lockHolders(procLocks, inode).find((p) => p !== process.pid) ?? (await lockerWithOpen(procLocks, path));
    if (pid !== undefined) return { path, pid, comm: await comm(pid) };
  }
  return undefined;
}

/**
 * On some file systems (overlays) the inode in /proc/locks is not the one stat reports; then the holder is a
 * process that holds some lock and has the lock file open.
 */
async function lockerWithOpen(procLocks: string, path: string): Promise<number | undefined> {
  for (const pid of allLockPids(procLocks)) {
    if (pid === process.pid) continue;
    let fds: string[];
    try {
      fds = await readdir(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      if ((await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')) === path) return pid;
    }
  }
  return undefined;
}

/** The pid written in a dnf/yum lock file, when that process is still alive (as dnf itself decides). */
export async function pidFileHolder(paths: readonly string[]): Promise<LockHolder | undefined> {
  for (const path of paths) {
    const text = await readFile(path, 'utf8').catch(() => '');
    const pid = /^\s*(\d{1,10})\s*$/.exec(text.slice(0, 32))?.[1];
    if (pid === undefined) continue;
    const number = Number(pid);
    if (number > 0 && number !== process.pid && existsSync(`/proc/${number}`)) return { path, pid: number, comm: await comm(number) };
  }
  return undefined;
}

/** Refuse with `conflict`, naming the process, when another program holds what this operation needs. */
export async function refuseIfLocked(manager: Manager, indexOnly: boolean): Promise<void> {
  let holder: LockHolder | undefined;
  if (manager === 'apt') holder = await lockHolder(indexOnly ? [listsLock] : dpkgLocks);
  if (manager === 'dnf' || manager === 'yum') holder = (await pidFileHolder(dnfLockFiles)) ?? (indexOnly ? undefined : await lockHolder(rpmLocks));
  if (holder) {
    throw new GatehouseError(
      'conflict',
      `The package database is busy: ${holder.path} is held by process ${holder.pid} (${holder.comm}). ` +
        'Wait for it to finish (or stop it), then try again.',
      { module: 'package', pid: holder.pid },
    );
  }
}

/** dpkg left work half-done: journal files in /var/lib/dpkg/updates, or packages `dpkg --audit` reports. */
export async function dpkgInterrupted(signal?: AbortSignal): Promise<boolean> {
  try {
    if ((await readdir('/var/lib/dpkg/updates')).some((name) => /^\d+$/.test(name))) return true;
  } catch {
    return false;
  }
  try {
    const { stdout } = await run('dpkg', ['--audit'], signal ?? new AbortController().signal, [0, 1]);
    return stdout.trim() !== '';
  } catch {
    return false;
  }
}
