/**
 * The agent's local policy (policy.json next to its identity), enforced by real agents whatever the console
 * asks: read-only agents change nothing, file roots hold against paths, `..` and symlinks, a module left out is
 * not served, and a policy file with a mistake stops the agent with a message naming the key.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, symlink, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/client.js';
import { enrollAgent, exitCodeWithin, type ExtraAgent } from '../support/agents.js';
import { startAgent, startTestConsole, waitFor, writePolicy, type TestConsole } from '../support/console.js';
import { newAgentKey, writeAgentIdentity } from '../support/frames.js';

let con: TestConsole;
let api: ApiClient;
let work: string;
let root: string;
let readOnly: ExtraAgent;
let rooted: ExtraAgent;
let processOnly: ExtraAgent;

function expectDenied(res: { status: number; body: any }, pattern?: RegExp): void {
  expect(res.status, JSON.stringify(res.body)).toBe(403);
  expect(res.body.error.code).toBe('policy-denied');
  if (pattern) expect(res.body.error.message).toMatch(pattern);
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'gh-policy-'));
  root = join(work, 'root');
  await mkdir(root);
  con = await startTestConsole();
  api = await ApiClient.forConsole(con.url, con.dataDir);
  await api.login();
  [readOnly, rooted, processOnly] = await Promise.all([
    enrollAgent(api, con.url, { name: 'read-only', policy: { readOnly: true } }),
    enrollAgent(api, con.url, { name: 'rooted', policy: { fileRoots: [root] } }),
    enrollAgent(api, con.url, { name: 'process-only', policy: { modules: ['process'] } }),
  ]);
});

afterAll(async () => {
  for (const agent of [readOnly, rooted, processOnly]) await agent?.stop();
  await con?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('readOnly: true', () => {
  it('refuses file.write with policy-denied and leaves the file alone', async () => {
    const path = join(work, 'untouchable.txt');
    await writeFile(path, 'original\n');
    const res = await api.call(readOnly.hostId, 'file', 'write', { path, content: 'changed\n' });
    expectDenied(res, /read-only/);
    expect(await readFile(path, 'utf8')).toBe('original\n');
    const upload = await api.post(`/api/hosts/${readOnly.hostId}/files/upload?directory=${encodeURIComponent(work)}&name=new.txt`, new Uint8Array(Buffer.from('x')));
    expect(upload.body.error?.code).toBe('policy-denied');
    await expect(readFile(join(work, 'new.txt'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses process.signal with policy-denied and the process lives on', async () => {
    const sleeper = spawn('sleep', ['4243'], { stdio: 'ignore' });
    try {
      const res = await api.call(readOnly.hostId, 'process', 'signal', { pid: sleeper.pid, signal: 'KILL' });
      expectDenied(res);
      expect(sleeper.exitCode).toBeNull();
      expect(sleeper.signalCode).toBeNull();
      expect(() => process.kill(sleeper.pid!, 0)).not.toThrow();
    } finally {
      sleeper.kill('SIGKILL');
    }
  });

  it('still serves reads: process.list and file.read work', async () => {
    const list = await api.call(readOnly.hostId, 'process', 'list');
    expect(list.status).toBe(200);
    expect(list.body.result.processes.some((p: { pid: number }) => p.pid === readOnly.agent.child.pid)).toBe(true);
    const path = join(work, 'untouchable.txt');
    const read = await api.call(readOnly.hostId, 'file', 'read', { path });
    expect(read.status).toBe(200);
  });

  it('shows the console the policy it enforces', async () => {
    const host = (await api.get(`/api/hosts/${readOnly.hostId}`)).body;
    expect(host.policy).toMatchObject({ readOnly: true });
  });
});

describe('fileRoots: [a temporary directory]', () => {
  it('reads a file inside the root', async () => {
    await writeFile(join(root, 'inside.txt'), 'inside\n');
    const res = await api.call(rooted.hostId, 'file', 'read', { path: join(root, 'inside.txt') });
    expect(res.status).toBe(200);
    expect(res.body.result.content).toBe('inside\n');
  });

  it('refuses /etc/hostname, by path, by climbing out with .., and by download', async () => {
    expectDenied(await api.call(rooted.hostId, 'file', 'read', { path: '/etc/hostname' }), /outside/);
    expectDenied(await api.call(rooted.hostId, 'file', 'read', { path: `${root}/../../../etc/hostname` }));
    expectDenied(await api.call(rooted.hostId, 'file', 'list', { path: '/etc' }));
    const download = await api.get(`/api/hosts/${rooted.hostId}/files/download?path=${encodeURIComponent('/etc/hostname')}`);
    expect(download.status).toBe(403);
    expect((download.body as any).error.code).toBe('policy-denied');
  });

  it('refuses a symlink inside the root that points to /etc/hostname, for reading and for writing through it', async () => {
    const link = join(root, 'hostname-link');
    await symlink('/etc/hostname', link);
    const before = await readFile('/etc/hostname', 'utf8');
    expectDenied(await api.call(rooted.hostId, 'file', 'read', { path: link }));
    expectDenied(await api.call(rooted.hostId, 'file', 'write', { path: link, content: 'pwned\n' }));
    expect(await readFile('/etc/hostname', 'utf8')).toBe(before);
    // Downloading through the link leaks nothing either.
    const download = await api.get(`/api/hosts/${rooted.hostId}/files/download?path=${encodeURIComponent(link)}`);
    const seen = Buffer.isBuffer(download.body) ? download.body.toString('utf8') : JSON.stringify(download.body);
    expect(seen).not.toContain(before.trim());
  });

  it('answers a download through that symlink with 403 policy-denied, not a successful empty file', async () => {
    const link = join(root, 'hostname-link-2');
    await symlink('/etc/hostname', link);
    const download = await api.get(`/api/hosts/${rooted.hostId}/files/download?path=${encodeURIComponent(link)}`);
    expect(download.status).toBe(403);
    expect((download.body as any).error?.code).toBe('policy-denied');
  });

  it('refuses a symlinked directory inside the root that leads out of it', async () => {
    await symlink('/etc', join(root, 'etc-link'));
    expectDenied(await api.call(rooted.hostId, 'file', 'read', { path: join(root, 'etc-link', 'hostname') }));
    expectDenied(await api.call(rooted.hostId, 'file', 'list', { path: join(root, 'etc-link') }));
  });
});

describe("modules: ['process']", () => {
  it('serves only the process module, and a file call answers policy-denied', async () => {
    const host = (await api.get(`/api/hosts/${processOnly.hostId}`)).body;
    expect(host.modules).toEqual(['process']);
    expectDenied(await api.call(processOnly.hostId, 'file', 'read', { path: '/etc/hostname' }), /file/);
    expect((await api.call(processOnly.hostId, 'process', 'list')).status).toBe(200);
  });
});

describe('a policy file with a mistake', () => {
  async function runWithPolicy(policy: string): Promise<{ code: number | null; output: string }> {
    const dataDir = await mkdtemp(join(tmpdir(), 'gh-agent-bad-policy-'));
    try {
      // An identity for a console nobody runs: if the agent wrongly accepted the policy it would keep retrying and
      // never exit, and the wait below would fail.
      await writeAgentIdentity(dataDir, { console: 'http://127.0.0.1:9', hostId: 'h_badpolicy' }, newAgentKey().privateKey);
      await writeFile(join(dataDir, 'policy.json'), policy);
      const agent = startAgent(dataDir);
      const code = await exitCodeWithin(agent, 'the agent with a bad policy');
      return { code, output: agent.output.join('\n') };
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }

  it('stops `gatehouse-agent run` with a non-zero exit and a message naming readOnly', async () => {
    const { code, output } = await runWithPolicy(JSON.stringify({ readOnly: 'yes' }));
    expect(code).not.toBe(0);
    expect(output).toMatch(/policy/);
    expect(output).toMatch(/readOnly/);
    expect(output).not.toMatch(/connected to console|disconnected/);
  });

  it('names the problem for a policy that is not JSON, an unknown module, a root that does not exist, and an unknown key', async () => {
    const notJson = await runWithPolicy('{ readOnly: true ');
    expect(notJson.code).not.toBe(0);
    expect(notJson.output).toMatch(/not valid JSON/);
    const unknownModule = await runWithPolicy(JSON.stringify({ modules: ['process', 'shell'] }));
    expect(unknownModule.code).not.toBe(0);
    expect(unknownModule.output).toMatch(/modules: unknown module "shell"/);
    const missingRoot = await runWithPolicy(JSON.stringify({ fileRoots: [join(work, 'no-such-dir')] }));
    expect(missingRoot.code).not.toBe(0);
    expect(missingRoot.output).toMatch(/fileRoots: .*does not exist/);
    const typo = await runWithPolicy(JSON.stringify({ readonly: true }));
    expect(typo.code).not.toBe(0);
    expect(typo.output).toMatch(/readonly/);
  });

  it('accepts the same keys when they are right (the control for the cases above)', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'gh-agent-good-policy-'));
    try {
      await writeAgentIdentity(dataDir, { console: 'http://127.0.0.1:9', hostId: 'h_goodpolicy' }, newAgentKey().privateKey);
      await writePolicy(dataDir, { readOnly: true, modules: ['process'], fileRoots: [work] });
      const agent = startAgent(dataDir);
      try {
        // It gets past the policy and starts dialling (and failing, as nothing listens there).
        await waitFor('the agent to start dialling', () => agent.output.some((l) => /will retry/.test(l)));
        expect(agent.output.join('\n')).toMatch(/readOnly=true/);
      } finally {
        await agent.stop();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
