/** A console with one enrolled, running agent: the usual starting point of an integration test. */
import { mkdtemp, rm, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient } from './client.js';
import { runEnroll, startAgent, startTestConsole, waitFor, writePolicy, type ConsoleOptions, type TestConsole, type TestProcess } from './console.js';

export interface Fleet {
  console: TestConsole;
  api: ApiClient;
  hostId: string;
  agentData: string;
  agent: TestProcess;
  stop(): Promise<void>;
}

export interface FleetOptions extends ConsoleOptions {
  policy?: unknown;
  name?: string;
}

export async function startFleet(options: FleetOptions = {}): Promise<Fleet> {
  const console = await startTestConsole(options);
  const api = await ApiClient.forConsole(console.url, console.dataDir);
  await api.login();
  const agentData = await mkdtemp(join(tmpdir(), 'gh-agent-'));
  const enrolled = await runEnroll(console.url, await api.enrollmentToken({ autoApprove: true }), agentData, options.name ?? 'test-host');
  if (enrolled.code !== 0) throw new Error(`enroll failed: ${enrolled.output}`);
  if (options.policy) await writePolicy(agentData, options.policy);
  const { hostId } = JSON.parse(await readFile(join(agentData, 'identity.json'), 'utf8')) as { hostId: string };
  const agent = startAgent(agentData);
  await waitUntilOnline(api, hostId);
  return {
    console,
    api,
    hostId,
    agentData,
    agent,
    stop: async () => {
      await agent.stop();
      await console.stop();
      await rm(agentData, { recursive: true, force: true });
    },
  };
}

export async function waitUntilOnline(api: ApiClient, hostId: string, online = true): Promise<void> {
  await waitFor(`host ${hostId} to be ${online ? 'online' : 'offline'}`, async () => {
    const res = await api.get(`/api/hosts/${hostId}`);
    return res.status === 200 && res.body.online === online;
  });
}
