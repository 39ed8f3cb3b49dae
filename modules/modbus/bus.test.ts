import { afterEach, describe, expect, it } from 'vitest';
import { GatehouseError } from '../kernel/errors.js';
import { startModbusSlave, startSerialModbusSlave, type ModbusSlave } from '../../test/support/modbus-slave.js';
import { startSerialPair, type SerialPair } from '../../test/support/serial-pair.js';
import { ModbusBus, rtuSilenceMs, type ConnectionState, type ModbusBusOptions } from './bus.js';
import { busSchema } from './profile.js';
import { modbusExceptionOf } from './transport.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function slaveWith(units: number[], port?: number): Promise<ModbusSlave> {
  const slave = await startModbusSlave({ units, ...(port ? { port } : {}) });
  cleanups.push(() => slave.stop());
  return slave;
}

function tcpBus(port: number, timeoutMs: number, options: ModbusBusOptions = {}): ModbusBus {
  const bus = new ModbusBus(busSchema.parse({ id: 'line1', kind: 'tcp', host: '127.0.0.1', port, timeoutMs }), options);
  cleanups.push(() => bus.close());
  return bus;
}

async function failure(promise: Promise<unknown>): Promise<GatehouseError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(GatehouseError);
    return err as GatehouseError;
  }
  throw new Error('expected the request to fail');
}

/** Wait until the bus is connected, so a test's first request does not race the opening. */
async function opened(bus: ModbusBus): Promise<void> {
  await expect.poll(() => bus.connection, { timeout: 10_000 }).toBe('open');
}

describe('a Modbus bus: one queue, one request at a time', () => {
  it('never has two requests on the line at once, however many callers ask together', async () => {
    const slave = await slaveWith([1, 2, 3]);
    for (const unit of [1, 2, 3]) slave.set(unit, 'holding-register', 0, [unit * 100, unit * 100 + 1]);
    slave.delay(10);
    const bus = tcpBus(slave.port, 2000);
    await opened(bus);

    const reads = Array.from({ length: 30 }, (_, i) => bus.read((i % 3) + 1, 'holding-register', 0, 2));
    const writes = [bus.write(1, 'holding-register', 10, [5]), bus.write(2, 'coil', 3, [true, false])];
    const results = await Promise.all(reads);
    await Promise.all(writes);

    results.forEach((values, i) => expect(values).toEqual([((i % 3) + 1) * 100, ((i % 3) + 1) * 100 + 1]));
    expect(slave.get(1, 'holding-register', 10, 1)).toEqual([5]);
    expect(slave.get(2, 'coil', 3, 2)).toEqual([true, false]);
    expect(slave.requests()).toBe(32);
    expect(slave.maxInFlight).toBe(1);
    expect(bus.stats()).toMatchObject({ requests: 32, timeouts: 0, errors: 0, queueLength: 0, connection: 'open' });
  });

  it('lets a write ahead of queued polls without interrupting the request in flight', async () => {
    const slave = await slaveWith([1]);
    slave.delay(50);
    const bus = tcpBus(slave.port, 2000);
    await opened(bus);

    const done: string[] = [];
    const track = (name: string, p: Promise<unknown>) => p.then(() => done.push(name));
    const inFlight = track('poll A', bus.read(1, 'holding-register', 0, 1));
    const queued = [track('poll B', bus.read(1, 'holding-register', 1, 1)), track('poll C', bus.read(1, 'holding-register', 2, 1))];
    const write = track('write', bus.write(1, 'holding-register', 7, [77]));
    const readBack = track('read-back', bus.read(1, 'holding-register', 7, 1, { priority: 'write' }));
    await Promise.all([inFlight, ...queued, write, readBack]);

    expect(done).toEqual(['poll A', 'write', 'read-back', 'poll B', 'poll C']);
    expect(slave.maxInFlight).toBe(1);
  });

  it('refuses broadcast (unit 0) and bad requests before anything reaches the line', async () => {
    const slave = await slaveWith([1]);
    const bus = tcpBus(slave.port, 1000);
    await opened(bus);
    expect((await failure(bus.write(0, 'holding-register', 0, [1]))).code).toBe('forbidden');
    expect((await failure(bus.read(0, 'coil', 0, 1))).code).toBe('forbidden');
    expect((await failure(bus.write(1, 'input-register', 0, [1]))).code).toBe('invalid-params');
    expect((await failure(bus.read(1, 'holding-register', 0, 200))).code).toBe('invalid-params');
    expect(slave.requests()).toBe(0);
    expect(bus.stats().requests).toBe(0);
  });

  it('maps an exception answer to its name and code, and keeps the device in service', async () => {
    const slave = await slaveWith([1]);
    const bus = tcpBus(slave.port, 1000);
    await opened(bus);
    slave.failWith(1, 2);
    const err = await failure(bus.read(1, 'holding-register', 5, 1));
    expect(err.code).toBe('invalid-params');
    expect(err.message).toMatch(/illegal data address/);
    expect(modbusExceptionOf(err)).toBe(2);
    slave.failWith(1, null);
    slave.set(1, 'holding-register', 5, [9]);
    expect(await bus.read(1, 'holding-register', 5, 1)).toEqual([9]);
    expect(bus.stats()).toMatchObject({ errors: 1, timeouts: 0, units: [{ unitId: 1, state: 'ok' }] });
  });

  it('times out a silent device, then skips it without touching the line until its backoff ends', async () => {
    const slave = await slaveWith([1, 2]);
    const bus = tcpBus(slave.port, 200, { backoff: { initialMs: 400, maxMs: 5000 } });
    await opened(bus);
    slave.noAnswer(2);

    const timeout = await failure(bus.read(2, 'holding-register', 0, 1));
    expect(timeout.code).toBe('timeout');
    expect(timeout.context).toMatchObject({ unit: 2, timeoutMs: 200 });
    expect(slave.requests(2)).toBe(1);

    const skipped = await failure(bus.read(2, 'holding-register', 0, 1));
    expect(skipped.code).toBe('unreachable');
    expect(skipped.context.unit).toBe(2);
    expect(slave.requests(2)).toBe(1);
    const stats = bus.stats();
    expect(stats.timeouts).toBe(1);
    expect(stats.units.find((u) => u.unitId === 2)).toMatchObject({ state: 'backoff', failures: 1 });

    // When the backoff ends one probe goes through; the device answers again and is back in service.
    slave.noAnswer(2, false);
    slave.set(2, 'holding-register', 0, [12]);
    await expect
      .poll(async () => bus.read(2, 'holding-register', 0, 1).catch((err: GatehouseError) => err.code), { timeout: 10_000, interval: 100 })
      .toEqual([12]);
    expect(slave.requests(2)).toBe(2);
    expect(bus.stats().units.find((u) => u.unitId === 2)).toMatchObject({ state: 'ok' });
  });

  it('keeps reading a live device at its rate while a dead one on the same line backs off', async () => {
    const slave = await slaveWith([1, 2]);
    slave.set(1, 'input-register', 0, [1]);
    slave.noAnswer(2);
    const bus = tcpBus(slave.port, 250, { backoff: { initialMs: 500, maxMs: 2000 } });
    await opened(bus);

    // Poll both devices every 100 ms for 3 s. Without the backoff each tick would cost the line a 250 ms timeout,
    // and the live device would fall ever further behind.
    const pending: Promise<unknown>[] = [];
    let ticks = 0;
    let liveDone = 0;
    let liveFailed = 0;
    let deadRefusedFast = 0;
    const timer = setInterval(() => {
      ticks += 1;
      pending.push(bus.read(1, 'input-register', 0, 1).then(() => (liveDone += 1), () => (liveFailed += 1)));
      pending.push(bus.read(2, 'input-register', 0, 1).catch((err: GatehouseError) => err.code === 'unreachable' && (deadRefusedFast += 1)));
    }, 100);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    clearInterval(timer);
    const liveDoneInWindow = liveDone;
    await Promise.all(pending);

    expect(liveFailed).toBe(0);
    expect(liveDone).toBe(ticks);
    // Probes only: 500 + 1000 + 2000 ms of backoff leave room for a handful in 3 s, not one per tick.
    expect(slave.requests(2)).toBeLessThanOrEqual(6);
    expect(deadRefusedFast).toBeGreaterThan(ticks / 2);
    expect(liveDoneInWindow).toBeGreaterThan(ticks / 2);
  });

  it('fails requests at once while the gateway is gone and reconnects when it is back on the same port', async () => {
    const first = await startModbusSlave({ units: [1] });
    cleanups.push(() => first.stop());
    const port = first.port;
    first.set(1, 'holding-register', 0, [1]);
    const states: ConnectionState[] = [];
    const bus = tcpBus(port, 500, { reconnect: { initialMs: 200, maxMs: 1000 } });
    bus.onConnection((state) => states.push(state));
    await opened(bus);
    expect(await bus.read(1, 'holding-register', 0, 1)).toEqual([1]);

    await first.stop();
    await expect.poll(() => bus.connection, { timeout: 10_000 }).not.toBe('open');
    const down = await failure(bus.read(1, 'holding-register', 0, 1));
    expect(down.code).toBe('unreachable');
    expect(bus.stats().connection).not.toBe('open');

    const second = await slaveWith([1], port);
    second.set(1, 'holding-register', 0, [2]);
    await expect
      .poll(async () => bus.read(1, 'holding-register', 0, 1).catch((err: GatehouseError) => err.code), { timeout: 15_000, interval: 100 })
      .toEqual([2]);
    expect(states).toContain('down');
    expect(states.at(-1)).toBe('open');
    expect(second.connections).toBeGreaterThanOrEqual(1);
  });

  it('answers unreachable, never hangs, when the gateway refuses or the serial line does not exist', async () => {
    const gone = await startModbusSlave();
    const port = gone.port;
    await gone.stop();
    const bus = tcpBus(port, 500, { reconnect: { initialMs: 200, maxMs: 400 } });
    await expect.poll(() => bus.connection, { timeout: 10_000 }).toBe('down');
    expect((await failure(bus.read(1, 'holding-register', 0, 1))).code).toBe('unreachable');
    expect(bus.stats().connectionError).toMatch(/ECONNREFUSED/);

    const serial = new ModbusBus(busSchema.parse({ id: 'rs485', kind: 'rtu', path: '/dev/gatehouse-no-such-line' }), { reconnect: { initialMs: 200, maxMs: 400 } });
    cleanups.push(() => serial.close());
    await expect
      .poll(async () => serial.read(1, 'holding-register', 0, 1).catch((e: GatehouseError) => e.code), { timeout: 10_000, interval: 100 })
      .toBe('unreachable');
    expect(serial.stats().connectionError).toMatch(/gatehouse-no-such-line/);
  });

  it('fails polls beyond the queue bound with rate-limited, but still takes a write', async () => {
    const slave = await slaveWith([1]);
    slave.delay(50);
    const bus = tcpBus(slave.port, 2000, { maxQueue: 5 });
    await opened(bus);
    const polls = Array.from({ length: 10 }, () => bus.read(1, 'holding-register', 0, 1).then(() => 'ok', (err: GatehouseError) => err.code));
    const write = bus.write(1, 'holding-register', 1, [3]);
    const outcomes = await Promise.all(polls);
    await write;
    // One in flight and five waiting; the other four were refused without waiting.
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(6);
    expect(outcomes.filter((o) => o === 'rate-limited')).toHaveLength(4);
    expect(slave.requests()).toBe(7);
  });

  it('close cancels what waits, lets the request in flight finish, and refuses new requests', async () => {
    const slave = await slaveWith([1]);
    slave.delay(200);
    const bus = tcpBus(slave.port, 2000);
    await opened(bus);
    const inFlight = bus.read(1, 'holding-register', 0, 1);
    const waiting = [bus.read(1, 'holding-register', 1, 1), bus.write(1, 'holding-register', 2, [1])].map((p) => failure(p));
    await bus.close();
    expect(await inFlight).toEqual([0]);
    for (const err of await Promise.all(waiting)) expect(err.code).toBe('cancelled');
    expect((await failure(bus.read(1, 'holding-register', 0, 1))).code).toBe('cancelled');
    expect(slave.requests()).toBe(1);
    expect(slave.get(1, 'holding-register', 2, 1)).toEqual([0]);
    expect(bus.connection).toBe('closed');
  });
});

describe('a Modbus RTU bus on a serial line (socat pseudo-terminal pair, ServerSerial slave)', () => {
  it('reads, writes and times out a silent device over RTU', async () => {
    let pair: SerialPair;
    try {
      pair = await startSerialPair();
    } catch (err) {
      throw new Error(`socat is needed for the RTU test: ${(err as Error).message}`);
    }
    cleanups.push(() => pair.stop());
    const slave = await startSerialModbusSlave(pair.b, { units: [5, 6] });
    cleanups.push(() => slave.stop());
    slave.set(5, 'holding-register', 100, [1234, 5678]);
    slave.set(5, 'coil', 0, [true]);
    slave.noAnswer(6);

    const bus = new ModbusBus(busSchema.parse({ id: 'rs485', kind: 'rtu', path: pair.a, baudRate: 19_200, timeoutMs: 500 }), {
      backoff: { initialMs: 500, maxMs: 1000 },
    });
    cleanups.push(() => bus.close());
    await opened(bus);

    expect(await bus.read(5, 'holding-register', 100, 2)).toEqual([1234, 5678]);
    expect(await bus.read(5, 'coil', 0, 3)).toEqual([true, false, false]);
    await bus.write(5, 'holding-register', 200, [42, 43]);
    expect(slave.get(5, 'holding-register', 200, 2)).toEqual([42, 43]);
    expect(await bus.read(5, 'holding-register', 200, 2, { priority: 'write' })).toEqual([42, 43]);

    expect((await failure(bus.read(6, 'holding-register', 0, 1))).code).toBe('timeout');
    // The live device still answers right after a silent one on the same line.
    expect(await bus.read(5, 'holding-register', 100, 1)).toEqual([1234]);
    expect(slave.maxInFlight).toBe(1);
  });
});

describe('the silence between RTU frames', () => {
  it('is 3.5 character times up to 19200 baud and 1.75 ms above', () => {
    // 8N1 is 10 bits a character: 3.5 × 10 / 9600 s ≈ 3.65 ms; 8E1 is 11 bits.
    expect(rtuSilenceMs(9600, false, 1, 8)).toBeCloseTo(3.6458, 3);
    expect(rtuSilenceMs(9600, true, 1, 8)).toBeCloseTo(4.0104, 3);
    expect(rtuSilenceMs(19_200, false, 1, 8)).toBeCloseTo(1.8229, 3);
    expect(rtuSilenceMs(115_200, false, 1, 8)).toBe(1.75);
  });
});
