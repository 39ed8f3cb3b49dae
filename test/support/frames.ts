/**
 * Raw WebSocket peers for hostile-input tests: a client that speaks (or mis-speaks) the agent protocol to a real
 * console, and the same wrapper around the server side of a fake console a real agent dials into. Messages are
 * queued as they arrive so a test can wait for the next one, or for one that matches, without sleeping.
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import WebSocket from 'ws';
import { authMessage, decodeDataFrame } from '../../modules/kernel/wire.js';
import { ApiClient } from './client.js';

export interface Message {
  /** Parsed JSON of a text frame (undefined when the text was not JSON). */
  json?: any;
  text?: string;
  /** A binary frame, with its channel when it was long enough to carry one. */
  binary?: Buffer;
  channel?: number;
  payload?: Buffer;
}

export interface CloseInfo {
  code: number;
  reason: string;
}

export class FrameSocket {
  readonly ws: WebSocket;
  readonly messages: Message[] = [];
  readonly errors: Error[] = [];
  /** Messages this filter accepts are recorded but never returned by next() (e.g. the agent's status reports). */
  ignore: (m: Message) => boolean = () => false;
  closeInfo: CloseInfo | undefined;
  readonly closed: Promise<CloseInfo>;
  #cursor = 0;
  #wake: Array<() => void> = [];

  constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data, isBinary) => {
      const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      if (isBinary) {
        const decoded = decodeDataFrame(buffer);
        this.messages.push({ binary: buffer, channel: decoded?.channel, payload: decoded?.payload });
      } else {
        const text = buffer.toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        this.messages.push({ text, json });
      }
      this.#notify();
    });
    ws.on('error', (err) => {
      this.errors.push(err);
      this.#notify();
    });
    this.closed = new Promise((resolve) =>
      ws.once('close', (code, reason) => {
        this.closeInfo = { code, reason: reason.toString('utf8') };
        resolve(this.closeInfo);
        this.#notify();
      }),
    );
  }

  /** Open a client connection; rejects with the HTTP status when the upgrade is refused. */
  static open(url: string, options: WebSocket.ClientOptions = {}): Promise<FrameSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false, ...options });
      const socket = new FrameSocket(ws);
      ws.once('open', () => resolve(socket));
      ws.once('unexpected-response', (_req, res) => {
        reject(Object.assign(new Error(`upgrade refused with HTTP ${res.statusCode}`), { status: res.statusCode }));
        res.resume();
        ws.terminate();
      });
      ws.once('error', reject);
    });
  }

  sendJson(frame: unknown): void {
    this.ws.send(JSON.stringify(frame));
  }

  sendText(text: string): void {
    this.ws.send(text);
  }

  sendBinary(data: Buffer): void {
    this.ws.send(data, { binary: true });
  }

  /** The next message not ignored, in arrival order. */
  next(what = 'the next message', timeoutMs = 10_000): Promise<Message> {
    return this.take(what, () => true, timeoutMs);
  }

  /** Skip forward to the first message (not ignored) that matches; everything before it is consumed. */
  async take(what: string, match: (m: Message) => boolean, timeoutMs = 10_000): Promise<Message> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.#cursor < this.messages.length) {
        const m = this.messages[this.#cursor++]!;
        if (!this.ignore(m) && match(m)) return m;
      }
      if (this.closeInfo) throw new Error(`socket closed (${this.closeInfo.code} ${this.closeInfo.reason}) before ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#wake.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Wait for the next JSON frame of a type. */
  async frame(type: string, timeoutMs = 10_000): Promise<any> {
    return (await this.take(`a ${type} frame`, (m) => m.json?.type === type, timeoutMs)).json;
  }

  /** Round trip a ping; resolves when the matching pong arrives (everything the peer sent before it has arrived). */
  async roundTrip(ts = Date.now()): Promise<void> {
    this.sendJson({ type: 'ping', ts });
    await this.take(`pong ${ts}`, (m) => m.json?.type === 'pong' && m.json.ts === ts);
  }

  close(): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.terminate();
  }

  #notify(): void {
    const waiters = this.#wake;
    this.#wake = [];
    for (const wake of waiters) wake();
  }
}

/** The HTTP status a WebSocket upgrade gets (101 when it is accepted). */
export function upgradeStatus(url: string, headers: Record<string, string> = {}, options: WebSocket.ClientOptions = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false, headers, ...options });
    ws.once('open', () => {
      resolve(101);
      ws.terminate();
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      ws.terminate();
    });
    ws.once('error', (err) => reject(err));
  });
}

/** ws://… or wss://… for a console URL and path. */
export function socketUrl(consoleUrl: string, path: string): string {
  const url = new URL(path, consoleUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

export interface RawIdentity {
  hostId: string;
  privateKey: KeyObject;
  publicKeyBase64: string;
}

export function newAgentKey(): { privateKey: KeyObject; publicKeyBase64: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKeyBase64: publicKey.export({ type: 'spki', format: 'der' }).toString('base64') };
}

/** An auth signature as an agent makes it: Ed25519 over authMessage, base64url. */
export function signAuth(privateKey: KeyObject, nonce: string, hostId: string, fingerprint = ''): string {
  return sign(null, authMessage(nonce, hostId, fingerprint), privateKey).toString('base64url');
}

export function authFrameFor(hostId: string, signature: string, modules: string[] = ['process', 'file']) {
  return { type: 'auth', hostId, signature, agent: { version: 'test-raw' }, modules, policy: {} };
}

/** Register a key of our own with POST /agent/enroll, as `gatehouse-agent enroll` would on plain loopback HTTP. */
export async function enrollRawIdentity(consoleUrl: string, token: string, name = 'raw-peer'): Promise<RawIdentity> {
  const key = newAgentKey();
  const agentSide = new ApiClient(consoleUrl);
  agentSide.origin = undefined;
  const res = await agentSide.post('/agent/enroll', { token, publicKey: key.publicKeyBase64, name, agentVersion: 'test-raw' });
  if (res.status !== 201) throw new Error(`enroll failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { hostId: res.body.hostId, ...key };
}

/** Connect to /agent and complete the handshake; resolves with the socket after `welcome`. */
export async function connectAsAgent(consoleUrl: string, identity: RawIdentity, options: WebSocket.ClientOptions = {}): Promise<FrameSocket> {
  const socket = await FrameSocket.open(socketUrl(consoleUrl, '/agent'), options);
  const hello = await socket.frame('hello');
  socket.sendJson(authFrameFor(identity.hostId, signAuth(identity.privateKey, hello.nonce, identity.hostId)));
  const answer = await socket.take('welcome or error', (m) => m.json?.type === 'welcome' || m.json?.type === 'error');
  if (answer.json.type !== 'welcome') throw new Error(`handshake refused: ${answer.text}`);
  // The console pings every 20 s; these tests are not about that.
  socket.ignore = (m) => m.json?.type === 'ping';
  return socket;
}

/**
 * Write an agent identity by hand (the format of agent/identity.ts), for an agent that dials a console this test
 * plays itself: identity.json and agent-key.pem, 0600, in a 0700 directory.
 */
export async function writeAgentIdentity(
  dataDir: string,
  identity: { console: string; hostId: string; name?: string; certFingerprint?: string; certPem?: string },
  privateKey: KeyObject,
): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await chmod(dataDir, 0o700);
  const record = {
    console: identity.console,
    hostId: identity.hostId,
    name: identity.name ?? 'fake-console-host',
    certFingerprint: identity.certFingerprint ?? '',
    certPem: identity.certPem ?? '',
    enrolledAt: new Date().toISOString(),
  };
  await writeFile(join(dataDir, 'agent-key.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), { mode: 0o600 });
  await writeFile(join(dataDir, 'identity.json'), `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
}
