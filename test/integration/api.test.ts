/**
 * The console's HTTP API against a real console and a real agent process: sessions, Origin checks, relayed
 * calls to the process and file modules, transfers, and the audit trail they leave.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/client.js';
import { startFleet, type Fleet } from '../support/fleet.js';
import { waitFor } from '../support/console.js';

let fleet: Fleet;
let api: ApiClient;
let work: string;

beforeAll(async () => {
  fleet = await startFleet();
  api = fleet.api;
  work = await mkdtemp(join(tmpdir(), 'gh-files-'));
});

afterAll(async () => {
  await fleet?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('sessions and the API gate', () => {
  it('answers health without a session', async () => {
    const res = await new ApiClient(fleet.console.url).get('/api/health');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
  });

  it('refuses every other API route without a session', async () => {
    const anonymous = new ApiClient(fleet.console.url);
    for (const path of ['/api/hosts', '/api/audit', '/api/modules', '/api/enrollment-tokens', '/api/session', `/api/hosts/${fleet.hostId}`]) {
      const res = await anonymous.get(path);
      expect(res.status, path).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
    }
    const call = await anonymous.call(fleet.hostId, 'process', 'list');
    expect(call.status).toBe(401);
  });

  it('refuses bad credentials with 401 and sets an HttpOnly SameSite=Strict cookie on success', async () => {
    const client = new ApiClient(fleet.console.url);
    const bad = await client.post('/api/session', { username: 'admin', password: 'wrong-password' });
    expect(bad.status).toBe(401);
    expect(bad.body.error.code).toBe('unauthorized');
    const good = await client.post('/api/session', { username: 'admin', password: 'correct-horse-battery-staple' });
    expect(good.status).toBe(200);
    const cookie = good.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/gatehouse_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(good.body.user).toMatchObject({ username: 'admin', role: 'administrator' });
  });

  it('logs out: the old cookie no longer works', async () => {
    const client = new ApiClient(fleet.console.url);
    await client.login();
    const cookie = client.cookie;
    expect((await client.request('DELETE', '/api/session')).status).toBe(204);
    client.cookie = cookie;
    expect((await client.get('/api/hosts')).status).toBe(401);
  });

  it('refuses a state-changing request from a foreign Origin with 403, even with a valid session', async () => {
    const res = await api.post(`/api/hosts/${fleet.hostId}/call`, { module: 'process', method: 'list', params: {} }, { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
  });

  it('answers malformed JSON with bad-request and keeps serving', async () => {
    const res = await api.request('POST', `/api/hosts/${fleet.hostId}/call`, '{"module": "process", ', { 'content-type': 'application/json' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('bad-request');
    expect((await api.get('/api/health')).status).toBe(200);
  });

  it('sends security headers', async () => {
    const res = await api.get('/');
    expect(res.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('hosts', () => {
  it('lists the enrolled host online with its OS, uptime, CPU and memory', async () => {
    const res = await api.get('/api/hosts');
    expect(res.status).toBe(200);
    const host = res.body.find((h: { id: string }) => h.id === fleet.hostId);
    expect(host).toMatchObject({ id: fleet.hostId, name: 'test-host', online: true, state: 'approved' });
    await waitFor('a status report', async () => (await api.get(`/api/hosts/${fleet.hostId}`)).body.status);
    const { body } = await api.get(`/api/hosts/${fleet.hostId}`);
    expect(body.status.os).toMatch(/\S/);
    expect(body.status.uptimeSeconds).toBeGreaterThan(0);
    expect(body.status.cpuCount).toBeGreaterThan(0);
    expect(body.status.memoryTotalBytes).toBeGreaterThan(body.status.memoryUsedBytes);
    expect(body.modules).toEqual(expect.arrayContaining(['process', 'file']));
  });

  it('answers unknown modules, methods and bad params with their codes', async () => {
    const unknownModule = await api.call(fleet.hostId, 'nope', 'list');
    expect(unknownModule.status).toBe(404);
    expect(unknownModule.body.error.code).toBe('unknown-module');
    const unknownMethod = await api.call(fleet.hostId, 'process', 'explode');
    expect(unknownMethod.body.error.code).toBe('unknown-method');
    for (const inherited of ['constructor', '__proto__', 'toString']) {
      const res = await api.call(fleet.hostId, 'process', inherited);
      expect(res.body.error.code, inherited).toBe('unknown-method');
    }
    const badParams = await api.call(fleet.hostId, 'process', 'signal', { pid: 'one', signal: 'TERM' });
    expect(badParams.status).toBe(400);
    expect(badParams.body.error.code).toBe('invalid-params');
    expect(badParams.body.error.message).toMatch(/pid/);
    const noHost = await api.call('h_doesnotexist', 'process', 'list');
    expect(noHost.status).toBe(404);
  });
});

describe('processes through the relay', () => {
  it('lists a sleep this test started and kills it', async () => {
    const sleeper = spawn('sleep', ['4242'], { stdio: 'ignore' });
    const exited = new Promise((r) => sleeper.once('exit', (_code, signal) => r(signal)));
    const list = await api.call(fleet.hostId, 'process', 'list');
    expect(list.status).toBe(200);
    const mine = list.body.result.processes.find((p: { pid: number }) => p.pid === sleeper.pid);
    expect(mine).toMatchObject({ pid: sleeper.pid, ppid: process.pid, command: 'sleep 4242' });
    const killed = await api.call(fleet.hostId, 'process', 'signal', { pid: sleeper.pid, signal: 'KILL' });
    expect(killed.status).toBe(200);
    expect(await exited).toBe('SIGKILL');
    const again = await api.call(fleet.hostId, 'process', 'signal', { pid: sleeper.pid, signal: 'KILL' });
    expect(again.body.error.code).toBe('no-such-process');
  });
});

describe('files through the relay', () => {
  it('reads, writes with a version, and refuses a stale version with conflict', async () => {
    const path = join(work, 'motd.txt');
    await writeFile(path, 'hello\n');
    const read = await api.call(fleet.hostId, 'file', 'read', { path });
    expect(read.body.result).toMatchObject({ content: 'hello\n' });
    const { version } = read.body.result;
    const write = await api.call(fleet.hostId, 'file', 'write', { path, content: 'hello, world\n', version });
    expect(write.status).toBe(200);
    expect(await readFile(path, 'utf8')).toBe('hello, world\n');
    const stale = await api.call(fleet.hostId, 'file', 'write', { path, content: 'stale editor\n', version });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('conflict');
    expect(await readFile(path, 'utf8')).toBe('hello, world\n');
  });

  it('uploads and downloads 20 MB intact', async () => {
    const data = randomBytes(20 * 1024 * 1024);
    const up = await api.post(`/api/hosts/${fleet.hostId}/files/upload?directory=${encodeURIComponent(work)}&name=blob.bin`, new Uint8Array(data), {
      'content-type': 'application/octet-stream',
    });
    expect(up.status, JSON.stringify(up.body)).toBe(200);
    expect(up.body.result.size).toBe(data.length);
    expect(createHash('sha256').update(await readFile(join(work, 'blob.bin'))).digest('hex')).toBe(createHash('sha256').update(data).digest('hex'));
    const down = await api.get(`/api/hosts/${fleet.hostId}/files/download?path=${encodeURIComponent(join(work, 'blob.bin'))}`);
    expect(down.status).toBe(200);
    expect(down.headers.get('content-disposition')).toMatch(/attachment/);
    expect(Buffer.compare(down.body as Buffer, data)).toBe(0);
  });

  it('refuses to upload over an existing file unless asked', async () => {
    await writeFile(join(work, 'keep.txt'), 'precious');
    const up = await api.post(`/api/hosts/${fleet.hostId}/files/upload?directory=${encodeURIComponent(work)}&name=keep.txt`, new Uint8Array(Buffer.from('overwritten')));
    expect(up.status).toBe(409);
    expect(up.body.error.code).toBe('exists');
    expect(await readFile(join(work, 'keep.txt'), 'utf8')).toBe('precious');
  });
});

describe('audit', () => {
  it('records calls before and after, with user, host, params digest and result', async () => {
    await api.call(fleet.hostId, 'file', 'stat', { path: '/etc/hostname' });
    const res = await api.get(`/api/audit?action=file.stat&host=${fleet.hostId}`);
    expect(res.status).toBe(200);
    const phases = res.body.entries.slice(0, 2).map((e: { phase: string }) => e.phase);
    expect(phases).toEqual(['completed', 'requested']);
    expect(res.body.entries[0]).toMatchObject({ user: 'admin', hostId: fleet.hostId, action: 'file.stat', result: 'ok' });
    expect(res.body.entries[0].paramsDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const session = await api.get('/api/session');
    expect(session.body.user.permissions).toEqual(expect.arrayContaining(['process.signal', 'file.write', 'audit.read']));
    const logins = await api.get('/api/audit?action=session.login');
    expect(logins.body.entries.some((e: { result: string }) => e.result === 'unauthorized')).toBe(true);
  });

  it('audits a page refreshing the same read once, but every failure and every change', async () => {
    const path = join(work, 'refreshed');
    const count = async (action: string) => (await api.get(`/api/audit?action=${action}&host=${fleet.hostId}`)).body.entries.length as number;
    const before = await count('file.list');
    for (let i = 0; i < 5; i++) await api.call(fleet.hostId, 'file', 'list', { path: work });
    expect((await count('file.list')) - before).toBe(2);
    const failures = await count('file.stat');
    for (let i = 0; i < 3; i++) await api.call(fleet.hostId, 'file', 'stat', { path });
    expect((await count('file.stat')) - failures).toBeGreaterThanOrEqual(3);
    const writes = await count('file.write');
    for (let i = 0; i < 2; i++) await api.call(fleet.hostId, 'file', 'write', { path, content: 'x' });
    expect((await count('file.write')) - writes).toBe(4);
  });
});
