/**
 * A browser's end of the terminal socket (modules/terminal/browser-protocol.ts), for tests: sends keystrokes
 * and resizes, collects output, and acknowledges it the way the page does once xterm.js has drawn it, or holds
 * the acknowledgements back to play a slow browser.
 */
import { readFile } from 'node:fs/promises';
import WebSocket from 'ws';
import type { ApiClient } from './client.js';
import { socketUrl } from './frames.js';

export interface TerminalOpenOptions {
  session?: string;
  user?: string;
  cols?: number;
  rows?: number;
  /** Acknowledge output as soon as it arrives (a fast browser). Default true. */
  autoAck?: boolean;
  /** Keep at most this many characters of output text (a flood is counted, not kept). Default: all. */
  keepChars?: number;
}

export interface CloseInfo {
  code: number;
  reason: string;
}

export function terminalUrl(consoleUrl: string, hostId: string, query: Record<string, string | number | undefined>): string {
  const url = new URL(socketUrl(consoleUrl, `/api/hosts/${hostId}/terminal`));
  for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, String(value));
  return url.toString();
}

export class TerminalClient {
  readonly ws: WebSocket;
  /** Every JSON message, in order. */
  readonly messages: any[] = [];
  readonly closed: Promise<CloseInfo>;
  closeInfo: CloseInfo | undefined;
  /** Output bytes received, and acknowledged. */
  received = 0;
  acked = 0;
  autoAck: boolean;
  #text = '';
  /** Characters dropped from the front of #text (so positions stay absolute). */
  #dropped = 0;
  readonly #keepChars: number;
  readonly #decoder = new TextDecoder();
  #wake: Array<() => void> = [];
  /** Messages message() has already returned. */
  readonly #taken = new Set<number>();

  private constructor(ws: WebSocket, options: TerminalOpenOptions) {
    this.ws = ws;
    this.autoAck = options.autoAck ?? true;
    this.#keepChars = options.keepChars ?? Number.POSITIVE_INFINITY;
    ws.on('message', (data, isBinary) => {
      const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      if (isBinary) {
        this.received += buffer.byteLength;
        this.#text += this.#decoder.decode(buffer, { stream: true });
        if (this.#text.length > this.#keepChars) {
          const cut = this.#text.length - this.#keepChars;
          this.#text = this.#text.slice(cut);
          this.#dropped += cut;
        }
        if (this.autoAck) this.ack(buffer.byteLength);
      } else {
        this.messages.push(JSON.parse(buffer.toString('utf8')));
      }
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

  /** Open a terminal as `api`'s user, with its cookie and the console's own Origin, as the page does. */
  static open(consoleUrl: string, hostId: string, api: ApiClient, options: TerminalOpenOptions = {}): Promise<TerminalClient> {
    const url = terminalUrl(consoleUrl, hostId, {
      session: options.session,
      user: options.user,
      cols: options.cols ?? 80,
      rows: options.rows ?? 24,
    });
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false, headers: { cookie: api.cookie, origin: new URL(consoleUrl).origin } });
      const client = new TerminalClient(ws, options);
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_req, res) => {
        reject(Object.assign(new Error(`upgrade refused with HTTP ${res.statusCode}`), { status: res.statusCode }));
        res.resume();
        ws.terminate();
      });
      ws.once('error', reject);
    });
  }

  /** All output text kept so far (the tail, when keepChars bounds it). */
  get text(): string {
    return this.#text;
  }

  /** A position in the output, to look for something that appears after it. */
  get position(): number {
    return this.#dropped + this.#text.length;
  }

  type(keys: string): void {
    this.ws.send(Buffer.from(keys, 'utf8'), { binary: true });
  }

  resize(cols: number, rows: number): void {
    this.ws.send(JSON.stringify({ type: 'resize', cols, rows }));
  }

  ack(bytes: number): void {
    if (bytes <= 0) return;
    this.acked += bytes;
    this.ws.send(JSON.stringify({ type: 'ack', bytes }));
  }

  /** Acknowledge everything received so far. */
  ackAll(): void {
    this.ack(this.received - this.acked);
  }

  /** Wait until the output after `from` matches; returns the match. */
  async output(pattern: RegExp, from = 0, timeoutMs = 15_000): Promise<RegExpMatchArray> {
    return this.#until(`output matching ${pattern}`, () => {
      const start = Math.max(0, from - this.#dropped);
      return this.#text.slice(start).match(pattern) ?? undefined;
    }, timeoutMs);
  }

  /** Wait for the next JSON message of a type that has not been taken yet. */
  async message(type: string, timeoutMs = 15_000): Promise<any> {
    return this.#until(`a ${type} message`, () => {
      const index = this.messages.findIndex((m, i) => m?.type === type && !this.#taken.has(i));
      if (index === -1) return undefined;
      this.#taken.add(index);
      return this.messages[index];
    }, timeoutMs);
  }

  /** Wait until `received` reaches `bytes`. */
  async receivedAtLeast(bytes: number, timeoutMs = 30_000): Promise<void> {
    await this.#until(`${bytes} bytes of output`, () => this.received >= bytes || undefined, timeoutMs);
  }

  close(): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(1000);
  }

  async #until<T>(what: string, check: () => T | undefined, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = check();
      if (value !== undefined) return value;
      if (this.closeInfo) throw new Error(`terminal closed (${this.closeInfo.code} ${this.closeInfo.reason}) before ${what}; last output: ${JSON.stringify(this.#text.slice(-300))}; messages: ${JSON.stringify(this.messages)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; last output: ${JSON.stringify(this.#text.slice(-300))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#wake.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  #notify(): void {
    const waiters = this.#wake;
    this.#wake = [];
    for (const wake of waiters) wake();
  }
}

/** Resident memory of a process, in bytes, from /proc (Linux). */
export async function residentBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
  if (kb === undefined) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kb) * 1024;
}
