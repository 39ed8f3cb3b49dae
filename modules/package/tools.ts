/**
 * What every part of the package agent shares: which package manager this host has, how its programs are run
 * (argument arrays, a fixed environment, never a shell) and how their words become problem codes.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { GatehouseError } from '../kernel/errors.js';
import type { managers } from './contract.js';

export type Manager = (typeof managers)[number];

const maxOutputBytes = 64 * 1024 * 1024;

export const toolEnv = (): NodeJS.ProcessEnv => ({
  ...process.env,
  LC_ALL: 'C.UTF-8',
  DEBIAN_FRONTEND: 'noninteractive',
  APT_LISTCHANGES_FRONTEND: 'none',
  NEEDRESTART_MODE: 'l',
});

const onPath = (program: string) => ['/usr/bin', '/bin', '/usr/sbin', '/sbin'].some((dir) => existsSync(`${dir}/${program}`));

/** apt/dpkg first (Debian, Ubuntu); then dnf or yum with rpm (Fedora, RHEL). Asked on every call: it is cheap. */
export function detectManager(): Manager {
  if (onPath('dpkg-query') && onPath('apt-get')) return 'apt';
  if (onPath('rpm') && onPath('dnf')) return 'dnf';
  if (onPath('rpm') && onPath('yum')) return 'yum';
  return 'none';
}

export const noManager = () =>
  new GatehouseError('not-supported', 'No supported package manager (apt/dpkg, dnf or yum with rpm) was found on this host.');

const trimmed = (output: string) =>
  output
    .trim()
    .split('\n')
    // dnf says this on every run where no package names the OS release (it only matters for $releasever in repos).
    .filter((line) => line !== '' && !/^Unable to detect release version/.test(line))
    .slice(-8)
    .join(' ')
    .replace(/\s+/g, ' ')
    .slice(0, 900);

/** The package tools' words mapped to problem codes; the tool's own message always goes with it. */
export function problemFromOutput(program: string, output: string): GatehouseError {
  const text = trimmed(output) || `${program} failed`;
  if (/Could not get lock|Unable to acquire the dpkg frontend lock|is another process using it|already locked by \d+/i.test(text)) {
    return new GatehouseError('conflict', `The package database is locked by another program: ${text}`);
  }
  if (/dpkg was interrupted/i.test(text)) {
    return new GatehouseError('conflict', `dpkg was interrupted earlier; run dpkg --configure -a first. ${text}`);
  }
  if (/Unable to locate package|has no installation candidate|is not installed|no packages found|No match for argument|Unable to find a match/i.test(text)) {
    return new GatehouseError('not-found', text);
  }
  if (/Can not load RPM file|is not a Debian format archive|not a debian format archive|Invalid archive signature/i.test(text)) {
    return new GatehouseError('invalid-params', `Not a package file the package manager can read: ${text}`);
  }
  if (/Permission denied|are you root/i.test(text)) return new GatehouseError('permission-denied', text);
  return new GatehouseError('internal-error', text);
}

export interface RunResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** Run a read-only query; `okCodes` are exit codes that still mean an answer (e.g. dpkg-query 1 = some not found). */
export function run(program: string, args: readonly string[], signal: AbortSignal, okCodes: readonly number[] = [0]): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(program, args, { encoding: 'utf8', maxBuffer: maxOutputBytes, signal, env: toolEnv() }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : -1) : 0;
      if (!err || okCodes.includes(code)) return resolve({ stdout, stderr, code });
      const errno = (err as NodeJS.ErrnoException).code;
      if (errno === 'ENOENT') return reject(new GatehouseError('not-supported', `${program} is not installed on this host`));
      if (errno === 'ABORT_ERR') return reject(new GatehouseError('cancelled', `${program} was cancelled`));
      reject(problemFromOutput(program, stderr || stdout || err.message));
    });
  });
}
