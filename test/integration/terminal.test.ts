/**
 * The browser's terminal socket (/api/hosts/:id/terminal) against a real console and a real agent with real
 * shells: who may open it, a login shell that runs commands and resizes, re-attaching after the browser went
 * away, a flood held back at its source, the asciicast recording of every session, and the recordings API.
 *
 * The shells run as root on this machine (the agent's only user in these tests); each first does
 * `unset HISTFILE`, so nothing is written to root's home.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserOutputWindowBytes } from '../../modules/terminal/browser-protocol.js';
import { hashPassword } from '../../console/server/auth/passwords.js';
import { openSqliteStorage } from '../../console/server/storage/sqlite.js';
import type { RoleId } from '../../console/server/storage/types.js';
import { ApiClient } from '../support/client.js';
import { waitFor } from '../support/console.js';
import { startFleet, type Fleet } from '../support/fleet.js';
import { upgradeStatus } from '../support/frames.js';
import { residentBytes, TerminalClient, terminalUrl } from '../support/terminal.js';

const password = 'a-long-enough-test-password';
/** What the shell prints when it is ready for the next command; `$((1+1))` so the typed echo never matches. */
const promptSetup = " unset HISTFILE; PS1='gh-$((1+1))-ready '\r";
const prompt = /gh-2-ready /;

let fleet: Fleet;
let api: ApiClient;
let origin: string;

/** Add a user to the running console's database, as the user-management pages will; then log in as them. */
async function userWithRole(username: string, role: RoleId): Promise<ApiClient> {
  const storage = await openSqliteStorage(join(fleet.console.dataDir, 'gatehouse.db'));
  try {
    await storage.createUser({ id: randomUUID(), username, role, passwordHash: await hashPassword(password) });
  } finally {
    await storage.close();
  }
  const client = new ApiClient(fleet.console.url);
  await client.login(username, password);
  return client;
}

/** A new shell with a recognisable prompt. */
async function openShell(client: ApiClient = api, options: Parameters<typeof TerminalClient.open>[3] = {}): Promise<{ terminal: TerminalClient; attached: any; recording: any }> {
  const terminal = await TerminalClient.open(fleet.console.url, fleet.hostId, client, options);
  const attached = await terminal.message('attached');
  const recording = await terminal.message('recording');
  const at = terminal.position;
  terminal.type(promptSetup);
  await terminal.output(prompt, at);
  return { terminal, attached, recording };
}

/** A new shell whose recording could not start: the notice says so, and the shell works all the same. */
async function openShellUnrecorded(): Promise<{ terminal: TerminalClient }> {
  const terminal = await TerminalClient.open(fleet.console.url, fleet.hostId, api);
  await terminal.message('attached');
  const notice = await terminal.message('recording-failed');
  expect(notice.message).toMatch(/could not be recorded.*alarm/);
  expect(terminal.messages.some((m) => m.type === 'recording')).toBe(false);
  const at = terminal.position;
  terminal.type(promptSetup);
  await terminal.output(prompt, at);
  return { terminal };
}

/** Run a command and wait for the output that shows it ran. */
async function run(terminal: TerminalClient, command: string, expected: RegExp): Promise<void> {
  const at = terminal.position;
  terminal.type(`${command}\r`);
  await terminal.output(expected, at);
}

async function castOf(recordingId: string): Promise<{ header: any; events: Array<[number, string, string]>; raw: Buffer }> {
  const res = await api.get(`/api/recordings/${recordingId}/cast`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/x-asciicast');
  const raw = res.body as Buffer;
  const [header, ...events] = raw.toString('utf8').trimEnd().split('\n').map((line) => JSON.parse(line));
  return { header, events, raw };
}

async function finishedRecording(recordingId: string): Promise<any> {
  return waitFor(`recording ${recordingId} to be finished`, async () => {
    const res = await api.get(`/api/recordings/${recordingId}`);
    return res.status === 200 && res.body.state !== 'recording' && res.body;
  });
}

beforeAll(async () => {
  // A root terminal on a field gateway needs a second person by default (config `approvals`, tested in
  // approvals.test.ts); the field-gateway test below is about recording, so four eyes is off here.
  fleet = await startFleet({ name: 'term-host', config: { approvals: { rules: [] } } });
  api = fleet.api;
  origin = new URL(fleet.console.url).origin;
});

afterAll(async () => {
  await fleet?.stop();
});

describe('who may open the terminal socket', () => {
  const url = () => terminalUrl(fleet.console.url, fleet.hostId, { cols: 80, rows: 24 });

  it('refuses a foreign Origin, or none, with 403, even with a valid session cookie', async () => {
    expect(await upgradeStatus(url(), { cookie: api.cookie, origin: 'https://evil.example' })).toBe(403);
    expect(await upgradeStatus(url(), { cookie: api.cookie, origin: origin.replace('127.0.0.1', 'localhost') })).toBe(403);
    expect(await upgradeStatus(url(), { cookie: api.cookie })).toBe(403);
  });

  it('refuses an upgrade without a session cookie, or with a made-up one, with 401', async () => {
    expect(await upgradeStatus(url(), { origin })).toBe(401);
    expect(await upgradeStatus(url(), { origin, cookie: 'gatehouse_session=not-a-real-session-token' })).toBe(401);
  });

  it('refuses a host name the console does not answer to (DNS rebinding) with 403', async () => {
    const port = new URL(fleet.console.url).port;
    expect(await upgradeStatus(url(), { cookie: api.cookie, origin: `http://rebound.example:${port}`, host: `rebound.example:${port}` })).toBe(403);
  });

  it('refuses paths that are not a host terminal with 404', async () => {
    const bad = new URL(url());
    bad.pathname = `/api/hosts/${fleet.hostId}/terminal/extra`;
    expect(await upgradeStatus(bad.toString(), { cookie: api.cookie, origin })).toBe(404);
  });
});

describe('the recordings API', () => {
  it('answers administrators and auditors, and refuses other roles with 403', async () => {
    const auditor = await userWithRole('rita-auditor', 'auditor');
    const viewer = await userWithRole('victor-viewer', 'viewer');
    for (const client of [api, auditor]) {
      const res = await client.get('/api/recordings');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ recordings: expect.any(Array) });
    }
    for (const path of ['/api/recordings', '/api/recordings/r_aaaaaaaaaaaaaaaa', '/api/recordings/r_aaaaaaaaaaaaaaaa/cast']) {
      const res = await viewer.get(path);
      expect(res.status, path).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    expect((await new ApiClient(fleet.console.url).get('/api/recordings')).status).toBe(401);
  });

  it('answers unknown recordings with 404 and a malformed cursor with 400', async () => {
    for (const path of ['/api/recordings/r_aaaaaaaaaaaaaaaa', '/api/recordings/r_aaaaaaaaaaaaaaaa/cast', '/api/recordings/..%2Fgatehouse.db/cast']) {
      const res = await api.get(path);
      expect(res.status, path).toBe(404);
      expect(res.body.error.code).toBe('not-found');
    }
    const bad = await api.get('/api/recordings?before=../../etc');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid-params');
  });
});

describe('a terminal and its recording', () => {
  let first: TerminalClient;
  let sessionId: string;
  let recordingId: string;

  it('opens a login shell, says it is recorded, and runs a command', async () => {
    const opened = await openShell();
    first = opened.terminal;
    expect(opened.attached).toMatchObject({ restored: false, unixUser: 'root', cols: 80, rows: 24, sessionId: expect.stringMatching(/^t_[a-z0-9]{16}$/) });
    expect(opened.recording).toMatchObject({ input: false, recordingId: expect.stringMatching(/^r_[a-z0-9]{16}$/) });
    sessionId = opened.attached.sessionId;
    recordingId = opened.recording.recordingId;
    await run(first, 'GH_MARK=kept-$((3*5))', prompt);
    await run(first, 'echo hello-$((6*7))', /hello-42/);
  });

  it('resizes: stty size shows the new size', async () => {
    first.resize(100, 30);
    await run(first, 'stty size', /30 100/);
  });

  it('answers malformed messages with bad-request and keeps the session working', async () => {
    for (const text of ['not json', JSON.stringify({ type: 'resize', cols: 1, rows: 24 }), JSON.stringify({ type: 'explode' }), JSON.stringify({ type: 'ack', bytes: -5 }), 'x'.repeat(4096)]) {
      first.ws.send(text);
      expect(await first.message('error'), text.slice(0, 40)).toMatchObject({ code: 'bad-request', message: expect.any(String) });
    }
    await run(first, 'echo still-$((2+2))', /still-4/);
    expect(first.closeInfo).toBeUndefined();
  });

  it('leaves the shell running, detached, when the browser goes; the recording is asciicast v2 with the output', async () => {
    first.close();
    await first.closed;
    const recording = await finishedRecording(recordingId);
    expect(recording).toMatchObject({
      id: recordingId,
      sessionId,
      hostId: fleet.hostId,
      hostName: 'term-host',
      user: 'admin',
      unixUser: 'root',
      inputRecorded: false,
      state: 'complete',
      endedAt: expect.any(String),
    });
    expect(recording.path).toBeUndefined();

    const onDisk = await readFile(join(fleet.console.dataDir, 'recordings', `${recordingId}.cast`));
    expect(recording.bytes).toBe(onDisk.byteLength);
    const { header, events, raw } = await castOf(recordingId);
    expect(raw.equals(onDisk)).toBe(true);
    expect(header).toMatchObject({ version: 2, width: 80, height: 24, env: { TERM: 'xterm-256color' } });
    expect(header.title).toContain('admin');
    expect(header.title).toContain('term-host');
    expect(header.title).toContain(sessionId);
    expect(Math.abs(header.timestamp - Date.now() / 1000)).toBeLessThan(600);
    let last = 0;
    for (const [time, kind, text] of events) {
      expect(['o', 'r']).toContain(kind); // no "i": input recording is off by default
      expect(typeof text).toBe('string');
      expect(time).toBeGreaterThanOrEqual(last);
      last = time;
    }
    const screen = events.filter((e) => e[1] === 'o').map((e) => e[2]).join('');
    expect(screen).toContain('hello-42');
    expect(screen).toContain('30 100');
    expect(events.filter((e) => e[1] === 'r').map((e) => e[2])).toContain('100x30');

    await waitFor('the shell to be detached', async () => {
      const res = await api.call(fleet.hostId, 'terminal', 'sessions');
      return res.body.result.sessions.some((s: any) => s.id === sessionId && s.attached === false && s.owner === 'admin');
    });
  });

  it('lists the recording and audits the session with one entry at each end', async () => {
    const list = await api.get('/api/recordings');
    expect(list.body.recordings[0]).toMatchObject({ id: recordingId, sessionId });
    expect((await api.get(`/api/recordings?host=${fleet.hostId}`)).body.recordings.map((r: any) => r.id)).toContain(recordingId);
    expect((await api.get('/api/recordings?user=nobody-at-all')).body.recordings).toEqual([]);

    const audit = await api.get('/api/audit?action=terminal.session&limit=100');
    const mine = audit.body.entries.filter((e: any) => e.detail?.includes(recordingId));
    expect(mine.map((e: any) => e.phase).sort()).toEqual(['completed', 'requested']);
    const requested = mine.find((e: any) => e.phase === 'requested');
    const completed = mine.find((e: any) => e.phase === 'completed');
    expect(requested).toMatchObject({ user: 'admin', hostId: fleet.hostId, hostName: 'term-host', result: 'ok' });
    expect(requested.detail).toMatch(/new shell as root/);
    expect(completed.result).toBe('ok');
    expect(completed.detail).toMatch(new RegExp(`session ${sessionId} detached after [0-9.]+ s; recording ${recordingId}, [0-9]+ bytes`));

    const views = await api.get('/api/audit?action=recording.view&limit=10');
    expect(views.body.entries.some((e: any) => e.detail.includes(recordingId) && e.user === 'admin')).toBe(true);
  });

  it('re-attaches to the shell with its screen restored; a variable set before is still there; exit ends it', async () => {
    const second = await TerminalClient.open(fleet.console.url, fleet.hostId, api, { session: sessionId, cols: 90, rows: 25 });
    const attached = await second.message('attached');
    expect(attached).toMatchObject({ sessionId, restored: true, unixUser: 'root' });
    const recording = await second.message('recording');
    expect(recording.recordingId).not.toBe(recordingId);
    await second.output(/still-4/); // the screen as it was
    await run(second, 'echo $GH_MARK', /kept-15/);
    await run(second, 'stty size', /25 90/);
    second.type('exit 0\r');
    expect(await second.message('ended')).toEqual({ type: 'ended', detached: false, exitCode: 0 });
    expect((await second.closed).code).toBe(1000);

    const again = await finishedRecording(recording.recordingId);
    expect(again).toMatchObject({ sessionId, state: 'complete' });
    const { header, events } = await castOf(recording.recordingId);
    expect(header).toMatchObject({ width: 90, height: 25 });
    expect(events.filter((e) => e[1] === 'o').map((e) => e[2]).join('')).toContain('kept-15');
    const audit = await api.get('/api/audit?action=terminal.session&limit=100');
    const completed = audit.body.entries.find((e: any) => e.phase === 'completed' && e.detail?.includes(recording.recordingId));
    expect(completed.detail).toMatch(new RegExp(`session ${sessionId} exited \\(code 0\\)`));
  });

  it('holds a flood back at its source: the console stays small and Ctrl-C stops the output promptly', async () => {
    const consolePid = fleet.console.process.child.pid!;
    const agentPid = fleet.agent.child.pid!;
    const { terminal: flood } = await openShell(api, { autoAck: false, keepChars: 64 * 1024 });
    flood.ackAll();
    const before = { console: await residentBytes(consolePid), agent: await residentBytes(agentPid) };
    const peak = { ...before };
    let mostUnacked = 0;
    // First a slow browser: at most 256 KiB acknowledged every 50 ms (5 MiB/s), far below what the shell
    // produces; then one that keeps up, so the console moves (and records) the flood as fast as it can.
    const acks = setInterval(() => {
      mostUnacked = Math.max(mostUnacked, flood.received - flood.acked);
      flood.ack(Math.min(flood.received - flood.acked, 256 * 1024));
    }, 50);
    const sampler = setInterval(() => {
      void Promise.all([residentBytes(consolePid), residentBytes(agentPid)]).then(([c, a]) => {
        peak.console = Math.max(peak.console, c);
        peak.agent = Math.max(peak.agent, a);
      }, () => undefined);
    }, 100);
    try {
      flood.type('head -c 100000000 /dev/zero | base64\r'); // 135 MB of output
      await flood.receivedAtLeast(16 * 1024 * 1024, 60_000);
      const slowPhase = { bytes: flood.received, at: Date.now() };
      flood.autoAck = true;
      flood.ackAll();
      await flood.receivedAtLeast(64 * 1024 * 1024, 60_000);
      const fastRate = (flood.received - slowPhase.bytes) / ((Date.now() - slowPhase.at) / 1000);
      // Back to the slow browser for the interrupt: Ctrl-C must get through while output is held back.
      flood.autoAck = false;
      await flood.receivedAtLeast(flood.received + 2 * 1024 * 1024, 60_000);
      mostUnacked = Math.max(mostUnacked, flood.received - flood.acked);

      const atInterrupt = flood.received;
      flood.type('\x03');
      await flood.output(prompt, flood.position, 30_000);
      const afterInterrupt = flood.received - atInterrupt;
      clearInterval(acks);
      flood.autoAck = true;
      flood.ackAll();
      await run(flood, 'echo flood-$((40+2))-over', /flood-42-over/);

      const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
      console.info(
        `flood: ${mib(atInterrupt)} (16 MiB through a 5 MiB/s browser, then ${mib(fastRate)}/s through one that keeps up); console RSS ${mib(before.console)} → peak ${mib(peak.console)}; ` +
          `agent RSS ${mib(before.agent)} → peak ${mib(peak.agent)}; most unacknowledged ${mib(mostUnacked)}; ` +
          `${mib(afterInterrupt)} of output after Ctrl-C`,
      );
      // The console never runs ahead of the browser by more than the window.
      expect(mostUnacked).toBeLessThanOrEqual(browserOutputWindowBytes);
      expect(peak.console - before.console).toBeLessThan(150 * 1024 * 1024);
      expect(peak.agent - before.agent).toBeLessThan(150 * 1024 * 1024);
      // What was in flight when Ctrl-C was typed: windows of the browser, the console and the agent, not the flood.
      expect(afterInterrupt).toBeLessThan(8 * 1024 * 1024);
    } finally {
      clearInterval(acks);
      clearInterval(sampler);
      flood.type('exit\r');
      await flood.closed;
    }
  }, 120_000);

  it('refuses roles without terminal.open, unknown hosts and users, bad sizes, and other people’s sessions', async () => {
    const auditor = new ApiClient(fleet.console.url);
    await auditor.login('rita-auditor', password);
    const cases: Array<[ApiClient, string, Parameters<typeof TerminalClient.open>[3], string, number]> = [
      [auditor, fleet.hostId, {}, 'forbidden', 4403],
      [api, 'h_doesnotexist', {}, 'not-found', 4404],
      [api, fleet.hostId, { user: 'no-such-user-here' }, 'not-found', 4404],
      [api, fleet.hostId, { user: 'Robert; rm -rf /' }, 'invalid-params', 4400],
      [api, fleet.hostId, { cols: 1 }, 'invalid-params', 4400],
      [api, fleet.hostId, { session: 't_0000000000000000' }, 'not-found', 4404],
    ];
    for (const [client, hostId, options, code, closeCode] of cases) {
      const terminal = await TerminalClient.open(fleet.console.url, hostId, client, options);
      const what = `${hostId} ${JSON.stringify(options)}`;
      expect(await terminal.message('error'), what).toMatchObject({ code });
      expect((await terminal.closed).code, what).toBe(closeCode);
      expect(terminal.received, what).toBe(0);
    }

    // Another administrator cannot take over admin's detached shell.
    const { terminal } = await openShell();
    const { sessionId: adminSession } = terminal.messages.find((m) => m.type === 'attached');
    terminal.close();
    await terminal.closed;
    const other = await userWithRole('olga-admin', 'administrator');
    const stolen = await TerminalClient.open(fleet.console.url, fleet.hostId, other, { session: adminSession });
    expect(await stolen.message('error')).toMatchObject({ code: 'forbidden' });
    expect((await stolen.closed).code).toBe(4403);
    await api.call(fleet.hostId, 'terminal', 'close', { id: adminSession });
  });

  it('closes the terminals of a session that logs out; the shell stays, detached', async () => {
    const elsewhere = new ApiClient(fleet.console.url);
    await elsewhere.login();
    const { terminal, attached } = await openShell(elsewhere);
    expect((await elsewhere.request('DELETE', '/api/session')).status).toBe(204);
    expect((await terminal.closed).code).toBe(4401);
    // The agent hears of it over its own socket, a moment after the browser does.
    await waitFor('the shell to be detached', async () => {
      const res = await api.call(fleet.hostId, 'terminal', 'sessions');
      return res.body.result.sessions.some((s: any) => s.id === attached.sessionId && s.attached === false);
    });
    await api.call(fleet.hostId, 'terminal', 'close', { id: attached.sessionId });
  });

  /** Make the console's recordings folder unwritable (a file in its place) while `work` runs. */
  async function withRecordingsBroken(work: () => Promise<void>): Promise<void> {
    const recordings = join(fleet.console.dataDir, 'recordings');
    await mkdir(recordings, { recursive: true });
    await rename(recordings, `${recordings}.away`);
    await writeFile(recordings, 'not a directory');
    try {
      await work();
    } finally {
      await rm(recordings, { force: true });
      await rename(`${recordings}.away`, recordings);
    }
  }

  it('goes on unrecorded on an ordinary host when the recording cannot start, telling the user and the audit log', async () => {
    await withRecordingsBroken(async () => {
      const { terminal } = await openShellUnrecorded();
      await run(terminal, 'echo "unrecorded-$((3*3))"', /unrecorded-9/);
      terminal.type('exit\r');
      await terminal.message('ended');
    });
    const audit = await api.get('/api/audit?action=terminal.recording-failed&limit=5');
    expect(audit.body.entries[0]).toMatchObject({ hostId: fleet.hostId, result: 'internal-error', detail: expect.stringMatching(/went on unrecorded/) });
  });

  it('fails closed on a host tagged field-gateway: a session that cannot be recorded is refused and its shell ended', async () => {
    expect((await api.request('PATCH', `/api/hosts/${fleet.hostId}`, { tags: ['field-gateway'] })).status).toBe(200);
    await withRecordingsBroken(async () => {
      const terminal = await TerminalClient.open(fleet.console.url, fleet.hostId, api);
      const error = await terminal.message('error');
      expect(error.code).toBe('internal-error');
      expect(error.message).toMatch(/^recording failed: .*the session was closed because it could not be recorded$/);
      expect((await terminal.closed).code).toBe(4500);
      expect(terminal.received).toBe(0);
      expect(terminal.messages.some((m) => m.type === 'recording')).toBe(false);
      // The audit entry is written as the session is wound up, which may finish just after the socket closes.
      const completed = await waitFor('the refused session in the audit log', async () => {
        const audit = await api.get('/api/audit?action=terminal.session&limit=5');
        return audit.body.entries.find((e: any) => e.phase === 'completed' && e.result === 'internal-error');
      });
      expect(completed).toMatchObject({ result: 'internal-error', detail: expect.stringMatching(/recording failed/) });
      const session = /session (t_[a-z0-9]{16})/.exec(completed.detail)?.[1];
      expect(session).toBeDefined();
      await waitFor('the unrecorded shell to end', async () => {
        const res = await api.call(fleet.hostId, 'terminal', 'sessions');
        return !res.body.result.sessions.some((s: any) => s.id === session);
      });
      const failed = await api.get('/api/audit?action=terminal.recording-failed&limit=5');
      expect(failed.body.entries[0].detail).toMatch(/closed \(fail-closed\)/);
    });
    expect((await api.request('PATCH', `/api/hosts/${fleet.hostId}`, { tags: [] })).status).toBe(200);
  });
});
