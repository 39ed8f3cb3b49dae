/**
 * One authenticated connection to the console, after `welcome`: answers calls, serves stream channels,
 * answers pings and reports host status. Everything the console sends is parsed against the wire schemas;
 * a bad frame gets an `error` frame back, never a crash.
 */
import type WebSocket from 'ws';
import { GatehouseError, problemFromSystemError } from '../modules/kernel/errors.js';
import {
  consoleToAgentFrame,
  decodeDataFrame,
  readFrame,
  type AgentToConsoleFrame,
  type ConsoleToAgentFrame,
} from '../modules/kernel/wire.js';
import { AgentChannel } from './channel.js';
import type { Dispatcher } from './dispatcher.js';
import type { HostStatusReader } from './host-status.js';
import type { MetricsReporter } from './metrics-reporter.js';
import type { TelemetrySender } from './telemetry-sender.js';
import { log } from './log.js';

/** How often the agent reports status while connected. */
export const statusIntervalMs = 5_000;
/** Most calls served at once; more are refused rather than queued without bound. */
const maxConcurrentCalls = 64;

export class AgentSession {
  readonly #socket: WebSocket;
  readonly #dispatcher: Dispatcher;
  readonly #status: HostStatusReader;
  readonly #metrics: MetricsReporter | undefined;
  readonly #telemetry: TelemetrySender | undefined;
  readonly #channels = new Map<number, AgentChannel>();
  readonly #calls = new Map<number, AbortController>();
  #statusTimer: NodeJS.Timeout | undefined;

  constructor(socket: WebSocket, dispatcher: Dispatcher, status: HostStatusReader, metrics?: MetricsReporter, telemetry?: TelemetrySender) {
    this.#socket = socket;
    this.#dispatcher = dispatcher;
    this.#status = status;
    this.#metrics = metrics;
    this.#telemetry = telemetry;
  }

  start(): void {
    void this.#reportStatus();
    this.#statusTimer = setInterval(() => void this.#reportStatus(), statusIntervalMs);
    this.#statusTimer.unref();
    this.#metrics?.attach((samples) => this.#send({ type: 'metrics', samples }));
    this.#telemetry?.attach((frame) => this.#send({ type: 'telemetry', ...frame }));
  }

  /** The connection is gone: cancel everything in flight. */
  stop(): void {
    clearInterval(this.#statusTimer);
    this.#metrics?.detach();
    this.#telemetry?.detach();
    for (const call of this.#calls.values()) call.abort();
    this.#calls.clear();
    for (const channel of this.#channels.values()) channel.cancel('connection to the console lost');
    this.#channels.clear();
  }

  handleText(text: string): void {
    const read = readFrame(consoleToAgentFrame, text);
    if ('problem' in read) this.#send({ type: 'error', code: 'bad-request', message: read.problem });
    else this.#handleFrame(read.frame);
  }

  handleBinary(data: Buffer): void {
    const frame = decodeDataFrame(data);
    const channel = frame && this.#channels.get(frame.channel);
    if (!frame || !channel) {
      this.#send({ type: 'error', code: 'unknown-channel', message: `data for channel ${frame?.channel ?? '?'} which is not open` });
      return;
    }
    if (!channel.receive(frame.payload)) {
      this.#closeChannel(frame.channel, new GatehouseError('bad-request', 'the console sent more than its credit'));
    }
  }

  #handleFrame(frame: ConsoleToAgentFrame): void {
    switch (frame.type) {
      case 'call':
        void this.#serveCall(frame);
        return;
      case 'open':
        void this.#serveStream(frame);
        return;
      case 'credit':
        this.#channels.get(frame.channel)?.grant(frame.bytes);
        return;
      case 'done':
        this.#channels.get(frame.channel)?.end();
        return;
      case 'control':
        this.#channels.get(frame.channel)?.control(frame.message);
        return;
      case 'close': {
        const channel = this.#channels.get(frame.channel);
        if (channel) {
          channel.cancel('cancelled by the console');
          this.#channels.delete(frame.channel);
        }
        return;
      }
      case 'ping':
        this.#send({ type: 'pong', ts: frame.ts });
        return;
      case 'pong':
        return;
      case 'telemetry-ack':
        this.#telemetry?.acknowledged(frame.stream, frame.seq);
        return;
      case 'error':
        log.warn('console reported an error', { code: frame.code, message: frame.message });
        return;
      case 'hello':
      case 'welcome':
        this.#send({ type: 'error', code: 'bad-request', message: `${frame.type} is only valid during the handshake` });
        return;
    }
  }

  async #serveCall(frame: Extract<ConsoleToAgentFrame, { type: 'call' }>): Promise<void> {
    if (this.#calls.has(frame.id)) {
      this.#send({ type: 'error', id: frame.id, code: 'bad-request', message: `call id ${frame.id} is already in use` });
      return;
    }
    if (this.#calls.size >= maxConcurrentCalls) {
      this.#send({ type: 'error', id: frame.id, code: 'rate-limited', message: 'too many calls in progress on this agent' });
      return;
    }
    const controller = new AbortController();
    this.#calls.set(frame.id, controller);
    try {
      const result = await this.#dispatcher.call(
        { module: frame.module, name: frame.method, params: frame.params, actor: frame.actor?.user },
        controller.signal,
      );
      this.#send({ type: 'result', id: frame.id, result });
    } catch (err) {
      const problem = problemFromSystemError(err, { module: frame.module, method: frame.method });
      if (problem.code === 'internal-error') log.error('call failed', { module: frame.module, method: frame.method, message: problem.message });
      this.#send({ type: 'error', id: frame.id, code: problem.code, message: problem.message });
    } finally {
      this.#calls.delete(frame.id);
    }
  }

  async #serveStream(frame: Extract<ConsoleToAgentFrame, { type: 'open' }>): Promise<void> {
    if (this.#channels.has(frame.channel)) {
      this.#send({ type: 'close', channel: frame.channel, problem: { code: 'bad-request', message: `channel ${frame.channel} is already open` } });
      return;
    }
    const channel = new AgentChannel(frame.channel, {
      sendBinary: (data) => this.#sendBinary(data),
      sendCredit: (number, bytes) => this.#send({ type: 'credit', channel: number, bytes }),
      sendEvent: (number, message) => this.#send({ type: 'event', channel: number, message }),
    });
    this.#channels.set(frame.channel, channel);
    try {
      const result = await this.#dispatcher.stream(
        { module: frame.module, name: frame.stream, params: frame.params, actor: frame.actor?.user },
        channel,
      );
      if (this.#channels.get(frame.channel) === channel) this.#send({ type: 'close', channel: frame.channel, result });
    } catch (err) {
      const problem = problemFromSystemError(err, { module: frame.module, method: frame.stream });
      this.#closeChannel(frame.channel, problem);
      return;
    } finally {
      if (this.#channels.get(frame.channel) === channel) this.#channels.delete(frame.channel);
    }
  }

  #closeChannel(number: number, problem: GatehouseError): void {
    const channel = this.#channels.get(number);
    channel?.cancel(problem.message);
    this.#channels.delete(number);
    this.#send({ type: 'close', channel: number, problem: { code: problem.code, message: problem.message } });
  }

  async #reportStatus(): Promise<void> {
    try {
      this.#send({ type: 'status', status: await this.#status.read() });
    } catch (err) {
      log.warn('could not read host status', { message: (err as Error).message });
    }
  }

  #send(frame: AgentToConsoleFrame): void {
    if (this.#socket.readyState === this.#socket.OPEN) this.#socket.send(JSON.stringify(frame));
  }

  #sendBinary(data: Buffer): void {
    if (this.#socket.readyState === this.#socket.OPEN) this.#socket.send(data, { binary: true });
  }
}
