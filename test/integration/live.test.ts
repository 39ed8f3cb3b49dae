/**
 * The browser's live socket, /api/live, against a real console and agent (SECURITY.md rule 4): it opens only
 * with a session cookie and the console's own Origin, starts with the host list, follows a host going offline
 * and online and each audited call, and is closed by the server when the session ends.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/client.js';
import { startAgent, type TestProcess } from '../support/console.js';
import { startFleet, waitUntilOnline, type Fleet } from '../support/fleet.js';
import { FrameSocket, socketUrl, upgradeStatus } from '../support/frames.js';

let fleet: Fleet;
let liveUrl: string;
let origin: string;
let viewer: ApiClient;
let live: FrameSocket;
let restarted: TestProcess | undefined;

beforeAll(async () => {
  fleet = await startFleet({ name: 'live-host' });
  liveUrl = socketUrl(fleet.console.url, '/api/live');
  origin = new URL(fleet.console.url).origin;
  viewer = new ApiClient(fleet.console.url);
  await viewer.login();
  live = await FrameSocket.open(liveUrl, { headers: { cookie: viewer.cookie, origin } });
});

afterAll(async () => {
  live?.close();
  await restarted?.stop();
  await fleet?.stop();
});

describe('what the live socket says', () => {
  it('starts with the host list, the enrolled host in it, online', async () => {
    const first = await live.next('the first message');
    expect(first.json.type).toBe('hosts');
    expect(first.json.hosts).toEqual(expect.arrayContaining([expect.objectContaining({ id: fleet.hostId, name: 'live-host', online: true })]));
  });

  it('answers ping with pong, and garbage with an error, and stays open', async () => {
    live.sendJson({ type: 'ping' });
    await live.take('pong', (m) => m.json?.type === 'pong');
    live.sendText('not json');
    expect((await live.take('an error', (m) => m.json?.type === 'error')).json.code).toBe('bad-request');
    live.sendText('x'.repeat(4096));
    expect((await live.take('an error', (m) => m.json?.type === 'error')).json.code).toBe('bad-request');
    expect(live.closeInfo).toBeUndefined();
  });

  it('tells of the host going offline when its agent stops, and online when it starts again', async () => {
    await fleet.agent.stop();
    const offline = await live.take('the host going offline', (m) => m.json?.type === 'host' && m.json.host.id === fleet.hostId && m.json.host.online === false);
    expect(offline.json.host).toMatchObject({ name: 'live-host', online: false });

    restarted = startAgent(fleet.agentData);
    const online = await live.take('the host coming back', (m) => m.json?.type === 'host' && m.json.host.id === fleet.hostId && m.json.host.online === true);
    expect(online.json.host.modules).toEqual(expect.arrayContaining(['process', 'file']));
    await waitUntilOnline(fleet.api, fleet.hostId);
  });

  it('sends each audit entry of a call made through the API', async () => {
    const res = await fleet.api.call(fleet.hostId, 'process', 'list');
    expect(res.status).toBe(200);
    const requested = await live.take('the requested audit entry', (m) => m.json?.type === 'audit' && m.json.entry.action === 'process.list');
    expect(requested.json.entry).toMatchObject({ user: 'admin', hostId: fleet.hostId, phase: 'requested' });
    const completed = await live.take('the completed audit entry', (m) => m.json?.type === 'audit' && m.json.entry.action === 'process.list');
    expect(completed.json.entry).toMatchObject({ phase: 'completed', result: 'ok' });
  });
});

describe('who may open it', () => {
  it('refuses a foreign Origin with 403, even with a valid session cookie', async () => {
    expect(await upgradeStatus(liveUrl, { cookie: viewer.cookie, origin: 'https://evil.example' })).toBe(403);
    expect(await upgradeStatus(liveUrl, { cookie: viewer.cookie, origin: origin.replace('127.0.0.1', 'localhost') })).toBe(403);
  });

  it('refuses an upgrade without Origin with 403', async () => {
    expect(await upgradeStatus(liveUrl, { cookie: viewer.cookie })).toBe(403);
  });

  it('refuses an upgrade without a session cookie, or with a made-up one, with 401', async () => {
    expect(await upgradeStatus(liveUrl, { origin })).toBe(401);
    expect(await upgradeStatus(liveUrl, { origin, cookie: 'gatehouse_session=not-a-real-session-token' })).toBe(401);
  });
});

describe('logging out', () => {
  it('closes the live socket of that session, and the cookie cannot open another', async () => {
    const cookie = viewer.cookie;
    expect((await viewer.request('DELETE', '/api/session')).status).toBe(204);
    const closed = await live.closed;
    expect(closed.code).toBe(4401);
    expect(await upgradeStatus(liveUrl, { origin, cookie })).toBe(401);
  });

  it('leaves other sessions’ sockets open', async () => {
    const other = new ApiClient(fleet.console.url);
    await other.login();
    const mine = await FrameSocket.open(liveUrl, { headers: { cookie: other.cookie, origin } });
    try {
      const theirs = new ApiClient(fleet.console.url);
      await theirs.login();
      expect((await theirs.request('DELETE', '/api/session')).status).toBe(204);
      await mine.next('the host list');
      mine.sendJson({ type: 'ping' });
      await mine.take('pong', (m) => m.json?.type === 'pong');
      expect(mine.closeInfo).toBeUndefined();
    } finally {
      mine.close();
    }
  });
});
