/** A console with one enrolled agent, each its own process from dist/, for benchmarks. */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const dist = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface Stack {
  url: string;
  cookie: string;
  data: string;
  hostId: string;
  console: ChildProcess;
  agent: ChildProcess;
  stop(): Promise<void>;
}

export async function waitForLine(child: ChildProcess, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolveLine, reject) => {
    let buffer = '';
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString();
      const match = pattern.exec(buffer);
      if (match) resolveLine(match);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', () => reject(new Error(`exited before printing ${pattern}: ${buffer}`)));
  });
}

export async function startStack(): Promise<Stack> {
  const data = await mkdtemp(join(tmpdir(), 'gh-bench-'));
  const password = 'bench-password-123';
  const consoleProcess = spawn(process.execPath, [join(dist, 'console/server/cli.js'), '--data', data, '--port', '0'], {
    env: { ...process.env, GATEHOUSE_ADMIN_PASSWORD: password },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = (await waitForLine(consoleProcess, /Gatehouse console at (\S+)/))[1]!;
  const login = await fetch(`${url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  const token = (await (await fetch(`${url}/api/enrollment-tokens`, { method: 'POST', headers: { cookie, origin: new URL(url).origin, 'content-type': 'application/json' }, body: '{"autoApprove":true}' })).json()) as { token: string };
  const agentData = join(data, 'agent');
  await run(process.execPath, [join(dist, 'agent/cli.js'), 'enroll', '--console', url, '--token', token.token, '--data', agentData]);
  const { hostId } = JSON.parse(await readFile(join(agentData, 'identity.json'), 'utf8')) as { hostId: string };
  const agent = spawn(process.execPath, [join(dist, 'agent/cli.js'), 'run', '--data', agentData], { stdio: ['ignore', 'pipe', 'pipe'] });
  await waitForLine(agent, /connected to console/);
  return {
    url,
    cookie,
    data,
    hostId,
    console: consoleProcess,
    agent,
    stop: async () => {
      agent.kill();
      consoleProcess.kill();
      await Promise.all([new Promise((r) => agent.once('exit', r)), new Promise((r) => consoleProcess.once('exit', r))]);
      await rm(data, { recursive: true, force: true });
    },
  };
}
