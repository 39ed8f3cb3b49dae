/**
 * The console's end of one authenticated agent connection: numbered calls, stream channels, pings, status.
 * Every frame from the agent is parsed against the wire schemas; a bad one gets an `error` frame back and
 * the connection keeps serving.
 */
import { EventEmitter } from 'node:events';
import type WebSocket from 'ws';
import { GatehouseError } from '../../../modules/kernel/errors.js';
import type { HostStatus } from '../../../modules/kernel/host-status.js';
import type { MetricsSample } from '../../../modules/kernel/metrics-sample.js';
import type { TelemetryBatch, TelemetryLoss } from '../../../modules/kernel/telemetry.js';

/** Telemetry batches as an agent sent them, after the frame's schema check. */
export interface TelemetryFrame {
  stream: string;
  batches: TelemetryBatch[];
  loss?: TelemetryLoss;
}
import type { AgentPolicy } from '../../../modules/kernel/policy.js';
import {
  agentToConsoleFrame,
  decodeDataFrame,
  defaultCallTimeoutMs,
  readFrame,
  type ConsoleToAgentFrame,
} from '../../../modules/kernel/wire.js';
import { ConsoleChannel } from './console-channel.js';

/** A call waits this long beyond the agent's own timeout, so the agent's clearer `timeout` answer usually wins. */
const consoleCallTimeoutMs = defaultCallTimeoutMs + 5_000;
const maxPendingCalls = 256;
const maxOpenChannels = 64;
const pingIntervalMs = 20_000;
/** Three missed pings: the link is dead even if TCP has not noticed. */
const silenceLimitMs = 65_000;

interface PendingCall {
  resolve(result: unknown): void;
  reject(error: GatehouseError): void;
  timer: NodeJS.Timeout;
}

export interface AgentLinkInfo {
  hostId: string;
  address: string | null;
  agentVersion: string;
  modules: string[];
  policy: AgentPolicy;
}

export interface AgentLinkEvents {
  status: [HostStatus];
  metrics: [MetricsSample[]];
  telemetry: [TelemetryFrame];
  closed: [string];
}

export class AgentLink extends EventEmitter<AgentLinkEvents> {
  readonly info: AgentLinkInfo;
  readonly connectedAt = new Date();
  readonly #socket: WebSocket;
  readonly #calls = new Map<number, PendingCall>();
  readonly #channels = new Map<number, ConsoleChannel>();
  #nextCallId = 1;
  #nextChannel = 1;
  #lastHeard = Date.now();
  #pinger: NodeJS.Timeout;
  #closed = false;

  constructor(socket: WebSocket, info: AgentLinkInfo) {
    super();
    this.#socket = socket;
    this.info = info;
    socket.on('message', (data, isBinary) => {
      this.#lastHeard = Date.now();
      const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      if (isBinary) this.#onBinary(buffer);
      else this.#onText(buffer.toString('utf8'));
    });
    socket.on('close', () => this.#shutdown('agent disconnected'));
    socket.on('error', () => this.#shutdown('connection error'));
    this.#pinger = setInterval(() => {
      if (Date.now() - this.#lastHeard > silenceLimitMs) {
        socket.terminate();
        return;
      }
      this.#send({ type: 'ping', ts: Date.now() });
    }, pingIntervalMs);
    this.#pinger.unref();
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Relay one call; resolves with the agent's (unvalidated) result or rejects with its problem. */
  call(module: string, method: string, params: unknown, actor: string): Promise<unknown> {
    if (this.#closed) return Promise.reject(new GatehouseError('host-offline', 'the host went offline'));
    if (this.#calls.size >= maxPendingCalls) {
      return Promise.reject(new GatehouseError('rate-limited', 'too many calls waiting for this host'));
    }
    const id = this.#nextCallId;
    // Ids wrap within the wire's bound; a long-lived link never runs out.
    this.#nextCallId = (this.#nextCallId % 2 ** 31) + 1;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#calls.delete(id);
        reject(new GatehouseError('timeout', `the host did not answer ${module}.${method} in time`));
      }, consoleCallTimeoutMs);
      this.#calls.set(id, { resolve, reject, timer });
      this.#send({ type: 'call', id, module, method, params, actor: { user: actor } });
    });
  }

  /** Open a stream channel; bytes flow through the returned channel under credit. */
  open(module: string, stream: string, params: unknown, actor: string): ConsoleChannel {
    if (this.#closed) throw new GatehouseError('host-offline', 'the host went offline');
    if (this.#channels.size >= maxOpenChannels) throw new GatehouseError('rate-limited', 'too many transfers open to this host');
    const number = this.#nextChannel;
    this.#nextChannel = (this.#nextChannel % 2 ** 31) + 1;
    const channel = new ConsoleChannel(number, {
      sendBinary: (frame) => this.#sendBinary(frame),
      sendFrame: (frame) => this.#send(frame),
    });
    this.#channels.set(number, channel);
    void channel.result.finally(() => this.#channels.delete(number)).catch(() => undefined);
    this.#send({ type: 'open', channel: number, module, stream, params, actor: { user: actor } });
    return channel;
  }

  /** Close the connection, e.g. when the host is revoked. */
  disconnect(code: number, reason: string): void {
    this.#socket.close(code, reason);
    this.#shutdown(reason);
  }

  #onText(text: string): void {
    const read = readFrame(agentToConsoleFrame, text);
    if ('problem' in read) {
      this.#send({ type: 'error', code: 'bad-request', message: read.problem });
      return;
    }
    const frame = read.frame;
    switch (frame.type) {
      case 'result':
      case 'error': {
        if (frame.id === undefined) return; // a connection-level complaint from the agent; nothing waits for it
        const pending = this.#calls.get(frame.id);
        if (!pending) return; // late answer to a call that already timed out
        this.#calls.delete(frame.id);
        clearTimeout(pending.timer);
        if (frame.type === 'result') pending.resolve(frame.result);
        else pending.reject(new GatehouseError(frame.code, frame.message));
        return;
      }
      case 'close':
        this.#channels.get(frame.channel)?.closedByAgent(frame.result, frame.problem);
        return;
      case 'credit':
        this.#channels.get(frame.channel)?.grant(frame.bytes);
        return;
      case 'event':
        this.#channels.get(frame.channel)?.event(frame.message);
        return;
      case 'done':
        return; // downloads end with `close`, which carries the result
      case 'status':
        this.emit('status', frame.status);
        return;
      case 'metrics':
        this.emit('metrics', frame.samples);
        return;
      case 'telemetry':
        this.emit('telemetry', { stream: frame.stream, batches: frame.batches, ...(frame.loss ? { loss: frame.loss } : {}) });
        return;
      case 'ping':
        this.#send({ type: 'pong', ts: frame.ts });
        return;
      case 'pong':
        return;
      case 'auth':
        this.#send({ type: 'error', code: 'bad-request', message: 'already authenticated' });
        return;
    }
  }

  #onBinary(data: Buffer): void {
    const frame = decodeDataFrame(data);
    const channel = frame && this.#channels.get(frame.channel);
    if (!frame || !channel) {
      this.#send({ type: 'error', code: 'unknown-channel', message: `data for channel ${frame?.channel ?? '?'} which is not open` });
      return;
    }
    if (!channel.receive(frame.payload)) {
      channel.cancel('the agent sent more than its credit');
    }
  }

  #shutdown(reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#pinger);
    for (const [id, pending] of this.#calls) {
      clearTimeout(pending.timer);
      pending.reject(new GatehouseError('host-offline', `the host went offline before answering (${reason})`));
      this.#calls.delete(id);
    }
    for (const channel of this.#channels.values()) channel.cancel(`the host went offline (${reason})`, false);
    this.#channels.clear();
    this.emit('closed', reason);
  }

  /** Tell the agent its telemetry up to `seq` is stored, so it may free that part of its disk queue. */
  acknowledgeTelemetry(stream: string, seq: number): void {
    this.#send({ type: 'telemetry-ack', stream, seq });
  }

  #send(frame: ConsoleToAgentFrame): void {
    if (this.#socket.readyState === this.#socket.OPEN) this.#socket.send(JSON.stringify(frame));
  }

  #sendBinary(frame: Buffer): void {
    if (this.#socket.readyState === this.#socket.OPEN) this.#socket.send(frame, { binary: true });
  }
}
