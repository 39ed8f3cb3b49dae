/**
 * Enrollment against a real console with the real `gatehouse-agent` (SECURITY.md rules 7 and 8): a token works
 * once, a revoked token not at all, a host can be made to wait for approval, a revoked host's agent stops by
 * itself and stays out, token secrets are never shown again, and the identity on disk is private.
 */
import { createHash, createPrivateKey } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/client.js';
import { enrollCommand, exitCodeWithin, isRunning } from '../support/agents.js';
import { startAgent, startTestConsole, type TestConsole, type TestProcess } from '../support/console.js';
import { waitUntilOnline } from '../support/fleet.js';
import { FrameSocket, authFrameFor, signAuth, socketUrl } from '../support/frames.js';

let con: TestConsole;
let api: ApiClient;
let work: string;
const agents: TestProcess[] = [];
/** Every token this file issued, to check none of them ever comes back from the API. */
const issued: string[] = [];

async function issueToken(options: { autoApprove?: boolean; ttlMinutes?: number; note?: string } = { autoApprove: true }) {
  const res = await api.post('/api/enrollment-tokens', options);
  expect(res.status).toBe(201);
  issued.push(res.body.token);
  return res.body as { id: string; token: string; expiresAt: string; command: string };
}

async function hostIdIn(dataDir: string): Promise<string> {
  return (JSON.parse(await readFile(join(dataDir, 'identity.json'), 'utf8')) as { hostId: string }).hostId;
}

function agentIn(dataDir: string): TestProcess {
  const agent = startAgent(dataDir);
  agents.push(agent);
  return agent;
}

beforeAll(async () => {
  con = await startTestConsole();
  api = await ApiClient.forConsole(con.url, con.dataDir);
  await api.login();
  work = await mkdtemp(join(tmpdir(), 'gh-enroll-'));
});

afterAll(async () => {
  for (const agent of agents) await agent.stop();
  await con?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('tokens', () => {
  it('enroll with a token once; a second use fails with a clear message and a non-zero exit, and enrolls nothing', async () => {
    const token = await issueToken({ autoApprove: true, note: 'pump station 7' });
    const first = await enrollCommand(con.url, token.token, join(work, 'once'), 'pump-station-7');
    expect(first.code, first.output).toBe(0);
    expect(first.output).toMatch(/Enrolled as "pump-station-7"/);
    const hostId = await hostIdIn(join(work, 'once'));
    const hostsBefore = (await api.get('/api/hosts')).body.length;

    const second = await enrollCommand(con.url, token.token, join(work, 'twice'), 'copycat');
    expect(second.code).not.toBe(0);
    expect(second.output).toMatch(/enrollment token is unknown, used, revoked or expired/);
    await expect(stat(join(work, 'twice', 'identity.json'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await api.get('/api/hosts')).body).toHaveLength(hostsBefore);

    const tokens = (await api.get('/api/enrollment-tokens')).body;
    expect(tokens.find((t: { id: string }) => t.id === token.id)).toMatchObject({ state: 'used', usedByHost: hostId, note: 'pump station 7' });
  });

  it('hands out the exact command to run, naming the address the console listens on', async () => {
    const token = await issueToken({ autoApprove: true });
    expect(token.command).toBe(`gatehouse-agent enroll --console ${con.url} --token ${token.token}`);
  });

  it('refuses a revoked token', async () => {
    const token = await issueToken({ autoApprove: true });
    expect((await api.request('DELETE', `/api/enrollment-tokens/${token.id}`)).status).toBe(204);
    const hostsBefore = (await api.get('/api/hosts')).body.length;
    const result = await enrollCommand(con.url, token.token, join(work, 'revoked-token'), 'too-late');
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/unknown, used, revoked or expired/);
    expect((await api.get('/api/hosts')).body).toHaveLength(hostsBefore);
    const tokens = (await api.get('/api/enrollment-tokens')).body;
    expect(tokens.find((t: { id: string }) => t.id === token.id)).toMatchObject({ state: 'revoked', usedAt: null });
  });

  it('refuses a token that was never issued, without revealing whether its id exists', async () => {
    const real = await issueToken({ autoApprove: true });
    const forged = `ghe_${real.id}_${'A'.repeat(43)}`;
    expect(forged).not.toBe(real.token);
    const result = await enrollCommand(con.url, forged, join(work, 'forged'), 'forger');
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/unknown, used, revoked or expired/);
    // The real token still works: a wrong guess does not burn it.
    const ok = await enrollCommand(con.url, real.token, join(work, 'after-forgery'), 'after-forgery');
    expect(ok.code, ok.output).toBe(0);
  });

  it('never shows a token secret again in the token list', async () => {
    const res = await api.get('/api/enrollment-tokens');
    expect(res.status).toBe(200);
    const text = JSON.stringify(res.body);
    expect(issued.length).toBeGreaterThanOrEqual(3);
    for (const token of issued) {
      const secret = token.split('_').slice(2).join('_');
      expect(text).not.toContain(secret);
      expect(text).not.toContain(createHash('sha256').update(secret).digest('hex'));
    }
    for (const entry of res.body) {
      expect(Object.keys(entry)).not.toContain('token');
      expect(Object.keys(entry)).not.toContain('secretHash');
    }
  });
});

describe('the enrolled host', () => {
  it('appears in the host list under the name it enrolled with; markup in a name is stripped', async () => {
    const named = await enrollCommand(con.url, (await issueToken()).token, join(work, 'named'), 'clearwell-pumps');
    expect(named.code, named.output).toBe(0);
    const id = await hostIdIn(join(work, 'named'));
    expect(named.output).toContain(`Enrolled as "clearwell-pumps" (${id})`);
    const hosts = (await api.get('/api/hosts')).body;
    expect(hosts.find((h: { id: string }) => h.id === id)).toMatchObject({
      name: 'clearwell-pumps',
      state: 'approved',
    });

    const token = await issueToken({ autoApprove: true });
    const result = await enrollCommand(con.url, token.token, join(work, 'markup'), '<img src=x onerror=alert(1)>gw');
    expect(result.code, result.output).toBe(0);
    const host = (await api.get(`/api/hosts/${await hostIdIn(join(work, 'markup'))}`)).body;
    expect(host.name).not.toMatch(/[<>()=]/);
    expect(host.name).toMatch(/gw$/);
  });

  it('keeps the identity private: files 0600 in a 0700 directory, even when the directory was open before', async () => {
    const dataDir = join(work, 'private');
    await mkdir(dataDir, { mode: 0o755 });
    await chmod(dataDir, 0o755);
    const result = await enrollCommand(con.url, (await issueToken()).token, dataDir, 'private');
    expect(result.code, result.output).toBe(0);
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dataDir, 'identity.json'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dataDir, 'agent-key.pem'))).mode & 0o777).toBe(0o600);
    const identity = JSON.parse(await readFile(join(dataDir, 'identity.json'), 'utf8'));
    expect(identity).toMatchObject({ console: new URL(con.url).origin, name: 'private', certFingerprint: '', certPem: '' });
    expect(JSON.stringify(identity)).not.toMatch(/ghe_/);
  });
});

describe('approval and revocation', () => {
  let dataDir: string;
  let hostId: string;

  it('a host enrolled with a non-auto-approve token is pending: online, but calls answer 409 host-pending', async () => {
    dataDir = join(work, 'pending');
    const result = await enrollCommand(con.url, (await issueToken({ autoApprove: false })).token, dataDir, 'awaiting-approval');
    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(/administrator must approve/);
    hostId = await hostIdIn(dataDir);
    expect((await api.get(`/api/hosts/${hostId}`)).body).toMatchObject({ name: 'awaiting-approval', state: 'pending' });

    agentIn(dataDir);
    await waitUntilOnline(api, hostId);
    const call = await api.call(hostId, 'process', 'list');
    expect(call.status).toBe(409);
    expect(call.body.error.code).toBe('host-pending');
    expect(call.body.error.message).toMatch(/awaiting-approval/);
  });

  it('after approval the same agent answers calls', async () => {
    const approved = await api.post(`/api/hosts/${hostId}/approve`);
    expect(approved.status).toBe(200);
    expect(approved.body.state).toBe('approved');
    const call = await api.call(hostId, 'process', 'list');
    expect(call.status).toBe(200);
    expect(call.body.result.processes.length).toBeGreaterThan(0);
  });

  it('revoking the host makes its agent exit with code 3 by itself, and it stays out', async () => {
    const running = agents.at(-1)!;
    const revoked = await api.post(`/api/hosts/${hostId}/revoke`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.state).toBe('revoked');
    expect(await exitCodeWithin(running, 'the revoked agent')).toBe(3);
    expect(running.output.join('\n')).toMatch(/revoked/);
    await waitUntilOnline(api, hostId, false);

    const call = await api.call(hostId, 'process', 'list');
    expect(call.status).toBe(409);
    expect(call.body.error.code).toBe('host-revoked');

    // Started again, it is refused again and stops again.
    const again = agentIn(dataDir);
    expect(await exitCodeWithin(again, 'the revoked agent, started again')).toBe(3);
    expect((await api.get(`/api/hosts/${hostId}`)).body).toMatchObject({ online: false, state: 'revoked' });
  });

  it('refuses a correctly signed handshake with the revoked key with host-revoked', async () => {
    const privateKey = createPrivateKey(await readFile(join(dataDir, 'agent-key.pem'), 'utf8'));
    const socket = await FrameSocket.open(socketUrl(con.url, '/agent'));
    try {
      const hello = await socket.frame('hello');
      socket.sendJson(authFrameFor(hostId, signAuth(privateKey, hello.nonce, hostId)));
      const error = await socket.frame('error');
      expect(error.code).toBe('host-revoked');
      await socket.closed;
    } finally {
      socket.close();
    }
    expect((await api.get(`/api/hosts/${hostId}`)).body.online).toBe(false);
  });

  it('an approved host is not disturbed by any of this', async () => {
    const dataDir2 = join(work, 'bystander');
    const result = await enrollCommand(con.url, (await issueToken()).token, dataDir2, 'bystander');
    expect(result.code, result.output).toBe(0);
    const bystander = agentIn(dataDir2);
    const id = await hostIdIn(dataDir2);
    await waitUntilOnline(api, id);
    expect((await api.call(id, 'process', 'list')).status).toBe(200);
    expect(isRunning(bystander)).toBe(true);
  });
});
