/**
 * Terminal benchmark: Gatehouse (browser socket → console → agent → node-pty) against OpenSSH (`ssh -tt` to an
 * sshd on a loopback port) in the same run, both with a PTY on the far side. Printed as ratios; never asserted.
 *
 * - bulk output: `head -c 100M /dev/zero | base64` (~135 MB) until it ends;
 * - keystroke echo: one character typed into `cat`, until it is echoed back; 1,000 times; median and p99.
 *
 * Needs `/usr/sbin/sshd` (Debian's openssh-server). Run after `npm run build`: `npm run bench:terminal`.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import WebSocket from 'ws';
import { startSshd, type TestSshd } from '../test/support/sshd.js';
import { startStack, type Stack } from './stack.js';

const bulkCommand = 'head -c 100000000 /dev/zero | base64';
const echoRounds = 1_000;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;
}

function report(name: string, ours: number, peer: number, unit: string): void {
  process.stdout.write(`${name.padEnd(28)} gatehouse ${ours.toFixed(2)} ${unit} | openssh ${peer.toFixed(2)} ${unit} | ratio ${(ours / peer).toFixed(2)}\n`);
}

function sshArgs(sshd: TestSshd, command: string): string[] {
  return ['-tt', '-p', String(sshd.port), '-i', sshd.clientKeyPath, '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', 'root@127.0.0.1', command];
}

/** A terminal through Gatehouse, as the web page drives it: binary keystrokes, acknowledged output. */
class GatehouseTerminal {
  readonly #socket: WebSocket;
  #listener: ((chunk: Buffer) => void) | undefined;
  #unacked = 0;

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.on('message', (data, isBinary) => {
      if (!isBinary) return;
      const chunk = data as Buffer;
      this.#unacked += chunk.length;
      if (this.#unacked >= 64 * 1024) {
        socket.send(JSON.stringify({ type: 'ack', bytes: this.#unacked }));
        this.#unacked = 0;
      }
      this.#listener?.(chunk);
    });
  }

  static async open(stack: Stack): Promise<GatehouseTerminal> {
    const url = `${stack.url.replace(/^http/, 'ws')}/api/hosts/${stack.hostId}/terminal?cols=200&rows=50`;
    const socket = new WebSocket(url, { headers: { cookie: stack.cookie, origin: stack.url }, perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => {
      socket.on('message', (data, isBinary) => {
        if (!isBinary && String(data).includes('"attached"')) resolve();
      });
      socket.once('error', reject);
    });
    const terminal = new GatehouseTerminal(socket);
    await terminal.type('export PS1="$ "; unset HISTFILE\r');
    await new Promise((r) => setTimeout(r, 500));
    return terminal;
  }

  type(text: string): Promise<void> {
    return new Promise((resolve) => this.#socket.send(Buffer.from(text), { binary: true }, () => resolve()));
  }

  /** Resolve with the bytes seen once `marker` appears in the output. */
  until(marker: string): Promise<number> {
    let seen = 0;
    let tail = '';
    return new Promise((resolve) => {
      this.#listener = (chunk) => {
        seen += chunk.length;
        const text = tail + chunk.toString('latin1');
        if (text.includes(marker)) {
          this.#listener = undefined;
          resolve(seen);
        }
        tail = text.slice(-marker.length);
      };
    });
  }

  close(): void {
    this.#socket.close();
  }
}

async function gatehouseBulk(terminal: GatehouseTerminal): Promise<{ bytes: number; seconds: number }> {
  const done = terminal.until('BULK-DONE');
  const start = performance.now();
  // The marker is split in the command line, so only the command's run prints it whole.
  await terminal.type(`${bulkCommand}; echo BULK-"DONE"\r`);
  const bytes = await done;
  return { bytes, seconds: (performance.now() - start) / 1000 };
}

async function gatehouseEcho(terminal: GatehouseTerminal): Promise<number[]> {
  // `cat` in the terminal's cooked mode: the PTY echoes each key at once, as it does for ssh -tt below.
  await terminal.type('cat\r');
  await new Promise((r) => setTimeout(r, 300));
  const samples: number[] = [];
  for (let i = 0; i < echoRounds; i++) {
    const echoed = terminal.until('x');
    const start = performance.now();
    await terminal.type('x');
    await echoed;
    samples.push(performance.now() - start);
  }
  await terminal.type('\x03');
  return samples;
}

async function sshBulk(sshd: TestSshd): Promise<{ bytes: number; seconds: number }> {
  const start = performance.now();
  const child = spawn('ssh', sshArgs(sshd, bulkCommand), { stdio: ['pipe', 'pipe', 'ignore'] });
  let bytes = 0;
  child.stdout!.on('data', (chunk: Buffer) => (bytes += chunk.length));
  await new Promise((r) => child.once('close', r));
  return { bytes, seconds: (performance.now() - start) / 1000 };
}

async function sshEcho(sshd: TestSshd): Promise<number[]> {
  const child = spawn('ssh', sshArgs(sshd, 'cat'), { stdio: ['pipe', 'pipe', 'ignore'] });
  let listener: ((text: string) => void) | undefined;
  child.stdout!.on('data', (chunk: Buffer) => listener?.(chunk.toString('latin1')));
  await new Promise((r) => setTimeout(r, 1_000));
  const samples: number[] = [];
  for (let i = 0; i < echoRounds; i++) {
    const echoed = new Promise<void>((resolve) => {
      listener = (text) => {
        if (text.includes('x')) resolve();
      };
    });
    const start = performance.now();
    child.stdin!.write('x');
    await echoed;
    samples.push(performance.now() - start);
  }
  child.kill();
  return samples;
}

async function main(): Promise<void> {
  if (!existsSync('/usr/sbin/sshd')) {
    process.stdout.write('terminal bench skipped: /usr/sbin/sshd is missing (apt-get install openssh-server)\n');
    return;
  }
  const sshd = await startSshd();
  const stack = await startStack();
  try {
    const terminal = await GatehouseTerminal.open(stack);
    const ours = await gatehouseBulk(terminal);
    const peer = await sshBulk(sshd);
    report('terminal bulk output', ours.bytes / 1e6 / ours.seconds, peer.bytes / 1e6 / peer.seconds, 'MB/s');
    const ourEcho = await gatehouseEcho(terminal);
    const peerEcho = await sshEcho(sshd);
    report('keystroke echo, median', percentile(ourEcho, 50), percentile(peerEcho, 50), 'ms');
    report('keystroke echo, p99', percentile(ourEcho, 99), percentile(peerEcho, 99), 'ms');
    terminal.close();
  } finally {
    await stack.stop();
    await sshd.stop();
  }
}

await main();
