/**
 * Hosts without an agent, against a real OpenSSH sshd on a loopback port (test/support/sshd.ts): reading and
 * pinning the host key, registering with a private key (sealed at rest), the terminal over SSH with its
 * recording and audit, refusal after the host key changes and trusting the new key on purpose, and the hostile
 * inputs. The shells run as the current user (root) in a throwaway sshd; each unsets HISTFILE first.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../console/server/auth/passwords.js';
import { newEd25519KeyPair } from '../../console/server/ssh/ssh-hosts.js';
import { openSqliteStorage } from '../../console/server/storage/sqlite.js';
import type { RoleId } from '../../console/server/storage/types.js';
import { ApiClient } from '../support/client.js';
import { startTestConsole, waitFor, type TestConsole } from '../support/console.js';
import { freePort, startSshd, type TestSshd } from '../support/sshd.js';
import { TerminalClient } from '../support/terminal.js';


const promptSetup = " unset HISTFILE; PS1='gh-$((1+1))-ready '\r";
const prompt = /gh-2-ready /;

let sshd: TestSshd;
let consoleUnderTest: TestConsole;
let api: ApiClient;
let hostId: string;

async function userWithRole(username: string, role: RoleId): Promise<ApiClient> {
  const storage = await openSqliteStorage(join(consoleUnderTest.dataDir, 'gatehouse.db'));
  try {
    await storage.createUser({ id: randomUUID(), username, role, passwordHash: await hashPassword('a-long-enough-test-password') });
  } finally {
    await storage.close();
  }
  const client = new ApiClient(consoleUnderTest.url);
  await client.login(username, 'a-long-enough-test-password');
  return client;
}

function registration(overrides: Record<string, unknown> = {}) {
  return {
    name: 'edge-router',
    address: '127.0.0.1',
    port: sshd.port,
    username: sshd.username,
    hostKeyFingerprint: sshd.hostKeyFingerprint,
    auth: { kind: 'key', privateKey: sshd.clientPrivateKey },
    ...overrides,
  };
}

async function auditEntries(action: string): Promise<any[]> {
  const res = await api.get(`/api/audit?action=${encodeURIComponent(action)}&limit=50`);
  expect(res.status).toBe(200);
  return res.body.entries;
}

beforeAll(async () => {
  [sshd, consoleUnderTest] = await Promise.all([startSshd(), startTestConsole()]);
  api = new ApiClient(consoleUnderTest.url);
  await api.login();
});

afterAll(async () => {
  await Promise.all([sshd?.stop(), consoleUnderTest?.stop()]);
});

describe('registering a host over SSH', () => {
  it('shows the key the server presents, as ssh-keygen prints it', async () => {
    const res = await api.post('/api/ssh/scan', { address: '127.0.0.1', port: sshd.port });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ hostKeyFingerprint: sshd.hostKeyFingerprint, hostKeyType: 'ssh-ed25519' });
  });

  it('refuses to register when the server presents another key than the one the admin accepted, and keeps nothing', async () => {
    const res = await api.post('/api/ssh-hosts', registration({ hostKeyFingerprint: `SHA256:${'A'.repeat(43)}` }));
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('host-key-changed');
    expect(res.body.error.message).toContain(sshd.hostKeyFingerprint);
    const hosts = (await api.get('/api/hosts')).body as any[];
    expect(hosts.filter((h) => h.connection === 'ssh')).toEqual([]);
    expect((await auditEntries('ssh.register'))[0]).toMatchObject({ result: 'host-key-changed' });
  });

  it('registers with a private key, pins the host key and lists the host as an SSH host offering a terminal', async () => {
    const res = await api.post('/api/ssh-hosts', registration());
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const host = res.body.host;
    hostId = host.id;
    expect(host).toMatchObject({
      name: 'edge-router',
      connection: 'ssh',
      state: 'approved',
      modules: ['terminal'],
      ssh: { address: '127.0.0.1', port: sshd.port, username: sshd.username, hostKeyFingerprint: sshd.hostKeyFingerprint, hostKeyType: 'ssh-ed25519', registeredBy: 'admin' },
    });
    // The public half is shown, so an admin can find the console's key in authorized_keys.
    expect(host.ssh.clientPublicKey.split(' ').slice(0, 2)).toEqual(sshd.clientPublicKey.split(' ').slice(0, 2));
    const listed = ((await api.get('/api/hosts')).body as any[]).find((h) => h.id === hostId);
    expect(listed).toMatchObject({ connection: 'ssh', online: false });
    expect((await auditEntries('ssh.register'))[0]).toMatchObject({ result: 'ok', hostId });
  });

  it('keeps the private key only sealed: neither the database nor the audit log holds it', async () => {
    const keyBody = sshd.clientPrivateKey.split('\n').slice(1, -2).join('');
    expect(keyBody.length).toBeGreaterThan(100);
    const database = await readFile(join(consoleUnderTest.dataDir, 'gatehouse.db'));
    expect(database.includes(keyBody.slice(0, 60))).toBe(false);
    expect(JSON.stringify(await api.get(`/api/hosts/${hostId}`))).not.toContain(keyBody.slice(0, 60));
    expect((await readFile(join(consoleUnderTest.dataDir, 'master.key'))).length).toBe(32);
  });

  it('refuses a second registration of the same login with 409 exists', async () => {
    const res = await api.post('/api/ssh-hosts', registration({ name: 'again' }));
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('exists');
  });

  it('names what is wrong with bad input, before connecting anywhere', async () => {
    const cases: Array<[Record<string, unknown>, number, string, RegExp]> = [
      [{ username: 'root; rm -rf /' }, 400, 'invalid-params', /username/],
      [{ username: '$(reboot)' }, 400, 'invalid-params', /username/],
      [{ port: 0 }, 400, 'invalid-params', /port/],
      [{ port: 70000 }, 400, 'invalid-params', /port/],
      [{ address: '' }, 400, 'invalid-params', /address/],
      [{ name: '' }, 400, 'invalid-params', /name/],
      [{ hostKeyFingerprint: 'MD5:aa:bb' }, 400, 'invalid-params', /hostKeyFingerprint/],
      [{ auth: { kind: 'key', privateKey: 'not a key at all' } }, 400, 'invalid-params', /privateKey/],
      [{ auth: { kind: 'key', privateKey: sshd.clientPublicKey } }, 400, 'invalid-params', /privateKey/],
      [{ auth: { kind: 'key', privateKey: 'x'.repeat(20_000) } }, 400, 'invalid-params', /privateKey/],
      [{ auth: { kind: 'token', value: 'x' } }, 400, 'invalid-params', /auth/],
      [{ auth: undefined }, 400, 'invalid-params', /auth/],
    ];
    for (const [change, status, code, message] of cases) {
      const res = await api.post('/api/ssh-hosts', registration({ name: `bad-${randomUUID().slice(0, 6)}`, ...change }));
      expect(res.status, JSON.stringify(change).slice(0, 80)).toBe(status);
      expect(res.body.error.code).toBe(code);
      expect(res.body.error.message).toMatch(message);
    }
    const notJson = await api.request('POST', '/api/ssh-hosts', '{"name": ', { 'content-type': 'application/json' });
    expect(notJson.status).toBe(400);
  });

  it('says when the server refuses the key, and when nothing answers', async () => {
    const stranger = newEd25519KeyPair('stranger');
    const refused = await api.post('/api/ssh-hosts', registration({ name: 'stranger', username: 'nobody', auth: { kind: 'key', privateKey: stranger.private } }));
    expect(refused.status, JSON.stringify(refused.body)).toBe(422);
    expect(refused.body.error.code).toBe('ssh-auth-failed');
    const closedPort = await freePort();
    const nothing = await api.post('/api/ssh-hosts', registration({ name: 'nothing', port: closedPort, hostKeyFingerprint: undefined }));
    expect(nothing.status).toBe(502);
    expect(nothing.body.error.code).toBe('unreachable');
    const scan = await api.post('/api/ssh/scan', { address: '127.0.0.1', port: closedPort });
    expect(scan.status).toBe(502);
  });

  it('is for administrators only', async () => {
    const operator = await userWithRole('sam-operator', 'system-operator');
    expect((await operator.post('/api/ssh/scan', { address: '127.0.0.1', port: sshd.port })).status).toBe(403);
    expect((await operator.post('/api/ssh-hosts', registration({ name: 'sneaky' }))).status).toBe(403);
    expect((await operator.post(`/api/hosts/${hostId}/ssh/install-agent`)).status).toBe(403);
    expect((await operator.request('DELETE', `/api/ssh-hosts/${hostId}`)).status).toBe(403);
    const session = (await operator.get('/api/session')).body;
    expect(session.user?.permissions ?? session.permissions).not.toContain('ssh.manage');
  });

  it('renames and tags a host (administrators), refusing bad tags whole', async () => {
    const tagged = await api.request('PATCH', `/api/hosts/${hostId}`, { tags: ['field-gateway', 'plant-north', 'field-gateway'] });
    expect(tagged.status, JSON.stringify(tagged.body)).toBe(200);
    expect(tagged.body.tags).toEqual(['field-gateway', 'plant-north']);
    for (const tags of [['Field Gateway'], ['<script>'], ['a'.repeat(33)], Array.from({ length: 21 }, (_, n) => `t${n}`), 'field-gateway']) {
      const res = await api.request('PATCH', `/api/hosts/${hostId}`, { tags });
      expect(res.status, JSON.stringify(tags).slice(0, 40)).toBe(400);
      expect(res.body.error.code).toBe('invalid-params');
    }
    expect((await api.request('PATCH', `/api/hosts/${hostId}`, {})).status).toBe(400);
    const renamed = await api.request('PATCH', `/api/hosts/${hostId}`, { name: 'edge-router', tags: ['plant-north'] });
    expect(renamed.body).toMatchObject({ name: 'edge-router', tags: ['plant-north'] });
    expect((await auditEntries('host.tag'))[0].detail).toBe('[field-gateway, plant-north] → [plant-north]');
    const viewer = await userWithRole('vera-viewer', 'viewer');
    expect((await viewer.request('PATCH', `/api/hosts/${hostId}`, { tags: [] })).status).toBe(403);
  });

  it('answers module calls for a host without an agent with not-supported', async () => {
    const res = await api.call(hostId, 'process', 'list');
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('not-supported');
    expect(res.body.error.message).toMatch(/install the agent/);
  });
});

describe('the terminal over SSH', () => {
  it('runs a login shell as the registered user, resizes, and is recorded and audited', async () => {
    const terminal = await TerminalClient.open(consoleUnderTest.url, hostId, api, { cols: 100, rows: 30 });
    const attached = await terminal.message('attached');
    expect(attached).toMatchObject({ restored: false, unixUser: sshd.username, cols: 100, rows: 30 });
    const recording = await terminal.message('recording');
    terminal.type(promptSetup);
    await terminal.output(prompt);
    let at = terminal.position;
    terminal.type('echo "answer=$((6*7))" 中文\r');
    await terminal.output(/answer=42 中文/, at);
    at = terminal.position;
    terminal.resize(132, 43);
    await new Promise((r) => setTimeout(r, 200));
    terminal.type('stty size\r');
    await terminal.output(/43 132/, at);
    at = terminal.position;
    terminal.type('exit\r');
    const ended = await terminal.message('ended');
    expect(ended).toMatchObject({ detached: false, exitCode: 0 });
    await terminal.closed;

    const done = await waitFor('the recording to be finished', async () => {
      const res = await api.get(`/api/recordings/${recording.recordingId}`);
      return res.status === 200 && res.body.state !== 'recording' && res.body;
    });
    expect(done).toMatchObject({ hostId, hostName: 'edge-router', unixUser: sshd.username, state: 'complete' });
    const cast = ((await api.get(`/api/recordings/${recording.recordingId}/cast`)).body as Buffer).toString('utf8');
    expect(cast).toContain('answer=42');
    expect(cast).toContain('"r","132x43"');
    const entries = await auditEntries('terminal.session');
    const completed = entries.find((e) => e.hostId === hostId && e.phase === 'completed');
    const requested = entries.find((e) => e.hostId === hostId && e.phase === 'requested');
    expect(requested.detail).toMatch(/over SSH as .*@127\.0\.0\.1/);
    expect(completed).toMatchObject({ result: 'ok' });
    expect(completed.detail).toMatch(/exited \(code 0\)/);
  });

  it('closes the SSH shell when the browser leaves (it cannot be re-attached), and says so when asked to', async () => {
    const terminal = await TerminalClient.open(consoleUnderTest.url, hostId, api);
    await terminal.message('attached');
    terminal.close();
    await terminal.closed;
    const reattach = await TerminalClient.open(consoleUnderTest.url, hostId, api, { session: 't_aaaaaaaaaaaaaaaa' });
    expect(await reattach.message('error')).toMatchObject({ code: 'not-supported' });
    expect((await reattach.closed).code).toBe(4422);
    const otherUser = await TerminalClient.open(consoleUnderTest.url, hostId, api, { user: 'postgres' });
    expect(await otherUser.message('error')).toMatchObject({ code: 'invalid-params' });
  });

  it('refuses a changed host key with a clear error, and works again once an admin trusts the new key', async () => {
    const old = sshd.hostKeyFingerprint;
    const replaced = await sshd.replaceHostKey();
    expect(replaced).not.toBe(old);

    const refused = await TerminalClient.open(consoleUnderTest.url, hostId, api);
    const error = await refused.message('error');
    expect(error.code).toBe('host-key-changed');
    expect(error.message).toContain(replaced);
    expect(error.message).toContain(old);
    expect((await refused.closed).code).toBe(4409);
    // The completed entry is written as the refused session ends, just after the socket closes.
    await waitFor('the refusal in the audit log', async () =>
      (await auditEntries('terminal.session')).find((e) => e.hostId === hostId && e.phase === 'completed' && e.result === 'host-key-changed'),
    );

    // Trusting a key other than the one presented is refused; the pin stays.
    const wrong = await api.post(`/api/hosts/${hostId}/ssh/host-key`, { hostKeyFingerprint: old });
    expect(wrong.status).toBe(409);
    expect((await api.get(`/api/hosts/${hostId}`)).body.ssh.hostKeyFingerprint).toBe(old);

    const scanned = await api.post('/api/ssh/scan', { address: '127.0.0.1', port: sshd.port });
    expect(scanned.body.hostKeyFingerprint).toBe(replaced);
    const trusted = await api.post(`/api/hosts/${hostId}/ssh/host-key`, { hostKeyFingerprint: replaced });
    expect(trusted.status).toBe(200);
    expect(trusted.body.host.ssh.hostKeyFingerprint).toBe(replaced);
    expect((await auditEntries('ssh.trust-host-key'))[0].detail).toContain(`in place of ${old}`);

    const terminal = await TerminalClient.open(consoleUnderTest.url, hostId, api);
    await terminal.message('attached');
    terminal.type(promptSetup);
    await terminal.output(prompt);
    terminal.type('exit\r');
    await terminal.message('ended');
  });

  it('forgets the host on request', async () => {
    const res = await api.request('DELETE', `/api/ssh-hosts/${hostId}`);
    expect(res.status).toBe(204);
    expect((await api.get(`/api/hosts/${hostId}`)).status).toBe(404);
    expect((await api.request('DELETE', `/api/ssh-hosts/${hostId}`)).status).toBe(404);
  });
});
