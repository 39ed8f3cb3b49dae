/**
 * Where connected agents live: the handshake that admits them, and the map from host id to link.
 *
 * The handshake: the console sends a fresh random nonce; the agent answers with its host id and an Ed25519
 * signature over the nonce, its host id and the console certificate's fingerprint; the console checks it
 * against the key stored at enrollment. A replayed signature fails because the nonce is new every time.
 */
import { EventEmitter } from 'node:events';
import { createPublicKey, randomBytes, verify } from 'node:crypto';
import type WebSocket from 'ws';
import type { HostStatus } from '../../../modules/kernel/host-status.js';
import type { MetricsSample } from '../../../modules/kernel/metrics-sample.js';
import type { ProblemCode } from '../../../modules/kernel/errors.js';
import { authFrame, authMessage, type ConsoleToAgentFrame } from '../../../modules/kernel/wire.js';
import type { Storage } from '../storage/types.js';
import { AgentLink, type TelemetryFrame } from './link.js';
import { log } from '../log.js';

const handshakeTimeoutMs = 10_000;
export const consoleVersion = '0.1.0';

export interface HubEvents {
  online: [AgentLink];
  offline: [string];
  status: [string, HostStatus];
  metrics: [string, MetricsSample[]];
  telemetry: [string, TelemetryFrame];
}

export class AgentHub extends EventEmitter<HubEvents> {
  readonly #storage: Storage;
  /** The fingerprint agents saw when they pinned us; '' on plain loopback HTTP. */
  readonly #fingerprint: string;
  readonly #links = new Map<string, AgentLink>();

  constructor(storage: Storage, fingerprint: string) {
    super();
    this.#storage = storage;
    this.#fingerprint = fingerprint;
  }

  get(hostId: string): AgentLink | undefined {
    return this.#links.get(hostId);
  }

  /** The hosts connected now. */
  onlineHostIds(): string[] {
    return [...this.#links.keys()];
  }

  isOnline(hostId: string): boolean {
    return this.#links.has(hostId);
  }

  /** Close a host's connection, e.g. when it is revoked. */
  disconnect(hostId: string, reason: string): void {
    this.#links.get(hostId)?.disconnect(4403, reason);
  }

  closeAll(): void {
    for (const link of this.#links.values()) link.disconnect(1001, 'console shutting down');
  }

  /** Take a freshly upgraded socket through the handshake. */
  accept(socket: WebSocket, address: string | null): void {
    // ws reports frames it refuses (oversized, bad UTF-8, bad opcode) as an `error` event and closes the socket
    // itself; without a listener that event would take the whole console down.
    socket.on('error', (err) => log.warn('agent socket error', { address, message: err.message }));
    const nonce = randomBytes(32).toString('base64url');
    const refuse = (code: ProblemCode, message: string) => {
      log.warn('agent refused', { address, code, message });
      send(socket, { type: 'error', code, message });
      socket.close(4401, code);
    };
    const timer = setTimeout(() => refuse('timeout', 'no authentication within 10 s'), handshakeTimeoutMs);
    socket.once('close', () => clearTimeout(timer));
    socket.once('message', (data, isBinary) => {
      clearTimeout(timer);
      if (isBinary) return refuse('bad-request', 'expected an auth frame, got binary data');
      let json: unknown;
      try {
        json = JSON.parse((Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer)).toString('utf8'));
      } catch {
        return refuse('bad-request', 'the auth frame is not JSON');
      }
      const auth = authFrame.safeParse(json);
      if (!auth.success) return refuse('bad-request', `expected an auth frame: ${auth.error.issues[0]?.message ?? 'invalid'}`);
      void this.#admit(socket, address, nonce, auth.data, refuse).catch((err: unknown) => {
        log.error('agent handshake failed', { address, message: (err as Error).message });
        refuse('internal-error', 'the console could not complete the handshake');
      });
    });
    send(socket, { type: 'hello', nonce, console: { version: consoleVersion } });
  }

  async #admit(
    socket: WebSocket,
    address: string | null,
    nonce: string,
    auth: ReturnType<typeof authFrame.parse>,
    refuse: (code: ProblemCode, message: string) => void,
  ): Promise<void> {
    const host = await this.#storage.findHost(auth.hostId);
    if (!host) return refuse('unauthorized', 'unknown host identity: enroll this agent again');
    if (host.state === 'revoked') return refuse('host-revoked', 'this host has been revoked by an administrator');
    const key = createPublicKey({ key: Buffer.from(host.publicKey, 'base64'), format: 'der', type: 'spki' });
    const signature = Buffer.from(auth.signature, 'base64url');
    if (!verify(null, authMessage(nonce, host.id, this.#fingerprint), key, signature)) {
      return refuse('unauthorized', 'the signature does not verify for this host and this connection (replayed or forged)');
    }
    if (socket.readyState !== socket.OPEN) return;

    // A host has one connection: a reconnect (e.g. after a network cut the old socket has not noticed) wins.
    this.#links.get(host.id)?.disconnect(4409, 'replaced by a newer connection');
    const link = new AgentLink(socket, {
      hostId: host.id,
      address,
      agentVersion: auth.agent.version,
      modules: auth.modules,
      policy: auth.policy,
    });
    this.#links.set(host.id, link);
    link.on('status', (status) => this.emit('status', host.id, status));
    link.on('metrics', (samples) => this.emit('metrics', host.id, samples));
    link.on('telemetry', (frame) => this.emit('telemetry', host.id, frame));
    link.once('closed', (reason) => {
      if (this.#links.get(host.id) === link) {
        this.#links.delete(host.id);
        log.info('agent offline', { host: host.id, reason });
        this.emit('offline', host.id);
      }
    });
    send(socket, { type: 'welcome', hostId: host.id, name: host.name });
    log.info('agent online', { host: host.id, name: host.name, address });
    this.emit('online', link);
  }
}

function send(socket: WebSocket, frame: ConsoleToAgentFrame): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
}
