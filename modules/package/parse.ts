/**
 * Parsers for what the package tools print. Pure functions over text, so they are unit-tested with recorded
 * output (including rpm's, which cannot run here). Everything parsed is bounded: agent data is untrusted.
 */
import type { InstalledPackage, PackageUpgrade } from './contract.js';

const cut = (value: string | undefined, max: number) => (value ?? '').slice(0, max);

/** The dpkg-query format the agent asks for: one package a line, tab-separated. */
export const dpkgQueryFormat = '${Package}\\t${Version}\\t${Architecture}\\t${Installed-Size}\\t${db:Status-Abbrev}\\t${binary:Summary}\\n';

/** `dpkg-query -W -f=<dpkgQueryFormat>`: keeps installed packages (and half-installed ones, marked by status). */
export function parseDpkgList(stdout: string): InstalledPackage[] {
  const packages: InstalledPackage[] = [];
  for (const line of stdout.split('\n')) {
    if (!line) continue;
    const [name, version, architecture, size, status, ...summary] = line.split('\t');
    const state = (status ?? '').trim();
    // Second letter: n not installed, c config-files only; everything else has files on disk.
    if (!name || state.length < 2 || state[1] === 'n' || state[1] === 'c') continue;
    const kib = Number(size);
    packages.push({
      name: cut(name, 256),
      version: cut(version, 256),
      architecture: cut(architecture, 64),
      sizeBytes: Number.isFinite(kib) && kib > 0 ? kib * 1024 : 0,
      summary: cut(summary.join('\t'), 1024),
      status: cut(state, 16),
    });
  }
  return packages;
}

/** The rpm query format the agent asks for. */
export const rpmQueryFormat = '%{NAME}\\t%{EPOCHNUM}:%{VERSION}-%{RELEASE}\\t%{ARCH}\\t%{SIZE}\\t%{SUMMARY}\\n';

/** `rpm -qa --queryformat <rpmQueryFormat>`; an epoch of 0 is left out of the version, as rpm -q does. */
export function parseRpmList(stdout: string): InstalledPackage[] {
  const packages: InstalledPackage[] = [];
  for (const line of stdout.split('\n')) {
    if (!line) continue;
    const [name, version, architecture, size, ...summary] = line.split('\t');
    if (!name || !version) continue;
    const bytes = Number(size);
    packages.push({
      name: cut(name, 256),
      version: cut(version.startsWith('0:') ? version.slice(2) : version, 256),
      architecture: cut(architecture === '(none)' ? '' : architecture, 64),
      sizeBytes: Number.isFinite(bytes) && bytes > 0 ? bytes : 0,
      summary: cut(summary.join('\t'), 1024),
      status: 'installed',
    });
  }
  return packages;
}

/**
 * `apt-get -s dist-upgrade` lines such as
 *   Inst libgcrypt20 [1.10.1-3] (1.10.1-3+deb12u1 Debian:12.15/oldstable, Debian-Security:12/oldstable-security [amd64])
 * Only packages already installed (with a `[current]` version) are upgrades; new dependencies are left out.
 */
export function parseSimulatedUpgrades(stdout: string): PackageUpgrade[] {
  const upgrades: PackageUpgrade[] = [];
  const pattern = /^Inst (\S+) \[([^\]]+)\] \((\S+)(?: (.*?))? \[([^\]]+)\]\)/;
  for (const line of stdout.split('\n')) {
    const match = pattern.exec(line);
    if (!match) continue;
    const [, name, current, available, origin = '', architecture] = match;
    upgrades.push({
      name: cut(name, 256),
      current: cut(current, 256),
      available: cut(available, 256),
      architecture: cut(architecture, 64),
      origin: cut(origin, 1024),
      security: /security/i.test(origin),
    });
  }
  return upgrades;
}

/** `apt-cache search` lines: `name - summary`. */
export function parseSearch(stdout: string): { name: string; summary: string }[] {
  const results: { name: string; summary: string }[] = [];
  for (const line of stdout.split('\n')) {
    const at = line.indexOf(' - ');
    if (at <= 0) continue;
    results.push({ name: cut(line.slice(0, at), 256), summary: cut(line.slice(at + 3), 1024) });
  }
  return results;
}

/** The first stanza of deb822 text (`apt-cache show`, `dpkg-query -s`): field → value, continuation lines kept. */
export function parseStanza(stdout: string): Record<string, string> {
  const fields: Record<string, string> = {};
  let last: string | undefined;
  for (const line of stdout.split('\n')) {
    if (line === '') {
      if (Object.keys(fields).length > 0) break;
      continue;
    }
    if ((line.startsWith(' ') || line.startsWith('\t')) && last) {
      fields[last] += `\n${line.slice(1) === '.' ? '' : line.slice(1)}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    last = line.slice(0, colon);
    if (Object.hasOwn(fields, last) || last === '__proto__') {
      last = undefined;
      continue;
    }
    fields[last] = line.slice(colon + 1).trim();
  }
  return fields;
}

export interface LockHolder {
  pid: number;
  inode: number;
}

/**
 * /proc/locks lines such as `1: FLOCK  ADVISORY  WRITE 1234 08:01:1311 0 EOF` (or `1: -> FLOCK …` for a
 * waiter): the pids holding a lock on the given inode. Waiters are left out; they do not hold it.
 */
export function lockHolders(procLocks: string, inode: number): number[] {
  const pids: number[] = [];
  for (const line of procLocks.split('\n')) {
    if (line.includes('->')) continue;
    const fields = line.trim().split(/\s+/);
    // id: TYPE MODE ACCESS PID MAJ:MIN:INODE START END
    const where = fields[5]?.split(':');
    const pid = Number(fields[4]);
    if (!where || where.length !== 3) continue;
    if (Number(where[2]) === inode && Number.isInteger(pid) && pid > 0) pids.push(pid);
  }
  return [...new Set(pids)];
}

/** Every pid holding some lock in /proc/locks (waiters left out). */
export function allLockPids(procLocks: string): number[] {
  const pids = procLocks
    .split('\n')
    .filter((line) => !line.includes('->'))
    .map((line) => Number(line.trim().split(/\s+/)[4]))
    .filter((pid) => Number.isInteger(pid) && pid > 0);
  return [...new Set(pids)];
}
