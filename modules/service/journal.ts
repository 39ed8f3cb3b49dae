/**
 * Reading the systemd journal with journalctl's JSON output: one object per line, turned into bounded
 * entries. Messages are data from the host (untrusted): the page renders them as text.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { GatehouseError } from '../kernel/errors.js';
import type { AgentStream } from '../kernel/handler.js';
import { priorityNames, type JournalEntry } from './contract.js';
import { problemFromStderr, run } from './systemctl.js';

const maxMessageChars = 16 * 1024;

export interface JournalQuery {
  unit?: string | undefined;
  priority?: (typeof priorityNames)[number] | undefined;
  lines?: number | undefined;
  since?: string | undefined;
}

/** journalctl's arguments for a query; every value is schema-checked already and passed as `--opt=value`. */
export function journalArgs(query: JournalQuery, follow = false): string[] {
  const args = ['--output=json', '--no-pager', '--quiet'];
  if (query.lines !== undefined) args.push(`--lines=${query.lines}`);
  // `@<seconds>` is systemd's unambiguous absolute time; no locale or time-zone parsing on the host.
  if (query.since !== undefined) args.push(`--since=@${Math.floor(Date.parse(query.since) / 1000)}`);
  if (query.priority !== undefined) args.push(`--priority=${query.priority}`);
  if (query.unit !== undefined) args.push(`--unit=${query.unit}`);
  if (follow) args.push('--follow');
  return args;
}

/** A journal field is a string, or an array of bytes when it is not valid UTF-8 (or holds control characters). */
function fieldText(value: unknown, max: number): string {
  if (typeof value === 'string') return value.slice(0, max);
  if (Array.isArray(value) && value.every((b) => typeof b === 'number')) {
    return Buffer.from(value.slice(0, max * 4) as number[]).toString('utf8').slice(0, max);
  }
  return '';
}

/** One journalctl JSON line as an entry, or undefined for a line that is not one. */
export function parseJournalLine(line: string): JournalEntry | undefined {
  if (!line.startsWith('{')) return undefined;
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const micros = Number(fieldText(raw.__REALTIME_TIMESTAMP, 20));
  const priority = Number(fieldText(raw.PRIORITY, 2));
  const pid = Number(fieldText(raw._PID, 12));
  const entry: JournalEntry = {
    time: Number.isFinite(micros) && micros > 0 ? new Date(Math.floor(micros / 1000)).toISOString() : '',
    priority: Number.isInteger(priority) && priority >= 0 && priority <= 7 ? priority : 6,
    // UNIT names the subject of systemd's own lines ("Started x.service"), which come from init.scope.
    unit: fieldText(raw.UNIT ?? raw._SYSTEMD_UNIT, 512),
    identifier: fieldText(raw.SYSLOG_IDENTIFIER ?? raw._COMM, 256),
    message: fieldText(raw.MESSAGE, maxMessageChars),
  };
  if (Number.isInteger(pid) && pid > 0) entry.pid = pid;
  return entry;
}

export function parseJournal(output: string): JournalEntry[] {
  const entries: JournalEntry[] = [];
  for (const line of output.split('\n')) {
    const entry = parseJournalLine(line);
    if (entry) entries.push(entry);
  }
  return entries;
}

export async function readJournal(query: JournalQuery, signal?: AbortSignal): Promise<JournalEntry[]> {
  const { stdout } = await run('journalctl', journalArgs(query), signal);
  return parseJournal(stdout);
}

/**
 * Follow the journal into a stream, one JSON entry per line, until the console cancels. Writes wait for the
 * console's credit, and while they wait journalctl's pipe fills and it blocks: a slow page slows the reader,
 * nothing piles up in the agent.
 */
export async function followJournal(query: JournalQuery, stream: AgentStream): Promise<{ entries: number }> {
  const child = spawn('journalctl', journalArgs(query, true), {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LC_ALL: 'C.UTF-8', SYSTEMD_PAGER: '' },
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    if (stderr.length < 4096) stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'ENOENT' ? new GatehouseError('not-supported', 'journalctl is not installed on this host') : err),
    );
    child.once('close', (code) => resolve(code));
  });
  const stop = () => child.kill('SIGTERM');
  stream.signal.addEventListener('abort', stop, { once: true });
  let entries = 0;
  try {
    const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
    for await (const line of lines) {
      if (stream.signal.aborted) break;
      const entry = parseJournalLine(line);
      if (!entry) continue;
      await stream.write(Buffer.from(`${JSON.stringify(entry)}\n`, 'utf8'));
      entries += 1;
    }
    const code = await exited;
    if (!stream.signal.aborted && code !== 0 && code !== null) throw problemFromStderr('journalctl', stderr);
    return { entries };
  } finally {
    stream.signal.removeEventListener('abort', stop);
    if (child.exitCode === null) child.kill('SIGTERM');
  }
}
