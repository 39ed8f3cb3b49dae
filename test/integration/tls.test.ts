/**
 * A console on HTTPS with its own self-signed certificate, and the agent pinning it (SECURITY.md rule 7): the
 * agent enrolls and connects pinned to exactly the certificate it saw; a different server cannot take a token
 * issued by another console; a replaced certificate is refused, however it was replaced. Also the browser-facing
 * promises that only hold over HTTPS: HSTS and the Secure cookie.
 */
import { X509Certificate, createHash } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/client.js';
import { enrollCommand, isRunning } from '../support/agents.js';
import { startAgent, startTestConsole, waitFor, type TestConsole, type TestProcess } from '../support/console.js';
import { waitUntilOnline } from '../support/fleet.js';

let consoleA: TestConsole;
let consoleB: TestConsole | undefined;
let restartedA: TestConsole | undefined;
let apiA: ApiClient;
let work: string;
let agentData: string;
let hostId: string;
const processes: TestProcess[] = [];

function fingerprintOfPem(pem: string): string {
  return createHash('sha256').update(new X509Certificate(pem).raw).digest('hex');
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'gh-tls-'));
  // A's data directory is ours, so that A can be restarted on it with a new certificate.
  consoleA = await startTestConsole({ tls: true, dataDir: join(work, 'console-a') });
  apiA = await ApiClient.forConsole(consoleA.url, consoleA.dataDir);
  await apiA.login();
  agentData = join(work, 'agent');
});

afterAll(async () => {
  for (const p of processes) await p.stop();
  await restartedA?.stop();
  await consoleA?.stop();
  await consoleB?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('enrolling over HTTPS', () => {
  it('enrolls, pins the console’s certificate, and connects', async () => {
    expect(consoleA.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const enrolled = await enrollCommand(consoleA.url, await apiA.enrollmentToken({ autoApprove: true }), agentData, 'tls-host');
    expect(enrolled.code, enrolled.output).toBe(0);
    const identity = JSON.parse(await readFile(join(agentData, 'identity.json'), 'utf8'));
    const certPem = await readFile(join(consoleA.dataDir, 'tls', 'console-cert.pem'), 'utf8');
    expect(identity.certFingerprint).toBe(fingerprintOfPem(certPem));
    expect(fingerprintOfPem(identity.certPem)).toBe(identity.certFingerprint);
    hostId = identity.hostId;

    const agent = startAgent(agentData);
    processes.push(agent);
    await waitUntilOnline(apiA, hostId);
    const list = await apiA.call(hostId, 'process', 'list');
    expect(list.status).toBe(200);
  });

  it('sends HSTS and marks the session cookie Secure', async () => {
    const health = await apiA.get('/api/health');
    expect(health.headers.get('strict-transport-security')).toMatch(/max-age=\d{6,}/);
    const page = await apiA.get('/');
    expect(page.headers.get('strict-transport-security')).toMatch(/max-age=\d{6,}/);
    const client = await ApiClient.forConsole(consoleA.url, consoleA.dataDir);
    const login = await client.post('/api/session', { username: 'admin', password: 'correct-horse-battery-staple' });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/gatehouse_session=/);
    expect(cookie).toMatch(/;\s*Secure/i);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
  });
});

describe('a server that did not issue the token', () => {
  it('another console cannot take a token console A issued: enroll fails saying the server did not prove it issued it', async () => {
    consoleB = await startTestConsole({ tls: true });
    const apiB = await ApiClient.forConsole(consoleB.url, consoleB.dataDir);
    await apiB.login();
    const tokenA = await apiA.enrollmentToken({ autoApprove: true });

    const result = await enrollCommand(consoleB.url, tokenA, join(work, 'agent-b'), 'misdirected');
    expect(result.code).not.toBe(0);
    // What B saw: no enrollment, no host.
    expect((await apiB.get('/api/hosts')).body).toEqual([]);
    const audit = await apiB.get('/api/audit?action=host.enroll');
    expect(audit.body.entries).toEqual([]);
    // The token is still good at the console that issued it.
    const ok = await enrollCommand(consoleA.url, tokenA, join(work, 'agent-a2'), 'rightly-directed');
    expect(ok.code, ok.output).toBe(0);
    // What the person running the command reads.
    expect(result.output).toMatch(/could not prove it issued this token/);
  });

  it('a server that answers the proof wrongly gets nothing: enroll stops before sending the token', async () => {
    const requests: Array<{ method: string; url: string; body: string }> = [];
    const tls = await startTestConsole({ tls: true });
    const cert = await readFile(join(tls.dataDir, 'tls', 'console-cert.pem'), 'utf8');
    const key = await readFile(join(tls.dataDir, 'tls', 'console-key.pem'), 'utf8');
    await tls.stop();
    const impostor: Server = createServer({ cert, key }, (req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        requests.push({ method: req.method ?? '', url: req.url ?? '', body });
        res.setHeader('content-type', 'application/json');
        if (req.url?.startsWith('/agent/enroll/proof')) res.end(JSON.stringify({ proof: 'ab'.repeat(32) }));
        else res.end(JSON.stringify({ hostId: 'h_stolen', name: 'stolen', state: 'approved' }));
      });
    });
    impostor.listen(0, '127.0.0.1');
    await once(impostor, 'listening');
    try {
      const token = await apiA.enrollmentToken({ autoApprove: true });
      const url = `https://127.0.0.1:${(impostor.address() as AddressInfo).port}`;
      const result = await enrollCommand(url, token, join(work, 'agent-impostor'), 'victim');
      expect(result.code).not.toBe(0);
      expect(result.output).toMatch(/could not prove it issued this token/);
      expect(result.output).toMatch(/Nothing was sent/);
      expect(requests.map((r) => r.method)).toEqual(['GET']);
      const secret = token.split('_').slice(2).join('_');
      expect(JSON.stringify(requests)).not.toContain(secret);
      await expect(readFile(join(work, 'agent-impostor', 'identity.json'))).rejects.toMatchObject({ code: 'ENOENT' });
    } finally {
      impostor.closeAllConnections();
      await new Promise((r) => impostor.close(r));
    }
  });
});

describe('a console whose certificate changed', () => {
  it('is refused by the enrolled agent, which says the certificate does not match its pin; the host stays offline', async () => {
    const port = Number(new URL(consoleA.url).port);
    const oldFingerprint = fingerprintOfPem(await readFile(join(consoleA.dataDir, 'tls', 'console-cert.pem'), 'utf8'));
    // Stop the agent first so its next attempt is its first (no backoff to wait through), then swap the certificate.
    for (const p of processes) await p.stop();
    await consoleA.stop();
    await rm(join(consoleA.dataDir, 'tls'), { recursive: true, force: true });
    restartedA = await startTestConsole({ tls: true, dataDir: consoleA.dataDir, port });
    expect(restartedA.url).toBe(consoleA.url);
    const newPem = await readFile(join(restartedA.dataDir, 'tls', 'console-cert.pem'), 'utf8');
    expect(fingerprintOfPem(newPem)).not.toBe(oldFingerprint);

    const agent = startAgent(agentData);
    processes.push(agent);
    const refusals = await waitFor(
      'two refused connection attempts',
      () => {
        if (!isRunning(agent)) throw new Error(`the agent exited:\n${agent.output.join('\n')}`);
        const lines = agent.output.filter((l) => /disconnected from console/.test(l));
        return lines.length >= 2 && lines;
      },
      30_000,
    );
    expect(agent.output.join('\n')).not.toMatch(/connected to console /);
    const api = await ApiClient.forConsole(restartedA.url, restartedA.dataDir);
    await api.login();
    const host = await api.get(`/api/hosts/${hostId}`);
    expect(host.body).toMatchObject({ id: hostId, online: false });
    expect(isRunning(agent)).toBe(true); // it keeps trying; it neither gives up nor falls back to trusting

    // What the operator reads in the agent's log must say why: the certificate is not the one it pinned.
    for (const line of refusals) {
      expect(line).toMatch(/does not match the pinned fingerprint/);
      expect(line).toContain(oldFingerprint.slice(0, 16));
    }
  }, 45_000);
});
