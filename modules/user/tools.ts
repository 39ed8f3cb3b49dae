/**
 * Running the shadow suite (useradd, usermod, chage, groupadd, gpasswd, chpasswd…): argument arrays, never a
 * shell; a fixed PATH and C locale so messages are predictable; a secret goes on standard input only and is
 * scrubbed from anything the tool prints before it can reach an error message.
 */
import { spawn } from 'node:child_process';
import { GatehouseError, type ProblemCode } from '../kernel/errors.js';

export interface ToolRun {
  /** The program, looked up on a fixed PATH (never the agent's environment). */
  program: string;
  args: readonly string[];
  /** Written to standard input, then closed; may hold a password. */
  input?: string;
  /** Strings that must never appear in an error message (the password). */
  secrets?: readonly string[];
  /** Exit codes the tool documents, with the problem each one is. */
  exitCodes?: Readonly<Record<number, ProblemCode>>;
  signal?: AbortSignal;
  context: Record<string, string | number | undefined>;
}

const toolEnv = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C', LANG: 'C' };
const maxOutput = 64 * 1024;

/** Tool output made safe to show: secrets replaced, control characters dropped, length bounded. */
export function scrub(text: string, secrets: readonly string[] = []): string {
  let clean = text;
  for (const secret of secrets) if (secret !== '') clean = clean.split(secret).join('***');
  return clean
    .replace(/[^\x20-\x7e\n]/g, '')
    .trim()
    .slice(0, 2000);
}

/** Run one tool; resolves with its standard output, or throws a GatehouseError carrying its stderr. */
export function runTool(run: ToolRun): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(run.program, [...run.args], {
      env: toolEnv,
      stdio: ['pipe', 'pipe', 'pipe'],
      signal: run.signal,
      timeout: 60_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      if (stdout.length < maxOutput) stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      if (stderr.length < maxOutput) stderr += chunk;
    });
    child.stdin.on('error', () => {}); // a tool that exits before reading its input is reported by its exit code
    child.stdin.end(run.input ?? '');
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') {
        reject(new GatehouseError('not-supported', `${run.program} is not installed on this host`, run.context));
      } else if (err.name === 'AbortError') {
        reject(new GatehouseError('cancelled', `${run.program} was stopped`, run.context));
      } else {
        reject(new GatehouseError('internal-error', `${run.program} could not start: ${scrub(err.message, run.secrets)}`, run.context));
      }
    });
    child.on('close', (code, signal) => {
      if (code === 0) return resolve(stdout);
      const said = scrub(stderr || stdout, run.secrets);
      const problem = (code !== null && run.exitCodes?.[code]) || 'internal-error';
      const how = code === null ? `was killed (${signal})` : `failed (exit ${code})`;
      reject(new GatehouseError(problem, `${run.program} ${how}${said ? `: ${said}` : ''}`, run.context));
    });
  });
}
