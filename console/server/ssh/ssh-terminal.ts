/**
 * A login shell on an SSH host, shaped as the terminal channel the bridge drives (bridge.ts TerminalChannel):
 * the same bytes, the same `attached` event, the same result. The SSH channel's own window is the flow control:
 * while the bridge does not read (the browser is behind), the shell's output stays unread and ssh2 stops
 * granting the server window, so a flood waits on the host, as it does behind an agent.
 *
 * Unlike an agent's shell, an SSH shell cannot outlive its connection: when the browser leaves, it ends.
 */
import type { Client, ClientChannel } from 'ssh2';
import { GatehouseError } from '../../../modules/kernel/errors.js';
import { randomId } from '../../../modules/kernel/ids.js';
import type { TerminalEvent } from '../../../modules/terminal/contract.js';
import type { TerminalChannel } from '../terminal/bridge.js';

/** Output read ahead of the bridge before the SSH channel is paused. */
const readAheadBytes = 256 * 1024;

export interface SshShellOptions {
  cols: number;
  rows: number;
  unixUser: string;
}

export interface SshTerminalResult {
  sessionId: string;
  detached: false;
  exitCode: number | null;
}

export class SshTerminal implements TerminalChannel {
  readonly readable: ReadableStream<Uint8Array>;
  readonly result: Promise<unknown>;
  readonly #client: Client;
  readonly #shell: ClientChannel;
  readonly #sessionId = `t_${randomId(16)}`;
  #events: TerminalEvent[] | undefined = [];
  #listener: ((event: unknown) => void) | undefined;
  #cancelled: string | undefined;

  private constructor(client: Client, shell: ClientChannel, options: SshShellOptions) {
    this.#client = client;
    this.#shell = shell;
    let exitCode: number | null = null;
    shell.on('exit', (code: number | null) => {
      exitCode = typeof code === 'number' ? code : null;
    });
    const closed = new Promise<void>((resolve) => {
      shell.once('close', () => resolve());
      client.once('close', () => resolve());
    });
    this.result = closed.then(() => {
      client.end();
      if (this.#cancelled !== undefined) throw new GatehouseError('cancelled', this.#cancelled);
      const result: SshTerminalResult = { sessionId: this.#sessionId, detached: false, exitCode };
      return result;
    });
    this.result.catch(() => undefined);

    let controller!: ReadableStreamDefaultController<Uint8Array>;
    this.readable = new ReadableStream<Uint8Array>(
      {
        start: (c) => {
          controller = c;
        },
        pull: () => {
          shell.resume();
        },
        cancel: () => {
          shell.close();
        },
      },
      new ByteLengthQueuingStrategy({ highWaterMark: readAheadBytes }),
    );
    const take = (chunk: Buffer) => {
      controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      if ((controller.desiredSize ?? 0) <= 0) shell.pause();
    };
    shell.on('data', take);
    // A PTY merges stderr into stdout; anything on the extended channel is shown all the same.
    shell.stderr.on('data', take);
    void closed.then(() => {
      try {
        controller.close();
      } catch {
        // already closed or cancelled
      }
    });
    this.#emit({ type: 'attached', sessionId: this.#sessionId, restored: false, unixUser: options.unixUser, cols: options.cols, rows: options.rows });
  }

  /** Open a login shell with a PTY of the browser's size on a logged-in client, which the terminal then owns. */
  static open(client: Client, options: SshShellOptions): Promise<SshTerminal> {
    return new Promise((resolve, reject) => {
      client.shell({ term: 'xterm-256color', cols: options.cols, rows: options.rows }, (err, shell) => {
        if (err) {
          client.end();
          reject(new GatehouseError('not-supported', `the server refused a shell: ${err.message}`));
          return;
        }
        resolve(new SshTerminal(client, shell, options));
      });
    });
  }

  get sessionId(): string {
    return this.#sessionId;
  }

  async write(chunk: Uint8Array): Promise<void> {
    if (this.#cancelled !== undefined) throw new GatehouseError('cancelled', this.#cancelled);
    if (this.#shell.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength))) return;
    await new Promise<void>((resolve) => {
      this.#shell.once('drain', resolve);
      this.#shell.once('close', resolve);
    });
  }

  sendControl(message: unknown): void {
    const control = message as { type?: string; cols?: number; rows?: number };
    if (control.type === 'resize' && control.cols && control.rows) this.#shell.setWindow(control.rows, control.cols, 0, 0);
  }

  onEvent(listener: (event: unknown) => void): void {
    this.#listener = listener;
    const early = this.#events ?? [];
    this.#events = undefined;
    for (const event of early) listener(event);
  }

  cancel(reason: string): void {
    if (this.#cancelled !== undefined) return;
    this.#cancelled = reason;
    this.#shell.close();
    this.#client.end();
  }

  #emit(event: TerminalEvent): void {
    if (this.#events) this.#events.push(event);
    else this.#listener?.(event);
  }
}
