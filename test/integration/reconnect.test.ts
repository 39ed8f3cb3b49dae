/**
 * Losing a peer, with real processes: a console killed outright and started again on its data and port is found
 * again by the agent on its own; a call or a download in flight when the agent dies ends with an answer instead
 * of hanging.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRunning } from '../support/agents.js';
import { startAgent, startTestConsole, waitFor, type TestConsole, type TestProcess } from '../support/console.js';
import { startFleet, waitUntilOnline, type Fleet } from '../support/fleet.js';

let fleet: Fleet;
let work: string;
let second: TestConsole | undefined;
const agents: TestProcess[] = [];

/** The newest audit id, so a test can wait for entries written after it. */
async function newestAuditId(): Promise<number> {
  const res = await fleet.api.get('/api/audit?limit=1');
  return res.body.entries[0]?.id ?? 0;
}

function startTrackedAgent(): TestProcess {
  const agent = startAgent(fleet.agentData);
  agents.push(agent);
  return agent;
}

beforeAll(async () => {
  fleet = await startFleet({ name: 'survivor' });
  work = await mkdtemp(join(tmpdir(), 'gh-reconnect-'));
});

afterAll(async () => {
  for (const agent of agents) await agent.stop();
  await second?.stop();
  await fleet?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the console dies', () => {
  it('after SIGKILL and a restart on the same data and port, the agent reconnects by itself and calls work again', async () => {
    const port = Number(new URL(fleet.console.url).port);
    const agentPid = fleet.agent.child.pid;
    fleet.console.process.child.kill('SIGKILL');
    await fleet.console.process.exited;
    await waitFor('the agent to notice', () => fleet.agent.output.some((l) => /disconnected from console/.test(l)));

    second = await startTestConsole({ dataDir: fleet.console.dataDir, port });
    expect(second.url).toBe(fleet.console.url);
    // The session lives in the console's database, so the same cookie still works after the restart.
    expect((await fleet.api.get('/api/session')).status).toBe(200);
    await waitFor(
      'the agent to reconnect within its backoff',
      async () => (await fleet.api.get(`/api/hosts/${fleet.hostId}`)).body.online === true,
      30_000,
    );
    expect(isRunning(fleet.agent)).toBe(true);
    expect(fleet.agent.child.pid).toBe(agentPid);
    // The same process, connected a second time (its log line may trail the console's view by a moment).
    await waitFor('the agent to log its second connection', () => fleet.agent.output.filter((l) => /connected to console /.test(l)).length === 2);

    const list = await fleet.api.call(fleet.hostId, 'process', 'list');
    expect(list.status).toBe(200);
    expect(list.body.result.processes.some((p: { pid: number }) => p.pid === agentPid)).toBe(true);
  }, 45_000);
});

describe('the agent dies', () => {
  it('a call in flight when the agent is killed answers 503 host-offline instead of hanging', async () => {
    const agent = fleet.agent;
    const since = await newestAuditId();
    // Freeze the agent so the call is certainly still unanswered when it dies.
    agent.child.kill('SIGSTOP');
    const pending = fleet.api.call(fleet.hostId, 'file', 'stat', { path: '/etc/hostname' });
    await waitFor('the call to be relayed', async () => {
      const res = await fleet.api.get(`/api/audit?action=file.stat&host=${fleet.hostId}`);
      return res.body.entries.some((e: { id: number; phase: string }) => e.id > since && e.phase === 'requested');
    });
    agent.child.kill('SIGKILL');
    const res = await pending;
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('host-offline');
    expect(res.body.error.message).toMatch(/offline/);
    const audit = await fleet.api.get(`/api/audit?action=file.stat&host=${fleet.hostId}`);
    expect(audit.body.entries[0]).toMatchObject({ phase: 'completed', result: 'host-offline' });
    await waitUntilOnline(fleet.api, fleet.hostId, false);
  });

  it('a call to the host while it is offline answers 503 host-offline at once, and works again when it is back', async () => {
    const offline = await fleet.api.call(fleet.hostId, 'process', 'list');
    expect(offline.status).toBe(503);
    expect(offline.body.error.code).toBe('host-offline');
    const agent = startTrackedAgent();
    await waitUntilOnline(fleet.api, fleet.hostId);
    expect((await fleet.api.call(fleet.hostId, 'process', 'list')).status).toBe(200);
    await agent.stop();
    await waitUntilOnline(fleet.api, fleet.hostId, false);
  });

  /** Start a download, read its first bytes, kill the agent, and read on: what does the browser end up with? */
  async function downloadAndKillAgent(path: string): Promise<{ received: number; contentLength: string | null; failed: unknown }> {
    const agent = startTrackedAgent();
    await waitUntilOnline(fleet.api, fleet.hostId);
    const res = await undiciFetch(new URL(`/api/hosts/${fleet.hostId}/files/download?path=${encodeURIComponent(path)}`, fleet.api.base), {
      headers: { cookie: fleet.api.cookie },
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let received = (await reader.read()).value?.byteLength ?? 0;
    // Credit keeps the agent at most a window ahead of this reader, so it cannot have sent the whole file yet.
    agent.child.kill('SIGKILL');
    let failed: unknown;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        received += value.byteLength;
      }
    } catch (err) {
      failed = err;
    }
    await waitUntilOnline(fleet.api, fleet.hostId, false);
    return { received, contentLength: res.headers.get('content-length'), failed };
  }

  it('a download in flight when the agent is killed fails in the browser instead of completing short', async () => {
    const size = 16 * 1024 * 1024;
    const path = join(work, 'big.bin');
    await writeFile(path, randomBytes(size));
    const outcome = await downloadAndKillAgent(path);
    expect(Number(outcome.contentLength)).toBe(size);
    expect(outcome.received).toBeLessThan(size);
    expect(outcome.failed).toBeDefined();
    const audit = await fleet.api.get(`/api/audit?action=file.download&host=${fleet.hostId}`);
    expect(audit.body.entries[0]).toMatchObject({ phase: 'completed' });
    expect(audit.body.entries[0].result).not.toBe('ok');
  });

  it('a download without a Content-Length (through a symlink) also fails visibly when the agent is killed', async () => {
    const size = 16 * 1024 * 1024;
    const target = join(work, 'big-target.bin');
    await writeFile(target, randomBytes(size));
    await symlink(target, join(work, 'big-link.bin'));
    const outcome = await downloadAndKillAgent(join(work, 'big-link.bin'));
    expect(outcome.contentLength).toBeNull();
    expect(outcome.received).toBeLessThan(size);
    // Without a length, only a cut connection tells the browser the file is incomplete; a clean end says "done".
    expect(outcome.failed, `the response ended cleanly after ${outcome.received} of ${size} bytes`).toBeDefined();
  });
});
