/**
 * A real agent process against a console this test plays itself with `ws` (SECURITY.md rules 5 and 11 from the
 * agent's side): the agent proves its identity over our nonce, then answers malformed frames, unknown modules,
 * bad params and stray data with error codes, serves a real download within the credit it is given, and keeps
 * running and reconnecting through all of it. The fake console exists because these are frames a real console
 * never sends.
 */
import { createHash, createPublicKey, randomBytes, verify } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { contract as processContract } from '../../modules/process/contract.js';
import { contract as fileContract } from '../../modules/file/contract.js';
import { authMessage, encodeDataFrame, initialStreamWindowBytes, maxControlFrameBytes, statusFrame } from '../../modules/kernel/wire.js';
import { isRunning } from '../support/agents.js';
import { startAgent, waitFor, type TestProcess } from '../support/console.js';
import { FrameSocket, newAgentKey, writeAgentIdentity } from '../support/frames.js';

const hostId = 'h_fakeconsolehost0001';
const key = newAgentKey();
let server: WebSocketServer;
let port: number;
let work: string;
let agentData: string;
let agent: TestProcess;
/** Every connection the agent made to us, in order. */
const connections: FrameSocket[] = [];
let link: FrameSocket;
let firstAuth: any;

/** Play the console's side of the handshake on a fresh connection; returns the agent's auth frame. */
async function handshake(socket: FrameSocket): Promise<any> {
  const nonce = randomBytes(32).toString('base64url');
  socket.sendJson({ type: 'hello', nonce, console: { version: 'fake-1' } });
  const auth = await socket.frame('auth');
  const publicKey = createPublicKey({ key: Buffer.from(key.publicKeyBase64, 'base64'), format: 'der', type: 'spki' });
  const valid = verify(null, authMessage(nonce, hostId, ''), publicKey, Buffer.from(auth.signature, 'base64url'));
  if (!valid) throw new Error('the agent’s signature does not verify');
  socket.sendJson({ type: 'welcome', hostId, name: 'fake-console-host' });
  // Status reports arrive every 5 s; they are checked once below and otherwise out of the way.
  socket.ignore = (m) => m.json?.type === 'status';
  return auth;
}

async function nextConnection(count: number): Promise<FrameSocket> {
  return waitFor(`connection ${count} from the agent`, () => connections[count - 1], 15_000);
}

let nextId = 1;
async function call(module: string, method: string, params: unknown): Promise<any> {
  const id = nextId++;
  link.sendJson({ type: 'call', id, module, method, params, actor: { user: 'fake-admin' } });
  return (await link.take(`the answer to call ${id}`, (m) => (m.json?.type === 'result' || m.json?.type === 'error') && m.json.id === id)).json;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'gh-fake-console-'));
  agentData = join(work, 'agent');
  server = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/agent', perMessageDeflate: false, maxPayload: 64 * 1024 * 1024 });
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
  server.on('connection', (ws) => connections.push(new FrameSocket(ws)));
  await writeAgentIdentity(agentData, { console: `http://127.0.0.1:${port}`, hostId }, key.privateKey);
  agent = startAgent(agentData);
  link = await nextConnection(1);
  firstAuth = await handshake(link);
});

afterAll(async () => {
  await agent?.stop();
  for (const socket of connections) socket.close();
  if (server) await new Promise((r) => server.close(r));
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the handshake', () => {
  it('signs our nonce with its enrolled key and tells us its modules and policy', async () => {
    expect(firstAuth).toMatchObject({ type: 'auth', hostId, modules: expect.arrayContaining(['process', 'file']) });
    expect(firstAuth.policy).toMatchObject({ readOnly: false, fileRoots: ['/'] });
    // The first report goes out as soon as the session starts.
    const status = await waitFor('a status report', () => link.messages.find((m) => m.json?.type === 'status'));
    const parsed = statusFrame.safeParse(status.json);
    expect(parsed.success, JSON.stringify(parsed.error?.issues?.[0])).toBe(true);
    expect(status.json.status.hostname).toMatch(/\S/);
  });
});

describe('hostile frames from the console', () => {
  it('answers malformed JSON with bad-request', async () => {
    link.sendText('{"type": "call", "id": 1, ');
    const error = (await link.next('an error for the malformed frame')).json;
    expect(error).toMatchObject({ type: 'error', code: 'bad-request' });
    expect(error.message).toMatch(/JSON/);
  });

  it('answers a frame of an unknown type, or a hello after welcome, with bad-request', async () => {
    link.sendJson({ type: 'format-disk', id: 1 });
    expect((await link.next('an error for the unknown type')).json).toMatchObject({ type: 'error', code: 'bad-request' });
    link.sendJson({ type: 'hello', nonce: randomBytes(32).toString('base64url'), console: { version: 'x' } });
    const error = (await link.next('an error for the late hello')).json;
    expect(error).toMatchObject({ type: 'error', code: 'bad-request' });
    expect(error.message).toMatch(/handshake/);
  });

  it('answers a call to an unknown module with unknown-module', async () => {
    const answer = await call('nope', 'list', {});
    expect(answer).toMatchObject({ type: 'error', code: 'unknown-module' });
    expect(answer.message).toMatch(/nope/);
  });

  it('answers an unknown method with unknown-method', async () => {
    const answer = await call('process', 'explode', {});
    expect(answer).toMatchObject({ type: 'error', code: 'unknown-method' });
  });

  it('answers params that fail the schema with invalid-params naming the field, and signals nothing', async () => {
    const answer = await call('process', 'signal', { pid: 'x', signal: 'KILL' });
    expect(answer).toMatchObject({ type: 'error', code: 'invalid-params' });
    expect(answer.message).toMatch(/pid/);
    expect(isRunning(agent)).toBe(true);
  });

  it('answers process.list with a result that validates against the process contract', async () => {
    const answer = await call('process', 'list', {});
    expect(answer.type).toBe('result');
    const parsed = processContract.methods.list.result.safeParse(answer.result);
    expect(parsed.success, JSON.stringify(parsed.error?.issues?.[0])).toBe(true);
    expect(answer.result.processes.some((p: { pid: number }) => p.pid === agent.child.pid)).toBe(true);
  });

  it('answers data on a channel that is not open with unknown-channel', async () => {
    link.sendBinary(encodeDataFrame(7, Buffer.from('stray bytes')));
    const error = (await link.next('an error for the stray data')).json;
    expect(error).toMatchObject({ type: 'error', code: 'unknown-channel' });
    expect(error.message).toMatch(/7/);
    link.sendBinary(Buffer.from([1, 2]));
    expect((await link.next('an error for the 2-byte frame')).json).toMatchObject({ type: 'error', code: 'unknown-channel' });
  });

  it('still answers ping with pong', async () => {
    link.sendJson({ type: 'ping', ts: 31337 });
    expect((await link.next('pong')).json).toEqual({ type: 'pong', ts: 31337 });
  });
});

describe('a download under flow control', () => {
  it('sends one window (1 MiB) without credit, stops, and sends the rest once credit is granted', async () => {
    const data = randomBytes(3 * 1024 * 1024 + 123);
    const path = join(work, 'download.bin');
    await writeFile(path, data);
    const channel = 5;
    const received = () => link.messages.filter((m) => m.channel === channel && m.payload).reduce((n, m) => n + m.payload!.length, 0);

    link.sendJson({ type: 'open', channel, module: 'file', stream: 'download', params: { path }, actor: { user: 'fake-admin' } });
    await waitFor('one window of data', () => received() >= initialStreamWindowBytes);
    // Everything the agent sent before answering a ping has arrived once the pong has: if it ignored the window,
    // more bytes would be here by now.
    for (let i = 0; i < 3; i++) await link.roundTrip(1000 + i);
    expect(received()).toBe(initialStreamWindowBytes);
    expect(link.messages.some((m) => m.json?.type === 'close' && m.json.channel === channel)).toBe(false);

    link.sendJson({ type: 'credit', channel, bytes: data.length });
    const close = await link.take('the close of the download', (m) => m.json?.type === 'close' && m.json.channel === channel, 15_000);
    expect(close.json.problem).toBeUndefined();
    const result = fileContract.streams.download.result.parse(close.json.result);
    expect(result).toMatchObject({ path, size: data.length });
    expect(result.version).toBe(`sha256:${createHash('sha256').update(data).digest('hex')}`);
    const bytes = Buffer.concat(link.messages.filter((m) => m.channel === channel && m.payload).map((m) => m.payload!));
    expect(Buffer.compare(bytes, data)).toBe(0);
  });

  it('refuses to open a channel number that is already open', async () => {
    const path = join(work, 'second.bin');
    await writeFile(path, randomBytes(2 * 1024 * 1024));
    link.sendJson({ type: 'open', channel: 6, module: 'file', stream: 'download', params: { path } });
    link.sendJson({ type: 'open', channel: 6, module: 'file', stream: 'download', params: { path } });
    const refused = await link.take('a close for the duplicate channel', (m) => m.json?.type === 'close' && m.json.channel === 6);
    expect(refused.json.problem).toMatchObject({ code: 'bad-request' });
    // Cancel the first one: the agent stops it and the link stays usable.
    link.sendJson({ type: 'close', channel: 6 });
    await link.roundTrip();
  });
});

describe('losing the console', () => {
  it('reconnects by itself when the console closes the socket, and proves its identity again', async () => {
    const before = connections.length;
    link.ws.close(1001, 'fake console going away');
    link = await nextConnection(before + 1);
    const auth = await handshake(link);
    expect(auth.hostId).toBe(hostId);
    await link.roundTrip();
  });

  it('closes a link that sends an oversized frame (1009) and reconnects', async () => {
    const before = connections.length;
    const old = link;
    old.sendText('x'.repeat(maxControlFrameBytes + 65));
    expect((await old.closed).code).toBe(1009);
    link = await nextConnection(before + 1);
    await handshake(link);
    await link.roundTrip();
  });

  it('drops a console that answers the connection with garbage instead of hello, and tries again', async () => {
    const before = connections.length;
    const old = link;
    old.ws.close(1001, 'restart');
    const garbage = await nextConnection(before + 1);
    garbage.sendText('this is not a hello');
    await garbage.closed;
    link = await nextConnection(before + 2);
    await handshake(link);
    await link.roundTrip();
  });

  it('is still running at the end', async () => {
    expect(isRunning(agent)).toBe(true);
    expect(agent.output.join('\n')).not.toMatch(/uncaught|unhandled/i);
    const answer = await call('process', 'list', {});
    expect(answer.type).toBe('result');
  });
});
