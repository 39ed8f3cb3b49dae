/**
 * A serial line for tests: a pseudo-terminal pair joined by socat (`socat -d -d pty,raw,echo=0 pty,raw,echo=0`).
 * Bytes written to one end come out of the other, as on a null-modem cable, so a Modbus RTU master can open one
 * path and a slave the other.
 *
 * Node built-ins only, so benches can use it from dist/ too.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface SerialPair {
  /** One end, e.g. `/dev/pts/3`. */
  a: string;
  /** The other end. */
  b: string;
  /** What socat wrote to stderr so far (for a failing test's message). */
  log(): string;
  /** Stop socat and wait for it to exit; both paths disappear. */
  stop(): Promise<void>;
}

export interface SerialPairOptions {
  /** Give up if socat has not opened both ends by then (default 10 s). */
  startTimeoutMs?: number;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

/** Start socat and resolve with both pseudo-terminal paths once it is passing data between them. */
export async function startSerialPair(options: SerialPairOptions = {}): Promise<SerialPair> {
  installExitHook();
  const child = spawn('socat', ['-d', '-d', 'pty,raw,echo=0', 'pty,raw,echo=0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  running.add(child);
  let stderr = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  exited.then(() => running.delete(child), () => undefined);

  const paths = await new Promise<[string, string]>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`socat did not open a pty pair within ${options.startTimeoutMs ?? 10_000} ms:\n${stderr}`)), options.startTimeoutMs ?? 10_000);
    const fail = (err: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(err);
    };
    child.once('error', (err) => fail(new Error(`socat could not start (is it installed?): ${err.message}`)));
    const exitedEarly = (code: number | null, signal: NodeJS.Signals | null) =>
      fail(new Error(`socat exited (${code ?? signal}) before the pty pair was ready:\n${stderr}`));
    child.once('exit', exitedEarly);
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      stderr += chunk;
      // socat names both ptys, then says it is transferring; only then are both ends open and joined.
      const found = [...stderr.matchAll(/PTY is (\/dev\/\S+)/g)].map((m) => m[1]!);
      if (found.length >= 2 && /starting data transfer loop/.test(stderr)) {
        clearTimeout(timer);
        child.off('exit', exitedEarly);
        resolve([found[0]!, found[1]!]);
      }
    });
  });

  return {
    a: paths[0],
    b: paths[1],
    log: () => stderr,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}
