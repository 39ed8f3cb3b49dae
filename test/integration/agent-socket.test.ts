/**
 * Hostile clients on the console's /agent socket (SECURITY.md rules 4, 5, 11), against a real console with one
 * real enrolled agent running: browsers are refused, unknown and replayed identities are refused, bad frames get
 * an error and the connection keeps serving, an oversized frame closes only that socket. Through all of it the
 * console stays up and the real agent stays online and callable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeDataFrame, maxControlFrameBytes } from '../../modules/kernel/wire.js';
import { ApiClient } from '../support/client.js';
import { isRunning } from '../support/agents.js';
import { startFleet, type Fleet } from '../support/fleet.js';
import {
  FrameSocket,
  authFrameFor,
  connectAsAgent,
  enrollRawIdentity,
  newAgentKey,
  signAuth,
  socketUrl,
  upgradeStatus,
  type RawIdentity,
} from '../support/frames.js';

let fleet: Fleet;
let agentUrl: string;
/** Opened first and left silent; checked at the end for the console's 10 s authentication timeout. */
let idle: FrameSocket;
let raw: RawIdentity;
const sockets: FrameSocket[] = [];

function track(socket: FrameSocket): FrameSocket {
  sockets.push(socket);
  return socket;
}

async function realAgentStillServes(): Promise<void> {
  const host = await fleet.api.get(`/api/hosts/${fleet.hostId}`);
  expect(host.body.online).toBe(true);
  const list = await fleet.api.call(fleet.hostId, 'process', 'list');
  expect(list.status).toBe(200);
  expect(list.body.result.processes.some((p: { pid: number }) => p.pid === fleet.agent.child.pid)).toBe(true);
}

beforeAll(async () => {
  fleet = await startFleet({ name: 'real-agent' });
  agentUrl = socketUrl(fleet.console.url, '/agent');
  idle = track(await FrameSocket.open(agentUrl));
  raw = await enrollRawIdentity(fleet.console.url, await fleet.api.enrollmentToken({ autoApprove: true }), 'raw-peer');
});

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await fleet?.stop();
});

describe('who may open /agent', () => {
  it('refuses an upgrade that carries a browser Origin with 403, even the console’s own', async () => {
    expect(await upgradeStatus(agentUrl, { origin: 'https://evil.example' })).toBe(403);
    expect(await upgradeStatus(agentUrl, { origin: new URL(fleet.console.url).origin })).toBe(403);
    expect(await upgradeStatus(socketUrl(fleet.console.url, '/not-a-socket'))).toBe(404);
  });

  it('refuses an unknown host id signed by a fresh key with unauthorized, then closes', async () => {
    const socket = track(await FrameSocket.open(agentUrl));
    const hello = await socket.frame('hello');
    expect(hello.nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const stranger = newAgentKey();
    socket.sendJson(authFrameFor('h_nobodyknowsthishost', signAuth(stranger.privateKey, hello.nonce, 'h_nobodyknowsthishost')));
    const error = await socket.frame('error');
    expect(error.code).toBe('unauthorized');
    expect(error.message).toMatch(/\S/);
    expect((await socket.closed).code).toBe(4401);
  });

  it('refuses the real agent’s host id signed by another key, and the real agent keeps its connection', async () => {
    const socket = track(await FrameSocket.open(agentUrl));
    const hello = await socket.frame('hello');
    const impostor = newAgentKey();
    socket.sendJson(authFrameFor(fleet.hostId, signAuth(impostor.privateKey, hello.nonce, fleet.hostId)));
    expect((await socket.frame('error')).code).toBe('unauthorized');
    await socket.closed;
    await realAgentStillServes();
  });

  it('refuses a first frame that is not an auth frame with bad-request, then closes', async () => {
    const notJson = track(await FrameSocket.open(agentUrl));
    await notJson.frame('hello');
    notJson.sendText('{"type": "auth", ');
    expect((await notJson.frame('error')).code).toBe('bad-request');
    await notJson.closed;

    const binary = track(await FrameSocket.open(agentUrl));
    await binary.frame('hello');
    binary.sendBinary(Buffer.from([0, 0, 0, 1, 42]));
    expect((await binary.frame('error')).code).toBe('bad-request');
    await binary.closed;

    const wrongShape = track(await FrameSocket.open(agentUrl));
    await wrongShape.frame('hello');
    wrongShape.sendJson({ type: 'auth', hostId: raw.hostId, signature: 'x'.repeat(5000) });
    const error = await wrongShape.frame('error');
    expect(error.code).toBe('bad-request');
    expect(error.message).toMatch(/auth/);
    await wrongShape.closed;
  });
});

describe('signatures are bound to one connection', () => {
  it('accepts a correctly signed nonce, and refuses the same signature replayed on a new connection', async () => {
    const first = track(await FrameSocket.open(agentUrl));
    const hello1 = await first.frame('hello');
    const signature = signAuth(raw.privateKey, hello1.nonce, raw.hostId);
    first.sendJson(authFrameFor(raw.hostId, signature));
    const welcome = await first.frame('welcome');
    expect(welcome).toMatchObject({ hostId: raw.hostId, name: 'raw-peer' });

    const second = track(await FrameSocket.open(agentUrl));
    const hello2 = await second.frame('hello');
    expect(hello2.nonce).not.toBe(hello1.nonce);
    second.sendJson(authFrameFor(raw.hostId, signature));
    const error = await second.frame('error');
    expect(error.code).toBe('unauthorized');
    expect((await second.closed).code).toBe(4401);

    // The replay did not displace the genuine connection.
    await first.roundTrip();
    expect((await fleet.api.get(`/api/hosts/${raw.hostId}`)).body.online).toBe(true);
    first.close();
    await first.closed;
  });

  it('refuses a signature made over a certificate fingerprint this console does not have (a relaying man in the middle)', async () => {
    const socket = track(await FrameSocket.open(agentUrl));
    const hello = await socket.frame('hello');
    socket.sendJson(authFrameFor(raw.hostId, signAuth(raw.privateKey, hello.nonce, raw.hostId, 'ab'.repeat(32))));
    expect((await socket.frame('error')).code).toBe('unauthorized');
    await socket.closed;
  });
});

describe('an authenticated agent that sends garbage', () => {
  it('answers each bad frame with its error code, ignores what the protocol says to ignore, and keeps serving', async () => {
    const socket = track(await connectAsAgent(fleet.console.url, raw));
    socket.sendText('{"type": "result", "id": ');
    socket.sendJson({ type: 'explode', id: 1 });
    socket.sendJson({ type: 'result', id: 424242, result: { processes: [] } }); // unknown call id: a late answer, ignored
    socket.sendJson({ type: 'error', id: 424243, code: 'internal-error', message: 'late' }); // likewise
    socket.sendJson({ type: 'credit', channel: 77, bytes: 1024 }); // for no open channel: ignored
    socket.sendJson({ type: 'close', channel: 77 }); // likewise
    socket.sendBinary(encodeDataFrame(99, Buffer.from('data for a channel nobody opened')));
    socket.sendBinary(Buffer.from([0x00, 0x01]));
    socket.sendJson(authFrameFor(raw.hostId, 'x'));
    socket.sendJson({ type: 'ping', ts: 4242 });

    const answers = [];
    for (let i = 0; i < 6; i++) answers.push((await socket.next(`answer ${i + 1}`)).json);
    expect(answers.map((a) => [a.type, a.code])).toEqual([
      ['error', 'bad-request'], // not JSON
      ['error', 'bad-request'], // unknown type
      ['error', 'unknown-channel'], // channel 99
      ['error', 'unknown-channel'], // 2 bytes: no channel number at all
      ['error', 'bad-request'], // auth after welcome
      ['pong', undefined],
    ]);
    for (const error of answers.slice(0, 5)) {
      expect(error.message).toMatch(/\S/);
      expect(error.id).toBeUndefined();
    }
    expect(answers[1].message).toMatch(/type/);
    expect(answers[2].message).toMatch(/99/);
    expect(answers[4].message).toMatch(/already authenticated/);
    expect(answers[5].ts).toBe(4242);
    expect(socket.closeInfo).toBeUndefined();
    socket.close();
    await socket.closed;
  });

  it('refuses an oversized status report with bad-request and keeps the connection', async () => {
    const socket = track(await connectAsAgent(fleet.console.url, raw));
    socket.sendJson({
      type: 'status',
      status: {
        hostname: 'h'.repeat(10_000),
        os: 'Debian',
        kernel: '6.1',
        arch: 'x64',
        uptimeSeconds: 1,
        cpuCount: 1,
        cpuModel: 'x',
        cpuPercent: 1,
        load: [0, 0, 0],
        memoryTotalBytes: 2,
        memoryUsedBytes: 1,
        agentVersion: 'x',
        reportedAt: new Date().toISOString(),
      },
    });
    const error = await socket.next('an error for the oversized status');
    expect(error.json).toMatchObject({ type: 'error', code: 'bad-request' });
    expect(error.json.message).toMatch(/hostname/);
    await socket.roundTrip();
    expect((await fleet.api.get(`/api/hosts/${raw.hostId}`)).body.status?.hostname ?? '').not.toMatch(/hhhh/);
    socket.close();
    await socket.closed;
  });

  it('never passes an agent’s answer that breaks the method’s contract on to the user', async () => {
    const socket = track(await connectAsAgent(fleet.console.url, raw));
    const pending = fleet.api.call(raw.hostId, 'process', 'list');
    const call = await socket.frame('call');
    expect(call).toMatchObject({ module: 'process', method: 'list', actor: { user: 'admin' } });
    socket.sendJson({ type: 'result', id: call.id, result: { processes: '<img src=x onerror=alert(1)>', sampledAt: 'now' } });
    const res = await pending;
    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe('internal-error');
    expect(res.body.error.message).toMatch(/does not match its contract/);
    expect(JSON.stringify(res.body)).not.toMatch(/onerror/);
    socket.close();
    await socket.closed;
  });
});

const oversized = () => 'x'.repeat(maxControlFrameBytes + 65);

describe('oversized frames', () => {
  it('closes an authenticated socket that sends more than 8 MiB in one frame with 1009, and the console keeps serving', async () => {
    const socket = track(await connectAsAgent(fleet.console.url, raw));
    socket.sendText(oversized());
    expect((await socket.closed).code).toBe(1009);
    expect((await new ApiClient(fleet.console.url).get('/api/health')).status).toBe(200);
    await realAgentStillServes();
    // The identity is not banned for it: it can connect again.
    const again = track(await connectAsAgent(fleet.console.url, raw));
    await again.roundTrip();
    again.close();
    await again.closed;
  });
});

/**
 * Before authentication the same must hold. Each case gets a console of its own, so that if one brings its console
 * down it fails alone instead of taking the tests after it along.
 */
describe('bad frames before authentication', () => {
  async function withOwnFleet(run: (socket: FrameSocket) => Promise<void>): Promise<void> {
    const own = await startFleet({ name: 'bystander' });
    try {
      const socket = track(await FrameSocket.open(socketUrl(own.console.url, '/agent')));
      await socket.frame('hello');
      await run(socket);
      const health = await new ApiClient(own.console.url).get('/api/health').catch((err: unknown) => err as Error);
      const seen = health instanceof Error ? `console unreachable (${health.message}); its last output:\n${own.console.process.output.slice(-25).join('\n')}` : health.status;
      expect(seen).toBe(200);
      expect(isRunning(own.console.process)).toBe(true);
      const list = await own.api.call(own.hostId, 'process', 'list');
      expect(list.status).toBe(200);
    } finally {
      await own.stop();
    }
  }

  it('closes a socket that sends more than 8 MiB before authenticating with 1009, and the console keeps serving', async () => {
    await withOwnFleet(async (socket) => {
      socket.sendText(oversized());
      expect((await socket.closed).code).toBe(1009);
    });
  });

  it('closes a socket whose first text frame is not UTF-8 with 1007, and the console keeps serving', async () => {
    await withOwnFleet(async (socket) => {
      socket.ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
      expect((await socket.closed).code).toBe(1007);
    });
  });
});

describe('silence', () => {
  it('ends a connection that does not authenticate within 10 s with a timeout error', async () => {
    const hello = await idle.frame('hello');
    expect(hello.nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const error = await idle.frame('error', 12_000);
    expect(error.code).toBe('timeout');
    expect(error.message).toMatch(/10 s/);
    expect((await idle.closed).code).toBe(4401);
  }, 15_000);
});

describe('after all of it', () => {
  it('the console process is alive and the real agent is online and answering', async () => {
    expect(isRunning(fleet.console.process)).toBe(true);
    expect(isRunning(fleet.agent)).toBe(true);
    await realAgentStillServes();
  });
});
