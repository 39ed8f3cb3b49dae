/**
 * Real consoles and agents for integration tests: each is its own process started from the built dist/,
 * talking over real sockets, with data in a fresh temporary directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

export const repoRoot = resolve(import.meta.dirname, '../..');
export const consoleCli = join(repoRoot, 'dist/console/server/cli.js');
export const agentCli = join(repoRoot, 'dist/agent/cli.js');
export const adminPassword = 'correct-horse-battery-staple';

/** Allow self-signed certificates in this test process only, where we check fingerprints ourselves. */
export const insecureFetchNote = 'tests reach https consoles with undici dispatchers that pin the certificate';

export interface TestProcess {
  child: ChildProcess;
  output: string[];
  /** Resolves with the exit code when the process ends. */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

export function startProcess(args: string[], env: Record<string, string> = {}): TestProcess {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream! }).on('line', (line) => {
      output.push(line);
      if (process.env.GATEHOUSE_TEST_VERBOSE) process.stderr.write(`${line}\n`);
    });
  }
  // `close` comes after the output streams have ended, so every line is in `output` by then.
  const exited = new Promise<number | null>((r) => child.once('close', (code) => r(code)));
  return {
    child,
    output,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/** Wait until `check` returns a value (not undefined/false), polling; fails with `what` after the timeout. */
export async function waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface TestConsole {
  url: string;
  dataDir: string;
  process: TestProcess;
  stop(): Promise<void>;
}

export interface ConsoleOptions {
  tls?: boolean;
  dataDir?: string;
  port?: number;
  /** DATA/console.json, written before the console starts (e.g. `{ approvals: { rules: [] } }`). */
  config?: Record<string, unknown>;
}

export async function startTestConsole(options: ConsoleOptions = {}): Promise<TestConsole> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'gh-console-')));
  if (options.config) await writeFile(join(dataDir, 'console.json'), JSON.stringify(options.config, null, 2));
  const args = [consoleCli, '--data', dataDir, '--port', String(options.port ?? 0), '--host', '127.0.0.1'];
  if (options.tls) args.push('--tls', 'self-signed');
  const proc = startProcess(args, { GATEHOUSE_ADMIN_PASSWORD: adminPassword });
  const url = await waitFor('the console to listen', () => {
    if (proc.child.exitCode !== null) throw new Error(`console exited: ${proc.output.join('\n')}`);
    return proc.output.map((l) => /^Gatehouse console at (\S+)/.exec(l)?.[1]).find(Boolean);
  });
  return {
    url,
    dataDir,
    process: proc,
    stop: async () => {
      await proc.stop();
      if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface TestAgent {
  dataDir: string;
  hostId: string;
  process: TestProcess;
  stop(): Promise<void>;
}

export async function writePolicy(dataDir: string, policy: unknown): Promise<void> {
  await writeFile(join(dataDir, 'policy.json'), JSON.stringify(policy));
}

/** Run `gatehouse-agent enroll` to completion; returns its exit code and output. */
export async function runEnroll(consoleUrl: string, token: string, dataDir: string, name = 'test-host'): Promise<{ code: number | null; output: string }> {
  const proc = startProcess([agentCli, 'enroll', '--console', consoleUrl, '--token', token, '--data', dataDir, '--name', name]);
  const code = await proc.exited;
  return { code, output: proc.output.join('\n') };
}

export function startAgent(dataDir: string): TestProcess {
  return startProcess([agentCli, 'run', '--data', dataDir]);
}
