/**
 * What the gateway tests share: a real Modbus slave per test (test/support/modbus-slave.ts), a gateway over a
 * temporary directory, profiles on its port, and waits for a condition rather than for a fixed time.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { functionCodes, startModbusSlave, type ModbusSlave } from '../../test/support/modbus-slave.js';
import { GatehouseError } from '../kernel/errors.js';
import type { TagSample } from '../kernel/telemetry.js';
import type { TagReading } from './contract.js';
import { Gateway } from './gateway.js';
import { profileSchema, type Profile } from './profile.js';

export const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

/** "Within three poll periods" at 1 s polling, with room for a loaded two-core machine. */
export const threePollsMs = 3 * 1000 + 5000;

export async function slaveWith(units: number[]): Promise<ModbusSlave> {
  const slave = await startModbusSlave({ units });
  cleanups.push(() => slave.stop());
  return slave;
}

export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gh-gateway-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

export interface Running {
  gateway: Gateway;
  samples: TagSample[];
  dataDir: string;
  reading(name: string): TagReading;
  samplesOf(name: string): TagSample[];
  close(): Promise<void>;
}

/** A Gateway as the agent runs it, its batches collected instead of queued on disk. */
export async function openGateway(dataDir: string, samples: TagSample[] = []): Promise<Running> {
  const gateway = await Gateway.open({ dataDir, onSamples: (batch) => void samples.push(...batch) });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await gateway.close();
  };
  cleanups.push(close);
  return {
    gateway,
    samples,
    dataDir,
    reading: (name) => {
      const found = gateway.readings().find((r) => r.name === name);
      if (!found) throw new Error(`no tag ${name}; the gateway has ${gateway.readings().map((r) => r.name).join(', ')}`);
      return found;
    },
    samplesOf: (name) => samples.filter((s) => s.tag === name),
    close,
  };
}

export function tcpProfile(port: number, devices: unknown[], extra: Record<string, unknown> = {}): Profile {
  return profileSchema.parse({
    version: 1,
    pollClasses: { fast: 1, slow: 60 },
    refreshSeconds: 3600,
    buses: [{ id: 'line', kind: 'tcp', host: '127.0.0.1', port, timeoutMs: 500 }],
    devices,
    ...extra,
  });
}

export async function until<T>(what: string, check: () => T | undefined | false, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Change a register on every tick of the slave's "process", so every poll reads a new value. */
export function ticking(slave: ModbusSlave, unit: number, address: number): void {
  let raw = 0;
  const timer = setInterval(() => {
    raw = (raw + 1) % 60_000;
    slave.set(unit, 'input-register', address, [raw]);
  }, 50);
  cleanups.push(async () => clearInterval(timer));
}

export const writeCodes = [functionCodes.writeCoil, functionCodes.writeRegister, functionCodes.writeCoils, functionCodes.writeRegisters];
export const writesReaching = (slave: ModbusSlave, unit?: number) => writeCodes.reduce((n, fc) => n + slave.requests(unit, fc), 0);

export async function refusal(promise: Promise<unknown>): Promise<GatehouseError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(GatehouseError);
    return err as GatehouseError;
  }
  throw new Error('expected the write to be refused');
}

