/**
 * Enrolling a machine that has only Node.js: the console serves the agent as one file; that file, copied
 * anywhere, enrolls and runs. Over HTTPS the download is pinned to the console's key.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ApiClient } from '../support/client.js';
import { startProcess, startTestConsole, type TestConsole, type TestProcess } from '../support/console.js';
import { waitUntilOnline } from '../support/fleet.js';

const run = promisify(execFile);
let tlsConsole: TestConsole;
let api: ApiClient;
let elsewhere: string;
let agent: TestProcess | undefined;

beforeAll(async () => {
  tlsConsole = await startTestConsole({ tls: true });
  api = await ApiClient.forConsole(tlsConsole.url, tlsConsole.dataDir);
  await api.login();
  elsewhere = await mkdtemp(join(tmpdir(), 'gh-bundle-'));
});

afterAll(async () => {
  await agent?.stop();
  await tlsConsole?.stop();
  if (elsewhere) await rm(elsewhere, { recursive: true, force: true });
});

it('gives an install line whose pinned download works with curl, and the file enrolls and runs from anywhere', async () => {
  const issued = await api.post('/api/enrollment-tokens', { autoApprove: true });
  expect(issued.status).toBe(201);
  const line: string = issued.body.installCommand;
  const pin = /--pinnedpubkey '([^']+)'/.exec(line)?.[1];
  expect(pin).toMatch(/^sha256\/\/[A-Za-z0-9+/]+=*$/);
  expect(line).toContain(`--token ${issued.body.token}`);
  expect(line).toContain('install-service');

  // The download part of the line, as the new machine runs it (but into a temporary directory).
  const file = join(elsewhere, 'gatehouse-agent.mjs');
  await run('curl', ['-fsSL', '-k', '--pinnedpubkey', pin!, `${tlsConsole.url}/agent/gatehouse-agent.mjs`, '-o', file]);
  // A wrong pin is refused before anything is downloaded.
  await expect(run('curl', ['-fsSL', '-k', '--pinnedpubkey', 'sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=', `${tlsConsole.url}/agent/gatehouse-agent.mjs`, '-o', join(elsewhere, 'x')])).rejects.toThrow();

  const data = join(elsewhere, 'data');
  const enroll = startProcess([file, 'enroll', '--console', tlsConsole.url, '--token', issued.body.token, '--data', data, '--name', 'bundled']);
  expect(await enroll.exited, enroll.output.join('\n')).toBe(0);
  const { hostId } = JSON.parse(await readFile(join(data, 'identity.json'), 'utf8')) as { hostId: string };
  agent = startProcess([file, 'run', '--data', data]);
  await waitUntilOnline(api, hostId);
  const stat = await api.call(hostId, 'file', 'stat', { path: file });
  expect(stat.body.result).toMatchObject({ type: 'file', name: 'gatehouse-agent.mjs' });
});

it('serves the bundle without a session, and nothing else under /agent', async () => {
  const anonymous = await ApiClient.forConsole(tlsConsole.url, tlsConsole.dataDir);
  const res = await anonymous.get('/agent/gatehouse-agent.mjs');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/javascript/);
  expect((await anonymous.get('/agent/identity.json')).status).toBe(404);
});
