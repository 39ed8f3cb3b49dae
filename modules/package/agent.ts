/**
 * The agent's end of the package module. The dispatcher has already checked params (package names against
 * Debian policy), results and the read-only policy. Programs run with argument arrays, `--` before names,
 * never a shell. Long operations stream the package manager's output and stop it cleanly when cancelled.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, readlink, stat } from 'node:fs/promises';
import { GatehouseError } from '../kernel/errors.js';
import { defineHandlers, type AgentStream } from '../kernel/handler.js';
import { contract, type PackageOperationResult } from './contract.js';
import {
  allLockPids,
  dpkgQueryFormat,
  lockHolders,
  parseDpkgList,
  parseRpmList,
  parseSearch,
  parseSimulatedUpgrades,
  parseStanza,
  rpmQueryFormat,
} from './parse.js';

type Manager = 'apt' | 'dnf' | 'yum' | 'none';

const maxOutputBytes = 64 * 1024 * 1024;

export const toolEnv = (): NodeJS.ProcessEnv => ({
  ...process.env,
  LC_ALL: 'C.UTF-8',
  DEBIAN_FRONTEND: 'noninteractive',
  APT_LISTCHANGES_FRONTEND: 'none',
  NEEDRESTART_MODE: 'l',
});

const onPath = (program: string) => ['/usr/bin', '/bin', '/usr/sbin', '/sbin'].some((dir) => existsSync(`${dir}/${program}`));

/** apt/dpkg first (Debian, Ubuntu); then dnf or yum with rpm (Fedora, RHEL). */
export function detectManager(): Manager {
  if (onPath('dpkg-query') && onPath('apt-get')) return 'apt';
  if (onPath('rpm') && onPath('dnf')) return 'dnf';
  if (onPath('rpm') && onPath('yum')) return 'yum';
  return 'none';
}

function requireApt(what: string): void {
  const manager = detectManager();
  if (manager !== 'apt') {
    throw new GatehouseError(
      'not-supported',
      manager === 'none'
        ? 'No supported package manager (apt/dpkg, dnf or yum with rpm) was found on this host.'
        : `${what} is not supported with ${manager} yet; only apt/dpkg hosts offer it.`,
    );
  }
}

const trimmed = (output: string) =>
  output.trim().split('\n').filter(Boolean).slice(-8).join(' ').replace(/\s+/g, ' ').slice(0, 900);

/** The package tools' words mapped to problem codes; the tool's own message always goes with it. */
export function problemFromOutput(program: string, output: string): GatehouseError {
  const text = trimmed(output) || `${program} failed`;
  if (/Could not get lock|Unable to acquire the dpkg frontend lock|is another process using it/i.test(text)) {
    return new GatehouseError('conflict', `The package database is locked by another program: ${text}`);
  }
  if (/dpkg was interrupted/i.test(text)) {
    return new GatehouseError('conflict', `dpkg was interrupted earlier; run dpkg --configure -a first. ${text}`);
  }
  if (/Unable to locate package|has no installation candidate|is not installed|no packages found|No match for argument/i.test(text)) {
    return new GatehouseError('not-found', text);
  }
  if (/Permission denied|are you root/i.test(text)) return new GatehouseError('permission-denied', text);
  return new GatehouseError('internal-error', text);
}

interface RunResult {
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

// ---------------------------------------------------------------------------------------------------------
// Locks

export const dpkgLocks = ['/var/lib/dpkg/lock-frontend', '/var/lib/dpkg/lock'];
export const listsLock = '/var/lib/apt/lists/lock';

async function comm(pid: number): Promise<string> {
  try {
    return (await readFile(`/proc/${pid}/comm`, 'utf8')).trim().slice(0, 64) || '?';
  } catch {
    return '?';
  }
}

/**
 * Who holds one of the package manager's lock files, from /proc/locks mapped by inode to a pid and its
 * command name (no fuser or lsof needed). Undefined when nobody does.
 */
export async function lockHolder(paths: readonly string[]): Promise<{ path: string; pid: number; comm: string } | undefined> {
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

async function refuseIfLocked(paths: readonly string[]): Promise<void> {
  const holder = await lockHolder(paths);
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

// ---------------------------------------------------------------------------------------------------------
// Long operations

const aptOptions = [
  '-y',
  '-q',
  '-o', 'Dpkg::Use-Pty=0',
  '-o', 'APT::Color=0',
  '-o', 'Dpkg::Options::=--force-confdef',
  '-o', 'Dpkg::Options::=--force-confold',
];

/** Seconds between asking the package manager to stop and insisting. */
const graceMs = { term: 10_000, kill: 30_000 };

/**
 * Run a package manager with its output streamed live. Cancelling (the stream's signal) sends SIGINT to its
 * whole process group (apt-get and the dpkg it started, as Ctrl-C would), SIGTERM after 10 s and SIGKILL after
 * 30 s. Afterwards dpkg's state is checked, so an interrupted unpack is reported, not hidden.
 */
export async function runOperation(program: string, args: readonly string[], stream: AgentStream): Promise<PackageOperationResult> {
  if (stream.signal.aborted) throw new GatehouseError('cancelled', 'The operation was cancelled before it started.');
  const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'], env: toolEnv(), detached: true });
  let tail = '';
  let writing = Promise.resolve();
  const forward = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-8192);
    writing = writing.then(() => stream.write(chunk)).catch(() => undefined);
  };
  child.stdout.on('data', forward);
  child.stderr.on('data', forward);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'ENOENT' ? new GatehouseError('not-supported', `${program} is not installed on this host`) : err),
    );
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  const timers: NodeJS.Timeout[] = [];
  const group = (signal: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      // Already gone.
    }
  };
  const stop = () => {
    group('SIGINT');
    timers.push(setTimeout(() => group('SIGTERM'), graceMs.term), setTimeout(() => group('SIGKILL'), graceMs.kill));
  };
  stream.signal.addEventListener('abort', stop, { once: true });
  try {
    const { code, signal } = await exited;
    await writing;
    const cancelled = stream.signal.aborted;
    const needsConfigure = program === 'apt-get' ? await dpkgInterrupted() : false;
    const exitCode = code ?? (signal ? 128 : -1);
    const note = needsConfigure
      ? ' dpkg was interrupted while changing packages: run `dpkg --configure -a` (or Refresh and retry) to finish the job.'
      : '';
    if (cancelled) {
      const message = `Cancelled; ${program} stopped (exit ${exitCode}).${note}`;
      await stream.write(Buffer.from(`\n${message}\n`)).catch(() => undefined);
      return { exitCode, cancelled: true, needsConfigure, message };
    }
    if (exitCode !== 0) {
      const problem = problemFromOutput(program, tail);
      throw new GatehouseError(problem.code, `${program} failed (exit ${exitCode}): ${problem.message}${note}`);
    }
    return { exitCode, cancelled: false, needsConfigure, message: `Done.${note}` };
  } finally {
    stream.signal.removeEventListener('abort', stop);
    for (const timer of timers) clearTimeout(timer);
  }
}

/** The package manager command for an operation; names have passed the contract's schema already. */
export function operationCommand(
  manager: Manager,
  operation: 'refresh' | 'install' | 'upgrade' | 'remove',
  names: readonly string[] = [],
  purge = false,
): { program: string; args: string[] } {
  if (manager === 'apt') {
    switch (operation) {
      case 'refresh':
        return { program: 'apt-get', args: ['-q', '-o', 'APT::Color=0', 'update'] };
      case 'install':
        return { program: 'apt-get', args: [...aptOptions, 'install', '--', ...names] };
      case 'upgrade':
        return names.length > 0
          ? { program: 'apt-get', args: [...aptOptions, 'install', '--only-upgrade', '--', ...names] }
          : { program: 'apt-get', args: [...aptOptions, 'dist-upgrade'] };
      case 'remove':
        return { program: 'apt-get', args: [...aptOptions, purge ? 'purge' : 'remove', '--', ...names] };
    }
  }
  if (manager === 'dnf' || manager === 'yum') {
    switch (operation) {
      case 'refresh':
        return { program: manager, args: ['-y', 'makecache'] };
      case 'install':
        return { program: manager, args: ['-y', 'install', '--', ...names] };
      case 'upgrade':
        return { program: manager, args: ['-y', 'upgrade', ...(names.length > 0 ? ['--', ...names] : [])] };
      case 'remove':
        return { program: manager, args: ['-y', 'remove', '--', ...names] };
    }
  }
  throw new GatehouseError('not-supported', 'No supported package manager (apt/dpkg, dnf or yum with rpm) was found on this host.');
}

async function operation(
  kind: 'refresh' | 'install' | 'upgrade' | 'remove',
  stream: AgentStream,
  names: readonly string[] = [],
  purge = false,
): Promise<PackageOperationResult> {
  const manager = detectManager();
  const { program, args } = operationCommand(manager, kind, names, purge);
  if (manager === 'apt') await refuseIfLocked(kind === 'refresh' ? [listsLock] : dpkgLocks);
  await stream.write(Buffer.from(`$ ${program} ${args.join(' ')}\n`));
  return runOperation(program, args, stream);
}

// ---------------------------------------------------------------------------------------------------------

async function installedNames(names: readonly string[], signal: AbortSignal): Promise<Set<string>> {
  if (names.length === 0) return new Set();
  const { stdout } = await run('dpkg-query', ['-W', '-f=${Package}\\t${db:Status-Abbrev}\\n', '--', ...names], signal, [0, 1]);
  return new Set(
    stdout
      .split('\n')
      .map((line) => line.split('\t'))
      .filter(([, status]) => status !== undefined && status[1] !== 'n' && status[1] !== 'c')
      .map(([name]) => name as string),
  );
}

const firstLine = (value: string | undefined) => (value ?? '').split('\n')[0] ?? '';
const kib = (value: string | undefined) => (value && /^\d+$/.test(value) ? Number(value) * 1024 : undefined);
const bytes = (value: string | undefined) => (value && /^\d+$/.test(value) ? Number(value) : undefined);

export const handlers = defineHandlers(contract, {
  methods: {
    async list(_params, context) {
      const manager = detectManager();
      if (manager === 'apt') {
        const { stdout } = await run('dpkg-query', ['-W', `-f=${dpkgQueryFormat}`], context.signal);
        return { manager, packages: parseDpkgList(stdout), needsConfigure: await dpkgInterrupted(context.signal) };
      }
      if (manager === 'dnf' || manager === 'yum') {
        const { stdout } = await run('rpm', ['-qa', '--queryformat', rpmQueryFormat], context.signal);
        return { manager, packages: parseRpmList(stdout), needsConfigure: false };
      }
      return { manager, packages: [], needsConfigure: false };
    },

    async search({ query, limit }, context) {
      requireApt('Searching');
      const words = query.split(' ').filter(Boolean);
      // apt-cache search takes regular expressions: escape the dots and pluses so words match literally.
      const patterns = words.map((w) => w.replace(/[.+]/g, '\\$&'));
      const { stdout } = await run('apt-cache', ['search', '--', ...patterns], context.signal);
      const found = parseSearch(stdout);
      const shown = found.slice(0, limit);
      const installed = await installedNames(shown.map((r) => r.name).filter((n) => /^[a-z0-9][a-z0-9+.-]+$/.test(n)), context.signal);
      return { results: shown.map((r) => ({ ...r, installed: installed.has(r.name) })), truncated: found.length > limit };
    },

    async details({ name }, context) {
      requireApt('Package details');
      const installed = await run('dpkg-query', ['-s', '--', name], context.signal, [0, 1]);
      const status = installed.code === 0 ? parseStanza(installed.stdout) : {};
      const isInstalled = /install ok (installed|half|unpacked)/.test(status.Status ?? '');
      const show = await run('apt-cache', ['show', '--no-all-versions', '--', name], context.signal, [0, 100]);
      const index = show.code === 0 ? parseStanza(show.stdout) : {};
      if (!isInstalled && Object.keys(index).length === 0) {
        throw new GatehouseError('not-found', `There is no package ${name} installed or in the package index. Refresh the index if it is new.`, {
          module: 'package',
          name,
        });
      }
      const policy = await run('apt-cache', ['policy', '--', name], context.signal, [0, 100]);
      const candidate = /Candidate: (\S+)/.exec(policy.stdout)?.[1];
      const fields = isInstalled ? { ...index, ...status } : index;
      const description = fields.Description ?? '';
      return {
        name,
        ...(isInstalled && status.Version ? { installedVersion: status.Version.slice(0, 256) } : {}),
        ...(candidate && candidate !== '(none)' ? { candidateVersion: candidate.slice(0, 256) } : {}),
        architecture: (fields.Architecture ?? '').slice(0, 64),
        section: (fields.Section ?? '').slice(0, 256),
        maintainer: (fields.Maintainer ?? '').slice(0, 1024),
        homepage: (fields.Homepage ?? '').slice(0, 2048),
        ...(kib(fields['Installed-Size']) !== undefined ? { sizeBytes: kib(fields['Installed-Size']) } : {}),
        ...(bytes(index.Size) !== undefined ? { downloadBytes: bytes(index.Size) } : {}),
        depends: (fields.Depends ?? '').slice(0, 8192),
        summary: firstLine(description).slice(0, 1024),
        description: description.split('\n').slice(1).join('\n').slice(0, 32 * 1024),
      };
    },

    async upgrades(_params, context) {
      const manager = detectManager();
      if (manager === 'none') return { manager, upgrades: [] };
      requireApt('Listing updates');
      // A simulation reads the index only; NoLocking lets it answer while another program holds the lock.
      const { stdout } = await run('apt-get', ['-s', '-q', '-o', 'Debug::NoLocking=1', '-o', 'APT::Color=0', 'dist-upgrade'], context.signal);
      return { manager, upgrades: parseSimulatedUpgrades(stdout) };
    },
  },
  streams: {
    refresh: (_params, stream) => operation('refresh', stream),
    install: ({ names }, stream) => operation('install', stream, names),
    upgrade: ({ names }, stream) => operation('upgrade', stream, names ?? []),
    remove: ({ names, purge }, stream) => operation('remove', stream, names, purge),
  },
});
