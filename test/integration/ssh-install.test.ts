/**
 * A real managed host: a Debian root booted with systemd-nspawn, running sshd on a loopback port
 * (test/support/nspawn.ts). An admin registers it with a password used once, opens a terminal on it over SSH,
 * then has the console install the agent: it ends online, under the same host id, with its systemd unit
 * active. A host where the install cannot work (a login that is not root) fails at the step that says why,
 * with what the host printed.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InstallProgress } from '../../modules/kernel/console-api.js';
import { ApiClient } from '../support/client.js';
import { startTestConsole, waitFor, type TestConsole } from '../support/console.js';
import { bootDebianHost, debianHostAvailable, type TestDebianHost } from '../support/nspawn.js';
import { TerminalClient } from '../support/terminal.js';

const available = debianHostAvailable();
const rootPassword = 'only-for-this-container-7d1c';
const operatorPassword = 'operator-in-the-container-5b2e';

let debian: TestDebianHost;
let consoleUnderTest: TestConsole;
let api: ApiClient;
let hostId: string;

/** POST install-agent and read its NDJSON lines to the end. */
async function installAgent(id: string): Promise<InstallProgress[]> {
  const response = await fetch(new URL(`/api/hosts/${id}/ssh/install-agent`, consoleUnderTest.url), {
    method: 'POST',
    headers: { cookie: api.cookie, origin: new URL(consoleUnderTest.url).origin },
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/application\/x-ndjson/);
  const text = await response.text();
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as InstallProgress);
}

function stepStates(events: InstallProgress[]): Record<string, string> {
  const states: Record<string, string> = {};
  for (const event of events) if (event.type === 'step') states[event.step] = event.state;
  return states;
}

describe.skipIf(!available.ok)(`a Debian host in systemd-nspawn${available.ok ? '' : ` (skipped: ${available.why})`}`, () => {
  beforeAll(async () => {
    [debian, consoleUnderTest] = await Promise.all([bootDebianHost({ rootPassword }), startTestConsole()]);
    api = new ApiClient(consoleUnderTest.url);
    await api.login();
    // A login that is not root, made inside the container only.
    const made = await debian.exec(['sh', '-c', `useradd -m -s /bin/bash plantop && echo 'plantop:${operatorPassword}' | chpasswd`]);
    expect(made.code, made.stderr).toBe(0);
  }, 180_000);

  afterAll(async () => {
    await Promise.all([debian?.stop(), consoleUnderTest?.stop()]);
  });

  it('registers the host with a password used once: the console installs its own key and keeps no password', async () => {
    const res = await api.post('/api/ssh-hosts', {
      name: 'pump-station-gw',
      address: '127.0.0.1',
      port: debian.sshPort,
      username: 'root',
      hostKeyFingerprint: debian.hostKeyFingerprint,
      auth: { kind: 'password', password: rootPassword },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    hostId = res.body.host.id;
    expect(res.body.host).toMatchObject({ connection: 'ssh', ssh: { username: 'root', hostKeyFingerprint: debian.hostKeyFingerprint } });
    const authorized = await debian.exec(['cat', '/root/.ssh/authorized_keys']);
    const consoleKey = (res.body.host.ssh.clientPublicKey as string).split(' ').slice(0, 2).join(' ');
    expect(authorized.stdout).toContain(consoleKey);
    const database = await readFile(join(consoleUnderTest.dataDir, 'gatehouse.db'));
    expect(database.includes(Buffer.from(rootPassword))).toBe(false);
    const audit = await api.get('/api/audit?action=ssh.register&limit=5');
    expect(JSON.stringify(audit.body)).not.toContain(rootPassword);
  });

  it('refuses a wrong password with ssh-auth-failed', async () => {
    const res = await api.post('/api/ssh-hosts', {
      name: 'wrong-password',
      address: '127.0.0.1',
      port: debian.sshPort,
      username: 'plantop',
      auth: { kind: 'password', password: 'not-the-password' },
    });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('ssh-auth-failed');
  });

  it('opens a terminal on it over SSH', async () => {
    const terminal = await TerminalClient.open(consoleUnderTest.url, hostId, api);
    await terminal.message('attached');
    terminal.type(" unset HISTFILE; echo \"on $(cat /etc/debian_version | cut -c1-2)-$((40+2))\"\r");
    await terminal.output(/on 12-42/);
    terminal.type('exit\r');
    await terminal.message('ended');
  });

  it('fails an install on a login that is not root at the check step, showing what the host said', async () => {
    const registered = await api.post('/api/ssh-hosts', {
      name: 'operator-login',
      address: '127.0.0.1',
      port: debian.sshPort,
      username: 'plantop',
      hostKeyFingerprint: debian.hostKeyFingerprint,
      auth: { kind: 'password', password: operatorPassword },
    });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    const events = await installAgent(registered.body.host.id);
    expect(stepStates(events)).toEqual({ connect: 'ok', check: 'failed' });
    const failed = events.find((e) => e.type === 'step' && e.state === 'failed');
    expect(failed).toMatchObject({ step: 'check', message: expect.stringMatching(/installed as root; plantop is uid \d+/) });
    expect(failed?.type === 'step' && failed.output).toMatch(/uid=\d+/);
    expect(events.at(-1)).toMatchObject({ type: 'done', ok: false, code: 'not-supported' });
    expect((await api.get(`/api/hosts/${registered.body.host.id}`)).body.connection).toBe('ssh');
    expect((await api.request('DELETE', `/api/ssh-hosts/${registered.body.host.id}`)).status).toBe(204);
  });

  it('installs the agent: the host comes online under the same id and its unit is active under systemd', async () => {
    const events = await installAgent(hostId);
    const done = events.at(-1);
    expect(done, JSON.stringify(events, null, 1)).toMatchObject({ type: 'done', ok: true, hostId });
    expect(stepStates(events)).toEqual({ connect: 'ok', check: 'ok', copy: 'ok', enroll: 'ok', service: 'ok', online: 'ok' });
    // Each step said it started before it said how it went.
    expect(events.filter((e) => e.type === 'step' && e.state === 'running').map((e) => (e as { step: string }).step)).toEqual([
      'connect', 'check', 'copy', 'enroll', 'service', 'online',
    ]);

    const active = await debian.exec(['systemctl', 'is-active', 'gatehouse-agent.service']);
    expect(active.stdout.trim()).toBe('active');
    const enabled = await debian.exec(['systemctl', 'is-enabled', 'gatehouse-agent.service']);
    expect(enabled.stdout.trim()).toBe('enabled');
    // The container had no Node.js: the console's own runtime went beside the agent.
    expect((await debian.exec(['/opt/gatehouse-agent/node', '--version'])).stdout.trim()).toBe(process.version);
    expect((await debian.exec(['test', '-e', '/opt/gatehouse-agent/enroll-token'])).code).not.toBe(0);
    // serialport (for Modbus RTU) went beside the agent with what it requires, its native binding loadable there.
    const serial = await debian.exec(['/opt/gatehouse-agent/node', '-e', "require('/opt/gatehouse-agent/node_modules/@serialport/bindings-cpp'); console.log(typeof require('/opt/gatehouse-agent/node_modules/serialport').SerialPort)"]);
    expect(serial.stdout.trim(), serial.stderr).toBe('function');

    const host = await waitFor('the host to be online with its agent', async () => {
      const res = await api.get(`/api/hosts/${hostId}`);
      return res.body.online && res.body;
    });
    expect(host).toMatchObject({ id: hostId, name: 'pump-station-gw', connection: 'agent', state: 'approved' });
    expect(host.modules).toEqual(expect.arrayContaining(['process', 'file', 'terminal']));
    // The agent answers for the container: its PID 1 is the container's systemd.
    const processes = await api.call(hostId, 'process', 'list');
    expect(processes.status).toBe(200);
    const init = (processes.body.result.processes as Array<{ pid: number; command: string }>).find((p) => p.pid === 1);
    expect(init?.command).toMatch(/systemd|init/);

    const audit = await api.get('/api/audit?action=ssh.install-agent&limit=10');
    expect(audit.status, JSON.stringify(audit.body)).toBe(200);
    const completed = (audit.body.entries as Array<{ hostId: string; phase: string; result: string }>).find((e) => e.hostId === hostId && e.phase === 'completed');
    expect(completed).toMatchObject({ result: 'ok' });
    // Installing again is refused: the host has its agent.
    const again = await installAgent(hostId);
    expect(again.at(-1)).toMatchObject({ type: 'done', ok: false, code: 'conflict' });
  }, 240_000);

  it('gives a terminal through the new agent, which keeps the shell when the browser leaves', async () => {
    const terminal = await TerminalClient.open(consoleUnderTest.url, hostId, api);
    const attached = await terminal.message('attached');
    expect(attached).toMatchObject({ restored: false, unixUser: 'root' });
    terminal.type(' unset HISTFILE; export MARK=$((20+22)); echo "mark-$MARK"\r');
    await terminal.output(/mark-42/);
    terminal.close();
    await terminal.closed;
    const again = await TerminalClient.open(consoleUnderTest.url, hostId, api, { session: attached.sessionId });
    expect(await again.message('attached')).toMatchObject({ restored: true, sessionId: attached.sessionId });
    const at = again.position;
    again.type(' echo "still-$MARK"\r');
    await again.output(/still-42/, at);
    again.type('exit\r');
    await again.message('ended');
  });
});
