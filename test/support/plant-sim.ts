/**
 * The plant simulator (scripts/plant-sim) for tests: started from the built dist/ as its own process, the way a
 * real PLC is its own device, on free loopback ports. Returns its ports, its true physical state and a way to
 * inject faults over its HTTP port.
 *
 * Node built-ins only, so benches can use it from dist/ too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { PlantState } from '../../scripts/plant-sim/plant.js';

export const plantSimMain = join(resolve(import.meta.dirname, '../..'), 'dist/scripts/plant-sim/main.js');

export interface PlantSimOptions {
  /** Plant time per wall second (default 1). */
  speed?: number;
  /** Also answer Modbus RTU on this serial path (e.g. `pair.b` from ./serial-pair.ts). */
  rtu?: string;
  baud?: number;
  /** Unit ids on the RTU line (default: every unit). */
  rtuUnits?: number[];
  /** Faults active from the start, in `--fault` form (e.g. `pump1-trip`, `no-answer:2`). */
  faults?: string[];
  /** A fixed Modbus TCP port (default: a free one). */
  tcpPort?: number;
  /** Give up if the simulator is not listening by then (default 20 s). */
  startTimeoutMs?: number;
}

/** A fault as POST /faults takes it. */
export interface FaultRequest {
  fault: 'pump1-trip' | 'pump2-trip' | 'sensor-stuck' | 'sensor-out-of-range' | 'no-answer' | 'slow';
  device?: number;
  tag?: string;
  delayMs?: number;
  on?: boolean;
}

export interface TestPlantSim {
  tcpPort: number;
  httpPort: number;
  rtu: string | null;
  child: ChildProcess;
  /** Turn a fault on (or off with `on: false`); resolves with the active faults, rejects with the simulator's error. */
  fault(request: FaultRequest): Promise<unknown[]>;
  /** Clear every fault. */
  clearFaults(): Promise<void>;
  /** The plant's true physical state (GET /state). */
  state(): Promise<PlantSimState>;
  /** Lines the simulator wrote (stdout and stderr), for a failing test's message. */
  output(): string;
  /** SIGTERM and wait for it to exit (SIGKILL after 5 s). */
  stop(): Promise<void>;
}

/** The plant's true physical state as GET /state answers it (the simulator's own type). */
export type PlantSimState = PlantState;

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function httpJson(port: number, method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  return new Promise((resolvePromise, reject) => {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      { host: '127.0.0.1', port, method, path, headers: text ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) } : {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            resolvePromise({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
          } catch (err) {
            reject(err);
          }
        });
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

/** Start the simulator and resolve once it prints its ports. */
export async function startPlantSim(options: PlantSimOptions = {}): Promise<TestPlantSim> {
  if (!existsSync(plantSimMain)) throw new Error(`${plantSimMain} is missing: run \`npm run build\` first`);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const child of running) child.kill('SIGKILL');
    });
  }
  const args = [plantSimMain, '--tcp-port', String(options.tcpPort ?? 0), '--http-port', '0', '--speed', String(options.speed ?? 1)];
  if (options.rtu) args.push('--rtu', options.rtu, '--baud', String(options.baud ?? 9600));
  for (const unit of options.rtuUnits ?? []) args.push('--unit', String(unit));
  for (const fault of options.faults ?? []) args.push('--fault', fault);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  const lines: string[] = [];
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  void exited.then(() => running.delete(child));
  createInterface({ input: child.stderr! }).on('line', (line) => lines.push(line));

  const ports = await new Promise<{ tcpPort: number; httpPort: number; rtu: string | null }>((resolvePromise, reject) => {
    const timeoutMs = options.startTimeoutMs ?? 20_000;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`plant-sim did not start within ${timeoutMs} ms:\n${lines.join('\n')}`));
    }, timeoutMs);
    const early = () => {
      clearTimeout(timer);
      // stderr may still be arriving; give it a moment so the error says why.
      setTimeout(() => reject(new Error(`plant-sim exited before listening:\n${lines.join('\n')}`)), 100);
    };
    child.once('exit', early);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      lines.push(line);
      if (!line.startsWith('{"plantSim"')) return;
      clearTimeout(timer);
      child.off('exit', early);
      const { plantSim } = JSON.parse(line) as { plantSim: { tcpPort: number; httpPort: number; rtu: string | null } };
      resolvePromise(plantSim);
    });
  });

  const answer = async (method: string, path: string, body?: unknown) => {
    const { status, json } = await httpJson(ports.httpPort, method, path, body);
    if (status !== 200) {
      const problem = json as { code?: string; message?: string };
      throw Object.assign(new Error(`plant-sim ${method} ${path}: ${problem.code}: ${problem.message}`), { code: problem.code, status });
    }
    return json;
  };

  return {
    ...ports,
    child,
    fault: async (req) => ((await answer('POST', '/faults', { on: true, ...req })) as { faults: unknown[] }).faults,
    clearFaults: async () => void (await answer('DELETE', '/faults')),
    state: async () => (await answer('GET', '/state')) as PlantSimState,
    output: () => lines.join('\n'),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
