/** More real agents for a console that is already running, and small process helpers. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiClient } from './client.js';
import { agentCli, startAgent, startProcess, writePolicy, type TestProcess } from './console.js';
import { waitUntilOnline } from './fleet.js';

export interface ExtraAgent {
  hostId: string;
  agentData: string;
  agent: TestProcess;
  /** Start the agent again on the same identity (after it stopped or was stopped). */
  restart(): TestProcess;
  stop(): Promise<void>;
}

/** Enroll one more agent with an auto-approved token, optionally with a local policy, start it and wait until it is online. */
export async function enrollAgent(api: ApiClient, consoleUrl: string, options: { name: string; policy?: unknown }): Promise<ExtraAgent> {
  const agentData = await mkdtemp(join(tmpdir(), 'gh-agent-'));
  const enrolled = await enrollCommand(consoleUrl, await api.enrollmentToken({ autoApprove: true }), agentData, options.name);
  if (enrolled.code !== 0) throw new Error(`enroll failed: ${enrolled.output}`);
  if (options.policy !== undefined) await writePolicy(agentData, options.policy);
  const { hostId } = JSON.parse(await readFile(join(agentData, 'identity.json'), 'utf8')) as { hostId: string };
  const handle: ExtraAgent = {
    hostId,
    agentData,
    agent: startAgent(agentData),
    restart: () => {
      handle.agent = startAgent(agentData);
      return handle.agent;
    },
    stop: async () => {
      await handle.agent.stop();
      await rm(agentData, { recursive: true, force: true });
    },
  };
  await waitUntilOnline(api, hostId);
  return handle;
}

/**
 * Resolves once the process has exited and its stdout and stderr are drained, so `output` holds every line it
 * wrote ('exit' can come before the last lines have been read from the pipes).
 */
export async function drained(proc: TestProcess): Promise<number | null> {
  const code = await proc.exited;
  const { stdout, stderr } = proc.child;
  await Promise.all(
    [stdout, stderr].map((stream) => (stream && !stream.closed ? new Promise((r) => stream.once('close', r)) : undefined)),
  );
  return code;
}

/** The exit code of a process that should end by itself; fails (and kills it) if it does not within the time. */
export async function exitCodeWithin(proc: TestProcess, what: string, timeoutMs = 15_000): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what} to exit; output:\n${proc.output.join('\n')}`)), timeoutMs);
  });
  try {
    return await Promise.race([drained(proc), timeout]);
  } finally {
    clearTimeout(timer);
    await proc.stop();
  }
}

/** `gatehouse-agent enroll` to completion, with all of its output (see drained). */
export async function enrollCommand(consoleUrl: string, token: string, dataDir: string, name: string): Promise<{ code: number | null; output: string }> {
  const proc = startProcess([agentCli, 'enroll', '--console', consoleUrl, '--token', token, '--data', dataDir, '--name', name]);
  const code = await exitCodeWithin(proc, 'gatehouse-agent enroll', 30_000);
  return { code, output: proc.output.join('\n') };
}

export function isRunning(proc: TestProcess): boolean {
  return proc.child.exitCode === null && proc.child.signalCode === null;
}
