/**
 * Fuzzing every WebSocket a Gatehouse process reads (SECURITY.md rules 5 and 11) with fast-check, seeded and a
 * fixed number of runs each: random bytes, random and truncated JSON, known frames with fields of the wrong
 * type, unknown frame types, huge numbers, deep nesting, and oversized frames. The targets:
 *
 * - the real console's agent socket, before and after the handshake (frames an enrolled agent could send);
 * - the real console's answers to calls a hostile agent answers with garbage;
 * - the browser sockets of the real console: live updates and the terminal (control messages only: binary
 *   terminal frames are keystrokes into a real shell, and random keystrokes into a root shell are not a test);
 * - a real agent process, from a console this test plays (frames a compromised console could send).
 *
 * The console answers a bad agent frame with an `error` frame and keeps the link; a frame the WebSocket layer
 * itself refuses (bad UTF-8, oversized) closes that one link, and a real agent reconnects. After each batch the
 * processes are alive and well-behaved peers get correct answers.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { problemCodes } from '../../modules/kernel/errors.js';
import { moduleContracts } from '../../modules/registry.js';
import { isRunning } from '../support/agents.js';
import { startAgent, waitFor, type TestProcess } from '../support/console.js';
import { startFleet, type Fleet } from '../support/fleet.js';
import { connectAsAgent, enrollRawIdentity, FrameSocket, newAgentKey, signAuth, authFrameFor, socketUrl, writeAgentIdentity, type RawIdentity } from '../support/frames.js';
import { TerminalClient } from '../support/terminal.js';

const numRuns = 200;
const seed = 20261124;
const moduleNames = new Set(moduleContracts.map((c) => c.name));

let fleet: Fleet;
let raw: RawIdentity;
let rawLink: FrameSocket;
let work: string;

// --- what to send -------------------------------------------------------------------------------------------

/** A value that is never a real module or method name, so a mutated call can never run anything. */
const anyValue = fc.anything({ maxDepth: 3 }).filter((v) => !(typeof v === 'string' && (moduleNames.has(v) || /^[a-z][a-zA-Z]*$/.test(v))));

const hugeNumber = fc.constantFrom(1e308, -1e308, 2 ** 53 + 1, -(2 ** 31) - 1, 2 ** 32, -0, 0.5, Number.MAX_SAFE_INTEGER, Number.MIN_VALUE);

/** Harmless frames of every kind either side knows: nothing in them names a real module or channel. */
const knownFrames = (): Array<Record<string, unknown>> => [
  { type: 'hello', nonce: 'A'.repeat(43), console: { version: '1' } },
  { type: 'welcome', hostId: 'h_x', name: 'x' },
  { type: 'auth', hostId: 'h_x', signature: 'AA', agent: { version: '1' }, modules: [], policy: {} },
  { type: 'call', id: 7, module: 'gh-no-module', method: 'gh-no-method', params: {} },
  { type: 'open', channel: 9_999, module: 'gh-no-module', stream: 'gh-no-stream', params: {} },
  { type: 'result', id: 999_999, result: { ok: true } },
  { type: 'error', id: 999_999, code: 'internal-error', message: 'x' },
  { type: 'done', channel: 9_999 },
  { type: 'credit', channel: 9_999, bytes: 1024 },
  { type: 'close', channel: 9_999 },
  { type: 'control', channel: 9_999, message: {} },
  { type: 'event', channel: 9_999, message: {} },
  { type: 'ping', ts: 1 },
  { type: 'pong', ts: 1 },
  { type: 'status', status: { hostname: 'x' } },
  { type: 'metrics', samples: [] },
  { type: 'telemetry', stream: 'deadbeef', batches: [] },
  { type: 'telemetry-ack', stream: 'deadbeef', seq: 1 },
  // Browser messages (live and terminal sockets).
  { type: 'watch-site', siteId: 'no-such-site' },
  { type: 'unwatch-site' },
  { type: 'resize', cols: 80, rows: 24 },
  { type: 'ack', bytes: 1 },
];
const knownFrame = fc.constantFrom(...knownFrames());

type Outgoing = { text: string } | { binary: Buffer };

const deep = (n: number, open: string, close: string, inner = '0') => open.repeat(n) + inner + close.repeat(n);

/** One hostile frame. `maxBytes` bounds the random sizes (oversized frames are tested apart). */
const hostileFrame = (maxBytes = 4096, maxDepth = 100_000): fc.Arbitrary<Outgoing> =>
  fc.oneof(
    fc.uint8Array({ maxLength: maxBytes }).map((b) => ({ binary: Buffer.from(b) })),
    fc.uint8Array({ maxLength: maxBytes }).map((b) => ({ text: Buffer.from(b).toString('latin1') })),
    fc.string({ unit: 'binary', maxLength: maxBytes }).map((text) => ({ text })),
    fc.json({ maxDepth: 4 }).map((text) => ({ text })),
    fc.tuple(knownFrame, fc.nat()).map(([frame, cut]) => {
      const text = JSON.stringify(frame);
      return { text: text.slice(0, cut % text.length) };
    }),
    fc.tuple(knownFrame, fc.nat(), anyValue).map(([frame, which, value]) => {
      const keys = Object.keys(frame);
      return { text: JSON.stringify({ ...frame, [keys[which % keys.length]!]: value }) };
    }),
    fc.tuple(knownFrame, fc.nat(), hugeNumber).map(([frame, which, value]) => {
      const keys = Object.keys(frame).filter((k) => k !== 'type');
      const key = keys[which % Math.max(1, keys.length)] ?? 'id';
      return { text: JSON.stringify({ ...frame, [key]: value }) };
    }),
    fc.tuple(knownFrame, fc.constantFrom('1e999', '-1e999', '123456789012345678901234567890', '0x10', 'NaN', 'Infinity')).map(([frame, number]) => ({
      text: JSON.stringify({ ...frame, id: '__n__', ts: '__n__', bytes: '__n__', channel: '__n__' }).replaceAll('"__n__"', number),
    })),
    fc.record({ type: fc.string({ maxLength: 30 }).filter((t) => !knownFrames().some((f) => f.type === t)) }, { requiredKeys: [] }).chain((frame) =>
      fc.dictionary(fc.string({ maxLength: 10 }), anyValue, { maxKeys: 5 }).map((rest) => ({ text: JSON.stringify({ ...rest, ...frame }) })),
    ),
    fc.tuple(fc.integer({ min: 50, max: maxDepth }), fc.constantFrom(['[', ']'], ['{"a":', '}'])).map(([n, [open, close]]) => ({ text: deep(n, open!, close!) })),
    fc.tuple(knownFrame, fc.integer({ min: 50, max: maxDepth / 2 })).map(([frame, n]) => ({
      text: JSON.stringify({ ...frame, params: '__deep__', result: '__deep__', message: '__deep__' }).replaceAll('"__deep__"', deep(n, '[', ']')),
    })),
  );

function send(socket: FrameSocket, frame: Outgoing): void {
  if ('text' in frame) socket.sendText(frame.text);
  else socket.sendBinary(frame.binary);
}

let pingCounter = 1;
/** A ping round trip, or false when the socket closed first (which a hostile frame may cause). */
async function stillAnswers(socket: FrameSocket): Promise<boolean> {
  if (socket.closeInfo || socket.ws.readyState !== socket.ws.OPEN) return false;
  try {
    await socket.roundTrip(-pingCounter++);
    return true;
  } catch {
    expect(socket.closeInfo, 'no answer, yet the socket is open').toBeDefined();
    return false;
  }
}

async function consoleIsHealthy(): Promise<void> {
  expect(isRunning(fleet.console.process)).toBe(true);
  expect((await fleet.api.get('/api/health')).status).toBe(200);
  const list = await fleet.api.call(fleet.hostId, 'process', 'list');
  expect(list.status).toBe(200);
  expect(list.body.result.processes.some((p: { pid: number }) => p.pid === fleet.agent.child.pid)).toBe(true);
}

async function rawAgent(): Promise<FrameSocket> {
  if (!rawLink.closeInfo && rawLink.ws.readyState === rawLink.ws.OPEN) return rawLink;
  rawLink = await connectAsAgent(fleet.console.url, raw);
  rawLink.ignore = (m) => m.json?.type === 'ping' || (m.json?.type === 'error' && m.json.id === undefined);
  return rawLink;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'gh-fuzz-'));
  fleet = await startFleet({ name: 'fuzz-target' });
  raw = await enrollRawIdentity(fleet.console.url, await fleet.api.enrollmentToken({ autoApprove: true }), 'fuzz-raw');
  rawLink = await connectAsAgent(fleet.console.url, raw);
}, 60_000);

afterAll(async () => {
  rawLink?.close();
  await fleet?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the console`s agent socket', () => {
  it(`before the handshake: ${numRuns} hostile first frames are refused and the socket closed`, async () => {
    await fc.assert(
      fc.asyncProperty(hostileFrame(), async (frame) => {
        const socket = await FrameSocket.open(socketUrl(fleet.console.url, '/agent'));
        try {
          await socket.frame('hello');
          send(socket, frame);
          const closed = await socket.closed;
          // 4401 with an error frame first (the handshake's refusal), or the WebSocket layer's own close.
          expect([4401, 1002, 1007, 1009], JSON.stringify(closed)).toContain(closed.code);
          if (closed.code === 4401) expect(socket.messages.some((m) => m.json?.type === 'error')).toBe(true);
        } finally {
          socket.close();
        }
      }),
      { numRuns, seed },
    );
    await consoleIsHealthy();
  }, 120_000);

  it(`after the handshake: ${numRuns} hostile frames from an enrolled agent, and the console keeps serving`, async () => {
    let closes = 0;
    await fc.assert(
      fc.asyncProperty(hostileFrame(), async (frame) => {
        const link = await rawAgent();
        send(link, frame);
        if (!(await stillAnswers(link))) {
          closes += 1;
          // Only the WebSocket layer closes a link over one frame (bad UTF-8, a bad opcode); the console does not.
          expect([1002, 1007, 1009], JSON.stringify(link.closeInfo)).toContain(link.closeInfo!.code);
        }
      }),
      { numRuns, seed },
    );
    await consoleIsHealthy();
    // And the hostile agent, reconnected, is still a host the console talks to.
    const link = await rawAgent();
    expect(await stillAnswers(link)).toBe(true);
    expect(closes).toBeLessThan(numRuns);
  }, 120_000);

  it(`${numRuns} garbage answers to real calls: each is an error for the caller, never a hang or a crash`, async () => {
    const answer = fc.oneof(
      anyValue.map((result) => ({ kind: 'result' as const, result })),
      fc.integer({ min: 50, max: 50_000 }).map((n) => ({ kind: 'deep' as const, n })),
      fc.record({ processes: fc.array(fc.dictionary(fc.string({ maxLength: 8 }), anyValue, { maxKeys: 4 }), { maxLength: 3 }) }).map((result) => ({ kind: 'result' as const, result })),
      fc.tuple(fc.constantFrom(...problemCodes), fc.string({ maxLength: 4096 })).map(([code, message]) => ({ kind: 'error' as const, code, message })),
    );
    await fc.assert(
      fc.asyncProperty(answer, async (reply) => {
        const link = await rawAgent();
        const pending = fleet.api.call(raw.hostId, 'process', 'list');
        const call = await link.frame('call');
        if (reply.kind === 'result') link.sendJson({ type: 'result', id: call.id, result: reply.result });
        else if (reply.kind === 'deep') link.sendText(`{"type":"result","id":${call.id},"result":${deep(reply.n, '[', ']')}}`);
        else link.sendJson({ type: 'error', id: call.id, code: reply.code, message: reply.message });
        const res = await pending;
        if (reply.kind === 'error') {
          expect(res.body.error.code).toBe(reply.code);
        } else if (res.status !== 200) {
          expect(res.status).toBe(500);
          expect(res.body.error.message).toMatch(/does not match its contract/);
        }
      }),
      { numRuns, seed },
    );
    await consoleIsHealthy();
  }, 120_000);
});

describe('the console`s browser sockets', () => {
  const origin = () => new URL(fleet.console.url).origin;
  const openLive = () => FrameSocket.open(socketUrl(fleet.console.url, '/api/live'), { headers: { cookie: fleet.api.cookie, origin: origin() } });

  it(`live updates: ${numRuns} hostile messages, each answered or the socket closed, and a fresh page gets the hosts`, async () => {
    let live = await openLive();
    await fc.assert(
      fc.asyncProperty(hostileFrame(2048, 5_000), async (frame) => {
        if (live.closeInfo) live = await openLive();
        send(live, frame);
        live.sendJson({ type: 'ping' });
        try {
          await live.frame('pong');
        } catch {
          expect([1002, 1007, 1009]).toContain(live.closeInfo?.code);
        }
      }),
      { numRuns, seed },
    );
    live.close();
    const fresh = await openLive();
    const hosts = await fresh.frame('hosts');
    expect(hosts.hosts.map((h: { id: string }) => h.id)).toContain(fleet.hostId);
    fresh.close();
    await consoleIsHealthy();
  }, 120_000);

  it(`terminal: ${numRuns} hostile control messages, and the shell still runs what is typed`, async () => {
    const openTerminal = async () => {
      const terminal = await TerminalClient.open(fleet.console.url, fleet.hostId, fleet.api);
      await terminal.message('attached');
      return terminal;
    };
    let terminal = await openTerminal();
    await fc.assert(
      fc.asyncProperty(
        hostileFrame(2048, 5_000).filter((f) => 'text' in f),
        async (frame) => {
          if (terminal.closeInfo) terminal = await openTerminal();
          const before = terminal.messages.length;
          terminal.ws.send((frame as { text: string }).text);
          // A probe the bridge answers with "not JSON": once that answer is in, the hostile frame was handled.
          terminal.ws.send('sync');
          try {
            for (;;) {
              const answer = await terminal.message('error');
              if (answer.message === 'not JSON' && terminal.messages.lastIndexOf(answer) >= before) break;
            }
          } catch {
            expect([1007, 1009], JSON.stringify(terminal.closeInfo)).toContain(terminal.closeInfo?.code);
          }
        },
      ),
      { numRuns, seed },
    );
    if (terminal.closeInfo) terminal = await openTerminal();
    const from = terminal.position;
    terminal.type('echo "fuzz-$((6*7))-ok"\r');
    await terminal.output(/fuzz-42-ok/, from);
    terminal.close();
    await consoleIsHealthy();
  }, 120_000);
});

describe('a real agent, from a console this test plays', () => {
  const hostId = 'h_fuzzedagent000001';
  const key = newAgentKey();
  let server: WebSocketServer;
  let agent: TestProcess;
  const connections: FrameSocket[] = [];
  let link: FrameSocket;

  async function handshake(socket: FrameSocket): Promise<void> {
    const nonce = randomBytes(32).toString('base64url');
    socket.sendJson({ type: 'hello', nonce, console: { version: 'fuzz' } });
    await socket.frame('auth');
    socket.sendJson({ type: 'welcome', hostId, name: 'fuzzed-agent' });
    socket.ignore = (m) => ['status', 'metrics', 'telemetry'].includes(m.json?.type) || (m.json?.type === 'error' && m.json.id === undefined);
  }

  /** The current link, or the agent's next connection once it has reconnected. */
  async function agentLink(): Promise<FrameSocket> {
    if (!link.closeInfo && link.ws.readyState === link.ws.OPEN) return link;
    const count = connections.length;
    link = await waitFor('the agent to reconnect', () => (connections.length > count ? connections.at(-1) : undefined), 30_000);
    await handshake(link);
    return link;
  }

  let nextId = 1;
  async function call(module: string, method: string, params: unknown): Promise<any> {
    const socket = await agentLink();
    const id = 1_000_000 + nextId++;
    socket.sendJson({ type: 'call', id, module, method, params, actor: { user: 'fuzz' } });
    return (await socket.take(`the answer to ${id}`, (m) => (m.json?.type === 'result' || m.json?.type === 'error') && m.json.id === id)).json;
  }

  beforeAll(async () => {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/agent', perMessageDeflate: false, maxPayload: 64 * 1024 * 1024 });
    await once(server, 'listening');
    server.on('connection', (ws) => connections.push(new FrameSocket(ws)));
    const agentData = join(work, 'agent');
    await writeAgentIdentity(agentData, { console: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hostId }, key.privateKey);
    agent = startAgent(agentData);
    link = await waitFor('the agent to connect', () => connections[0], 15_000);
    await handshake(link);
  }, 30_000);

  afterAll(async () => {
    await agent?.stop();
    for (const socket of connections) socket.close();
    if (server) await new Promise((r) => server.close(r));
  });

  it(`${numRuns} hostile frames after the handshake: the agent answers or reconnects, and still serves calls`, async () => {
    await fc.assert(
      fc.asyncProperty(hostileFrame(), async (frame) => {
        const socket = await agentLink();
        send(socket, frame);
        if (!(await stillAnswers(socket))) expect([1002, 1007, 1009]).toContain(socket.closeInfo!.code);
        expect(isRunning(agent)).toBe(true);
      }),
      { numRuns, seed },
    );
    expect(isRunning(agent)).toBe(true);
    const answer = await call('process', 'list', {});
    expect(answer.type).toBe('result');
    expect(answer.result.processes.some((p: { pid: number }) => p.pid === agent.child.pid)).toBe(true);
  }, 120_000);

  it('oversized frames close that one link; the agent reconnects and serves, and so does the console', async () => {
    const big = 'x'.repeat(9 * 1024 * 1024);
    const socket = await agentLink();
    socket.sendText(`{"type":"ping","ts":1,"pad":"${big}"}`);
    expect((await socket.closed).code).toBe(1009);
    expect((await call('process', 'list', {})).type).toBe('result');
    expect(isRunning(agent)).toBe(true);

    const rawSide = await rawAgent();
    rawSide.sendText(`{"type":"ping","ts":1,"pad":"${big}"}`);
    expect((await rawSide.closed).code).toBe(1009);
    expect(await stillAnswers(await rawAgent())).toBe(true);

    const live = await FrameSocket.open(socketUrl(fleet.console.url, '/api/live'), { headers: { cookie: fleet.api.cookie, origin: new URL(fleet.console.url).origin } });
    live.sendText('x'.repeat(100 * 1024));
    expect((await live.closed).code).toBe(1009);

    const terminal = await TerminalClient.open(fleet.console.url, fleet.hostId, fleet.api);
    await terminal.message('attached');
    terminal.ws.send('y'.repeat(100 * 1024));
    expect((await terminal.closed).code).toBe(1009);
    await consoleIsHealthy();
  }, 60_000);

  it('a forged auth after the hostile batches is still refused (the fuzzing opened no door)', async () => {
    const socket = await FrameSocket.open(socketUrl(fleet.console.url, '/agent'));
    const hello = await socket.frame('hello');
    socket.sendJson(authFrameFor(raw.hostId, signAuth(newAgentKey().privateKey, hello.nonce, raw.hostId)));
    expect((await socket.frame('error')).code).toBe('unauthorized');
    socket.close();
  });
});
