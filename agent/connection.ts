/**
 * Dialling out to the console and staying connected: TLS pinned to the enrolled certificate, the nonce
 * handshake, reconnection with jittered exponential backoff, and a watchdog for links that die silently.
 */
import WebSocket from 'ws';
import { helloFrame, welcomeFrame, errorFrame, authMessage, maxControlFrameBytes } from '../modules/kernel/wire.js';
import type { AgentPolicy } from '../modules/kernel/policy.js';
import { signWith, type Identity, type KeyPair } from './identity.js';
import { pinnedIdentityCheck } from './tls-pin.js';
import { AgentSession } from './session.js';
import type { Dispatcher } from './dispatcher.js';
import { HostStatusReader } from './host-status.js';
import { MetricsReporter } from './metrics-reporter.js';
import type { TelemetrySender } from './telemetry-sender.js';
import { agentVersion } from './version.js';
import { log } from './log.js';

const backoffBaseMs = 1_000;
const backoffMaxMs = 60_000;
/** The console pings every 20 s; three missed pings means the link is dead even if TCP has not noticed. */
const silenceLimitMs = 65_000;
const handshakeTimeoutMs = 15_000;

export interface ConnectionEvents {
  onOnline?(): void;
  onOffline?(reason: string): void;
  /** The console refused this agent for good (revoked); the agent stops instead of knocking forever. */
  onRevoked?(message: string): void;
  /** Delivers the Modbus gateway's queued telemetry over whichever connection is up. */
  telemetry?: TelemetrySender;
}

export class ConsoleConnection {
  readonly #identity: Identity;
  readonly #keyPair: KeyPair;
  readonly #dispatcher: Dispatcher;
  readonly #policy: AgentPolicy;
  readonly #events: ConnectionEvents;
  readonly #status = new HostStatusReader();
  /** Absent when the local policy leaves the metrics module out. */
  readonly #metrics: MetricsReporter | undefined;
  #socket: WebSocket | undefined;
  #stopped = false;
  #attempt = 0;
  #retryTimer: NodeJS.Timeout | undefined;

  constructor(identity: Identity, keyPair: KeyPair, dispatcher: Dispatcher, policy: AgentPolicy, events: ConnectionEvents = {}) {
    this.#identity = identity;
    this.#keyPair = keyPair;
    this.#dispatcher = dispatcher;
    this.#policy = policy;
    this.#events = events;
    this.#metrics = !policy.modules || policy.modules.includes('metrics') ? new MetricsReporter() : undefined;
  }

  start(): void {
    this.#metrics?.start();
    this.#connect();
  }

  stop(): void {
    this.#stopped = true;
    this.#metrics?.stop();
    clearTimeout(this.#retryTimer);
    this.#socket?.close(1001, 'agent stopping');
  }

  #connect(): void {
    const url = new URL('/agent', this.#identity.console);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const tls = this.#identity.certPem
      ? { ca: this.#identity.certPem, checkServerIdentity: pinnedIdentityCheck(this.#identity.certFingerprint) }
      : {};
    // ws passes TLS options through to https.request, whose checkServerIdentity is the one typed in node:tls.
    const socket = new WebSocket(url, {
      ...(tls as WebSocket.ClientOptions),
      perMessageDeflate: false,
      maxPayload: maxControlFrameBytes + 64,
      handshakeTimeout: handshakeTimeoutMs,
      // RFC 6455 masks client frames so that script in a browser cannot craft bytes that poison a proxy's cache.
      // The agent is not a browser and runs no one's script; an all-zero mask lets ws skip a pass (and a copy)
      // over every byte sent, which is most of the agent's CPU in a large download.
      generateMask: (mask: Buffer) => mask.fill(0),
    });
    this.#socket = socket;
    let session: AgentSession | undefined;
    let lastHeard = Date.now();
    let closeReason = 'connection closed';
    const watchdog = setInterval(() => {
      if (Date.now() - lastHeard > silenceLimitMs) socket.terminate();
    }, 5_000);
    watchdog.unref();

    socket.on('message', (data, isBinary) => {
      lastHeard = Date.now();
      const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      if (session) {
        if (isBinary) session.handleBinary(buffer);
        else session.handleText(buffer.toString('utf8'));
        return;
      }
      const outcome = this.#handshake(socket, isBinary ? undefined : buffer.toString('utf8'));
      if (outcome === 'welcome') {
        session = new AgentSession(socket, this.#dispatcher, this.#status, this.#metrics, this.#events.telemetry);
        session.start();
        this.#attempt = 0;
        log.info('connected to console', { console: this.#identity.console, host: this.#identity.hostId });
        this.#events.onOnline?.();
      } else if (typeof outcome === 'object') {
        closeReason = outcome.message;
        if (outcome.code === 'host-revoked') {
          this.#stopped = true;
          this.#events.onRevoked?.(outcome.message);
        }
        socket.close();
      }
    });
    socket.on('error', (err) => {
      closeReason = err.message;
      // With the pinned certificate as the only trust anchor, a different certificate fails chain verification
      // before the fingerprint check runs; say what that means rather than "self-signed certificate".
      const code = (err as NodeJS.ErrnoException).code ?? '';
      if (this.#identity.certPem && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) {
        closeReason = `console certificate does not match the pinned fingerprint ${this.#identity.certFingerprint.slice(0, 16)}… (${err.message})`;
      }
    });
    socket.on('close', () => {
      clearInterval(watchdog);
      session?.stop();
      if (this.#socket === socket) this.#socket = undefined;
      this.#events.onOffline?.(closeReason);
      if (!this.#stopped) this.#scheduleReconnect(closeReason);
    });
  }

  /** 'wait' while the handshake goes on, 'welcome' when accepted, or the console's refusal. */
  #handshake(socket: WebSocket, text: string | undefined): 'wait' | 'welcome' | { code: string; message: string } {
    let json: unknown;
    try {
      json = text === undefined ? undefined : JSON.parse(text);
    } catch {
      return { code: 'bad-request', message: 'the console sent a frame that is not JSON during the handshake' };
    }
    const hello = helloFrame.safeParse(json);
    if (hello.success) {
      const message = authMessage(hello.data.nonce, this.#identity.hostId, this.#identity.certFingerprint);
      socket.send(
        JSON.stringify({
          type: 'auth',
          hostId: this.#identity.hostId,
          signature: signWith(this.#keyPair.privateKey, message),
          agent: { version: agentVersion },
          modules: this.#dispatcher.moduleNames,
          policy: this.#policy,
        }),
      );
      return 'wait';
    }
    if (welcomeFrame.safeParse(json).success) return 'welcome';
    const refusal = errorFrame.safeParse(json);
    if (refusal.success) return { code: refusal.data.code, message: `${refusal.data.code}: ${refusal.data.message}` };
    return { code: 'bad-request', message: 'unexpected frame during the handshake' };
  }

  #scheduleReconnect(reason: string): void {
    // Full jitter: a console restart must not be met by the whole fleet reconnecting in the same second.
    const ceiling = Math.min(backoffMaxMs, backoffBaseMs * 2 ** this.#attempt);
    const delay = Math.round(Math.random() * ceiling);
    this.#attempt = Math.min(this.#attempt + 1, 16);
    log.warn('disconnected from console; will retry', { reason, retryInMs: delay });
    this.#retryTimer = setTimeout(() => this.#connect(), delay);
  }
}
