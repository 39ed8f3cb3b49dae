/**
 * Long package operations (refresh, install, upgrade, remove, install from a file): the package manager's
 * command line, run with its output streamed live and stopped cleanly when the stream is cancelled.
 */
import { spawn } from 'node:child_process';
import { GatehouseError } from '../kernel/errors.js';
import type { AgentStream } from '../kernel/handler.js';
import type { PackageOperationResult } from './contract.js';
import { dpkgInterrupted, refuseIfLocked } from './locks.js';
import { detectManager, noManager, problemFromOutput, run, toolEnv, type Manager } from './tools.js';

export type OperationKind = 'refresh' | 'install' | 'upgrade' | 'remove' | 'installFile';

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

/**
 * The package manager command for an operation. Names have passed the contract's schema already; for
 * `installFile` the one name is a package file's real path, already checked (local-file.ts).
 */
export function operationCommand(
  manager: Manager,
  operation: OperationKind,
  names: readonly string[] = [],
  purge = false,
): { program: string; args: string[] } {
  if (manager === 'apt') {
    switch (operation) {
      case 'refresh':
        return { program: 'apt-get', args: ['-q', '-o', 'APT::Color=0', 'update'] };
      case 'install':
      case 'installFile':
        // apt-get reads an argument that starts with / and ends in .deb as a package file.
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
        // makecache alone keeps metadata younger than metadata_expire; a refresh the operator asks for is a refresh.
        return { program: manager, args: ['-y', 'makecache', '--refresh'] };
      case 'install':
      case 'installFile':
        // dnf reads an argument ending in .rpm as a local package file.
        return { program: manager, args: ['-y', 'install', '--', ...names] };
      case 'upgrade':
        return { program: manager, args: ['-y', 'upgrade', ...(names.length > 0 ? ['--', ...names] : [])] };
      case 'remove':
        return { program: manager, args: ['-y', 'remove', '--', ...names] };
    }
  }
  throw noManager();
}

/** dnf says "No match for argument" and exits 0 when asked to remove what is not installed; apt-get refuses. */
async function refuseNotInstalledRpm(names: readonly string[], signal: AbortSignal): Promise<void> {
  // rpm -q exits with the number of names it did not find.
  const counts = Array.from({ length: names.length + 1 }, (_, i) => i);
  const { stdout, code } = await run('rpm', ['-q', '--', ...names], signal, counts);
  if (code === 0) return;
  const missing = stdout
    .split('\n')
    .map((line) => /^package (\S+) is not installed$/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined);
  if (missing.length > 0) {
    throw new GatehouseError('not-found', `Package ${missing.join(', ')} is not installed.`, { module: 'package', name: missing.join(',') });
  }
}

/** Run one operation on this host's package manager, refusing first when another program holds its lock. */
export async function operation(
  kind: OperationKind,
  stream: AgentStream,
  names: readonly string[] = [],
  purge = false,
  manager: Manager = detectManager(),
): Promise<PackageOperationResult> {
  const { program, args } = operationCommand(manager, kind, names, purge);
  await refuseIfLocked(manager, kind === 'refresh');
  if (kind === 'remove' && manager !== 'apt') await refuseNotInstalledRpm(names, stream.signal);
  await stream.write(Buffer.from(`$ ${program} ${args.join(' ')}\n`));
  return runOperation(program, args, stream);
}
