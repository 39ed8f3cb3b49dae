/**
 * A serial line of a given speed for benchmarks. A pseudo-terminal passes bytes as fast as the kernel copies
 * them, so a Modbus RTU bench over a bare socat pair would measure nothing of the line. Here two socat pty pairs
 * are joined by a small relay, its own Node process, that holds every chunk for the time its bytes take on the
 * wire (start bit + data bits + parity + stop bits per byte) and hands it on when its last byte would have
 * arrived:
 *
 *   master ── pty pair 1 ── relay (paced, half duplex as 2-wire RS-485) ── pty pair 2 ── slave
 *
 * Whole chunks are handed on rather than single bytes: an RTU receiver acts only at the end of a frame, so the
 * end-of-frame time is what matters, and a frame never reaches the slave split by timer jitter (which its
 * silence detector would take for two frames). The relay waits on a timer until shortly before a chunk is due and
 * then polls the clock, so it is late by tens of microseconds rather than the millisecond of a bare timer; it
 * reports how late it was, so a bench can say how true the line was.
 *
 * Run as a library (`startPacedSerialLine`); the same file is the relay's program (`--relay`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';
import { createInterface } from 'node:readline';
import tty from 'node:tty';
import { fileURLToPath } from 'node:url';
import { startSerialPair, type SerialPair } from '../test/support/serial-pair.js';

export interface LineStats {
  /** Bytes the relay carried from the master's end to the slave's, and back. */
  bytesToSlave: number;
  bytesToMaster: number;
  /** Chunks handed on. */
  chunks: number;
  /** How late chunks were handed on after the line says they arrived (ms). */
  meanLateMs: number;
  maxLateMs: number;
  /** Chunks handed on more than 1 ms late. */
  lateOver1Ms: number;
  /** Time the line was busy carrying bytes (ms). */
  busyMs: number;
}

export interface PacedSerialLine {
  /** The master (poller) opens this path. */
  master: string;
  /** The slave opens this path. */
  slave: string;
  baudRate: number;
  bitsPerByte: number;
  stats(): Promise<LineStats>;
  /** Zero the counters (e.g. after a warm-up). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export interface PacedSerialLineOptions {
  baudRate: number;
  /** Bits on the wire per byte: 10 for 8N1 (start, 8 data, stop), 11 for 8E1 or 8N2. */
  bitsPerByte?: number;
  /** false: pass bytes on at once over the same ptys and relay, to measure the path's own overhead (default true). */
  paced?: boolean;
}

const relayFlag = '--relay';

/** Start both pty pairs and the relay; resolves once bytes can flow from end to end. */
export async function startPacedSerialLine(options: PacedSerialLineOptions): Promise<PacedSerialLine> {
  const bitsPerByte = options.bitsPerByte ?? 10;
  const pairs: SerialPair[] = [];
  let relay: ChildProcess | undefined;
  const stopAll = async () => {
    if (relay && relay.exitCode === null && relay.signalCode === null) {
      const exited = new Promise((r) => relay!.once('exit', r));
      relay.stdin?.end();
      const timer = setTimeout(() => relay?.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    for (const pair of pairs) await pair.stop();
  };
  try {
    pairs.push(await startSerialPair(), await startSerialPair());
    const [toMaster, toSlave] = pairs as [SerialPair, SerialPair];
    relay = spawn(
      process.execPath,
      [fileURLToPath(import.meta.url), relayFlag, toMaster.b, toSlave.a, String(options.paced === false ? 0 : options.baudRate), String(bitsPerByte)],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const lines = createInterface({ input: relay.stdout! });
    const answers: ((line: string) => void)[] = [];
    lines.on('line', (line) => answers.shift()?.(line));
    const ask = (question: string) =>
      new Promise<string>((resolve, reject) => {
        if (!relay || relay.exitCode !== null) return reject(new Error('the serial line relay is not running'));
        answers.push(resolve);
        relay.stdin!.write(`${question}\n`);
      });
    const ready = await Promise.race([
      ask('ready'),
      new Promise<string>((_, reject) => relay!.once('exit', (code) => reject(new Error(`the serial line relay exited (${code}) before it was ready`)))),
    ]);
    if (ready !== 'ready') throw new Error(`the serial line relay said ${ready}`);
    return {
      master: toMaster.a,
      slave: toSlave.b,
      baudRate: options.baudRate,
      bitsPerByte,
      stats: async () => JSON.parse(await ask('stats')) as LineStats,
      reset: async () => void (await ask('reset')),
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** The relay process: paces bytes between two pty ends until its stdin closes; baud rate 0 passes them at once. */
function runRelay(masterSide: string, slaveSide: string, baudRate: number, bitsPerByte: number): void {
  const msPerByte = baudRate > 0 ? (bitsPerByte * 1000) / baudRate : 0;
  const open = (path: string) => {
    const reader = new tty.ReadStream(openSync(path, 'r+'));
    reader.setRawMode(true);
    const writer = new tty.WriteStream(openSync(path, 'r+'));
    return { reader, writer };
  };
  const master = open(masterSide);
  const slave = open(slaveSide);

  interface Pending {
    data: Buffer;
    to: tty.WriteStream;
    due: number;
  }
  // One medium for both directions (2-wire RS-485): due times only grow, so the queue stays in order.
  const queue: Pending[] = [];
  let lineFreeAt = 0;
  const fresh = () => ({ bytesToSlave: 0, bytesToMaster: 0, chunks: 0, lateTotalMs: 0, maxLateMs: 0, lateOver1Ms: 0, busyMs: 0 });
  let stats = fresh();
  let timer: NodeJS.Timeout | undefined;
  let spinning = false;

  const carry = (data: Buffer, to: tty.WriteStream) => {
    const now = performance.now();
    const start = Math.max(now, lineFreeAt);
    lineFreeAt = start + data.length * msPerByte;
    stats.busyMs += data.length * msPerByte;
    if (to === slave.writer) stats.bytesToSlave += data.length;
    else stats.bytesToMaster += data.length;
    queue.push({ data, to, due: lineFreeAt });
    schedule();
  };

  const deliverDue = () => {
    const now = performance.now();
    while (queue.length > 0 && queue[0]!.due <= now) {
      const item = queue.shift()!;
      const late = now - item.due;
      stats.chunks += 1;
      stats.lateTotalMs += late;
      stats.maxLateMs = Math.max(stats.maxLateMs, late);
      if (late > 1) stats.lateOver1Ms += 1;
      item.to.write(item.data);
    }
  };

  // A timer until 2 ms before the next chunk is due (timers fire up to a millisecond late), then poll the clock.
  function schedule(): void {
    if (spinning || timer || queue.length === 0) return;
    const wait = queue[0]!.due - performance.now() - 2;
    if (wait > 0) {
      timer = setTimeout(() => {
        timer = undefined;
        schedule();
      }, wait);
      return;
    }
    spinning = true;
    const spin = () => {
      deliverDue();
      if (queue.length === 0) {
        spinning = false;
        return;
      }
      if (queue[0]!.due - performance.now() > 3) {
        spinning = false;
        schedule();
        return;
      }
      setImmediate(spin);
    };
    setImmediate(spin);
  }

  master.reader.on('data', (chunk: Buffer) => carry(chunk, slave.writer));
  slave.reader.on('data', (chunk: Buffer) => carry(chunk, master.writer));

  const control = createInterface({ input: process.stdin });
  control.on('line', (line) => {
    if (line === 'ready') process.stdout.write('ready\n');
    else if (line === 'reset') {
      stats = fresh();
      process.stdout.write('ok\n');
    } else if (line === 'stats') {
      const { lateTotalMs, ...rest } = stats;
      const out: LineStats = { ...rest, meanLateMs: stats.chunks ? lateTotalMs / stats.chunks : 0 };
      process.stdout.write(`${JSON.stringify(out)}\n`);
    } else process.stdout.write('unknown\n');
  });
  control.on('close', () => process.exit(0));
}

if (process.argv[2] === relayFlag && process.argv[1] === fileURLToPath(import.meta.url)) {
  const [masterSide, slaveSide, baud, bits] = process.argv.slice(3);
  runRelay(masterSide!, slaveSide!, Number(baud), Number(bits));
}
