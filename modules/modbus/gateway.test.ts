/**
 * The gateway against a real, independently built Modbus slave (test/support/modbus-slave.ts: modbus-serial's
 * ServerTCP on loopback), with its profile and run counters in a temporary directory: decoding and quality,
 * a device that stops answering, a dead device on a shared line, stale readings, report by exception, pump run
 * hours and starts, and setpoint writes with their checks (SECURITY.md rule 9).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import modbusSerial from 'modbus-serial';
import { afterEach, describe, expect, it } from 'vitest';
import { functionCodes, startModbusSlave, type ModbusSlave } from '../../test/support/modbus-slave.js';
import { GatehouseError } from '../kernel/errors.js';
import type { TagSample } from '../kernel/telemetry.js';
import type { TagReading } from './contract.js';
import { Gateway } from './gateway.js';
import { profileSchema, type Profile } from './profile.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

/** "Within three poll periods" at 1 s polling, with room for a loaded two-core machine. */
const threePollsMs = 3 * 1000 + 5000;

async function slaveWith(units: number[]): Promise<ModbusSlave> {
  const slave = await startModbusSlave({ units });
  cleanups.push(() => slave.stop());
  return slave;
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gh-gateway-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

interface Running {
  gateway: Gateway;
  samples: TagSample[];
  dataDir: string;
  reading(name: string): TagReading;
  samplesOf(name: string): TagSample[];
  close(): Promise<void>;
}

/** A Gateway as the agent runs it, its batches collected instead of queued on disk. */
async function openGateway(dataDir: string, samples: TagSample[] = []): Promise<Running> {
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

function tcpProfile(port: number, devices: unknown[], extra: Record<string, unknown> = {}): Profile {
  return profileSchema.parse({
    version: 1,
    pollClasses: { fast: 1, slow: 60 },
    refreshSeconds: 3600,
    buses: [{ id: 'line', kind: 'tcp', host: '127.0.0.1', port, timeoutMs: 500 }],
    devices,
    ...extra,
  });
}

async function until<T>(what: string, check: () => T | undefined | false, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Change a register on every tick of the slave's "process", so every poll reads a new value. */
function ticking(slave: ModbusSlave, unit: number, address: number): void {
  let raw = 0;
  const timer = setInterval(() => {
    raw = (raw + 1) % 60_000;
    slave.set(unit, 'input-register', address, [raw]);
  }, 50);
  cleanups.push(async () => clearInterval(timer));
}

const writeCodes = [functionCodes.writeCoil, functionCodes.writeRegister, functionCodes.writeCoils, functionCodes.writeRegisters];
const writesReaching = (slave: ModbusSlave, unit?: number) => writeCodes.reduce((n, fc) => n + slave.requests(unit, fc), 0);

async function refusal(promise: Promise<unknown>): Promise<GatehouseError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(GatehouseError);
    return err as GatehouseError;
  }
  throw new Error('expected the write to be refused');
}

describe('reading devices', () => {
  it('decodes values with quality good and reports the device answering', async () => {
    const slave = await slaveWith([1]);
    slave.set(1, 'input-register', 0, [1234]);
    slave.set(1, 'coil', 0, [true]);
    const gw = await openGateway(await tempDir());
    await gw.gateway.apply(
      tcpProfile(slave.port, [
        {
          id: 'intake',
          name: 'Intake PLC',
          bus: 'line',
          unitId: 1,
          tags: [
            { name: 'flow', area: 'input-register', address: 0, type: 'uint16', scaling: { gain: 0.1 }, unit: 'm3/h', pollClass: 'fast' },
            { name: 'pump.running', area: 'coil', address: 0, type: 'bool', pollClass: 'fast' },
          ],
        },
      ]),
    );
    await until('good readings', () => gw.reading('flow').quality === 'good' && gw.reading('pump.running').quality === 'good', 10_000);
    expect(gw.reading('flow').value).toBeCloseTo(123.4, 6);
    expect(gw.reading('pump.running').value).toBe(true);
    expect(gw.reading('intake.comm')).toMatchObject({ value: true, quality: 'good' });
    // The same readings went out as samples, with the time they were read.
    await until('samples of flow', () => gw.samplesOf('flow').length > 0, 5000);
    expect(gw.samplesOf('flow')[0]).toMatchObject({ quality: 'good' });
    expect(gw.samplesOf('flow')[0]!.value).toBeCloseTo(123.4, 6);
    expect(gw.samplesOf('flow')[0]!.ts).toBeGreaterThan(Date.now() - 60_000);
  });

  it('turns the tags of a unit that stops answering comm-fault (no value) within three polls, and good again when it answers', async () => {
    const slave = await slaveWith([1]);
    slave.set(1, 'input-register', 0, [500]);
    const gw = await openGateway(await tempDir());
    await gw.gateway.apply(
      tcpProfile(slave.port, [{ id: 'intake', name: 'Intake PLC', bus: 'line', unitId: 1, tags: [{ name: 'flow', area: 'input-register', address: 0, pollClass: 'fast' }] }]),
    );
    await until('a good reading', () => gw.reading('flow').quality === 'good', 10_000);

    slave.noAnswer(1);
    await until('flow to be comm-fault and intake.comm false', () => gw.reading('flow').quality === 'comm-fault' && gw.reading('intake.comm').value === false, threePollsMs);
    expect(gw.reading('flow').value).toBeNull();
    await until('the comm-fault sent as a sample', () => gw.samplesOf('flow').at(-1)?.quality === 'comm-fault', 3000);
    expect(gw.samplesOf('flow').at(-1)).toMatchObject({ quality: 'comm-fault', value: null });
    expect(gw.gateway.status().devices[0]).toMatchObject({ id: 'intake', comm: 'backoff' });

    slave.noAnswer(1, false);
    slave.set(1, 'input-register', 0, [501]);
    // The unit is retried after its backoff (at most a few seconds after a short silence).
    await until('flow good again', () => gw.reading('flow').quality === 'good' && gw.reading('intake.comm').value === true, 30_000);
    expect(gw.reading('flow').value).toBe(501);
    await until('the recovery sent as samples', () => gw.samplesOf('flow').at(-1)?.value === 501 && gw.samplesOf('intake.comm').at(-1)?.value === true, 5000);
  });

  it('keeps polling a device on a shared line at its rate while the other devices on the line are dead', async () => {
    const slave = await slaveWith([1, 2, 3, 4]);
    for (const unit of [2, 3, 4]) slave.noAnswer(unit);
    ticking(slave, 1, 0);
    const gw = await openGateway(await tempDir());
    // Three dead units, each a full timeout per request if the gateway kept asking them: without backoff the live
    // unit's poll would wait behind three timeouts every time and get a reading every three or four seconds.
    const dead = [2, 3, 4].map((unitId) => ({
      id: `dead${unitId}`,
      name: `Dead PLC ${unitId}`,
      bus: 'line',
      unitId,
      maxGap: 0,
      tags: [0, 100].map((address) => ({ name: `dead${unitId}.t${address}`, area: 'input-register', address, pollClass: 'fast' })),
    }));
    const live = { id: 'live', name: 'Live PLC', bus: 'line', unitId: 1, tags: [{ name: 'live.counter', area: 'input-register', address: 0, pollClass: 'fast' }] };
    await gw.gateway.apply(tcpProfile(slave.port, [...dead, live], { buses: [{ id: 'line', kind: 'tcp', host: '127.0.0.1', port: slave.port, timeoutMs: 1000 }] }));

    await until('the dead units to be comm-fault', () => [2, 3, 4].every((u) => gw.reading(`dead${u}.comm`).value === false), threePollsMs);
    await until('the live unit to read good', () => gw.reading('live.counter').quality === 'good', 10_000);
    // Let the dead units' backoff grow, as it would on a line where a device has been dead for a while.
    await new Promise((r) => setTimeout(r, 10_000));
    const from = gw.samplesOf('live.counter').length;
    const windowMs = 10_000;
    await new Promise((r) => setTimeout(r, windowMs));
    const polled = gw.samplesOf('live.counter').slice(from);
    // 1 s polling over 10 s is ten readings; a line stalled by the dead units gives three or four.
    expect(polled.length, `live samples in ${windowMs} ms: ${polled.map((s) => s.ts).join(', ')}`).toBeGreaterThanOrEqual(6);
    expect(polled.every((s) => s.quality === 'good')).toBe(true);
    expect(gw.reading('dead2.t0').quality).toBe('comm-fault');
    // One line, one request at a time, even with devices timing out on it.
    expect(slave.maxInFlight).toBe(1);
  }, 60_000);

  it('marks a reading stale (keeping its value) when polls stop completing though the device is not lost', async () => {
    const slave = await slaveWith([1]);
    slave.set(1, 'input-register', 0, [700]);
    const gw = await openGateway(await tempDir());
    // A long timeout: the answers are slow, not missing, so this is no comm-fault.
    await gw.gateway.apply(
      tcpProfile(slave.port, [{ id: 'intake', name: 'Intake PLC', bus: 'line', unitId: 1, tags: [{ name: 'flow', area: 'input-register', address: 0, pollClass: 'fast' }] }], {
        buses: [{ id: 'line', kind: 'tcp', host: '127.0.0.1', port: slave.port, timeoutMs: 25_000 }],
      }),
    );
    await until('a good reading', () => gw.reading('flow').quality === 'good', 10_000);

    slave.delay(12_000);
    const stale = await until('flow to be stale', () => (gw.reading('flow').quality === 'stale' ? gw.reading('flow') : undefined), 20_000);
    expect(stale.value).toBe(700);
    expect(gw.samplesOf('flow').some((s) => s.quality === 'stale' && s.value === 700)).toBe(true);
    expect(gw.samplesOf('flow').some((s) => s.quality === 'comm-fault')).toBe(false);

    slave.delay(0);
    await until('flow good again', () => gw.reading('flow').quality === 'good', 30_000);
  }, 60_000);
});

describe('report by exception', () => {
  const devices = (port: number) => [
    {
      id: 'tank',
      name: 'Tank PLC',
      bus: 'line',
      unitId: 1,
      tags: [
        { name: 'level', area: 'input-register', address: 10, type: 'int16', scaling: { gain: 0.1 }, deadband: 1, pollClass: 'fast' },
        { name: 'heartbeat', area: 'input-register', address: 0, pollClass: 'fast' },
      ],
    },
  ];

  it('does not resend a value within the deadband, and sends a change beyond it at the next poll', async () => {
    const slave = await slaveWith([1]);
    ticking(slave, 1, 0);
    slave.set(1, 'input-register', 10, [1000]);
    const gw = await openGateway(await tempDir());
    await gw.gateway.apply(tcpProfile(slave.port, devices(slave.port)));
    await until('level 100 sent', () => gw.samplesOf('level').some((s) => s.value === 100), 10_000);

    slave.set(1, 'input-register', 10, [1005]);
    await until('the gateway to read 100.5', () => gw.reading('level').value === 100.5, threePollsMs);
    const beats = gw.samplesOf('heartbeat').length;
    await until('three more polls sent', () => gw.samplesOf('heartbeat').length >= beats + 3, threePollsMs);
    expect(gw.samplesOf('level').map((s) => s.value)).toEqual([100]);

    slave.set(1, 'input-register', 10, [1030]);
    await until('level 103 sent', () => gw.samplesOf('level').some((s) => s.value === 103), threePollsMs);
    expect(gw.samplesOf('level').map((s) => s.value)).toEqual([100, 103]);
  });

  it('resends an unchanged value at the refresh interval, not at every poll', async () => {
    const slave = await slaveWith([1]);
    ticking(slave, 1, 0);
    slave.set(1, 'input-register', 10, [1000]);
    const gw = await openGateway(await tempDir());
    await gw.gateway.apply(tcpProfile(slave.port, devices(slave.port), { refreshSeconds: 5 }));
    const first = await until('level 100 sent', () => gw.samplesOf('level').find((s) => s.value === 100), 10_000);
    slave.set(1, 'input-register', 10, [1005]); // within the deadband: only the refresh sends it
    const refreshed = await until('the refresh', () => gw.samplesOf('level').find((s) => s.value === 100.5), 15_000);
    expect(refreshed.ts - first.ts).toBeGreaterThanOrEqual(5000);
    expect(gw.samplesOf('level').filter((s) => s.ts < first.ts + 5000)).toHaveLength(1);
  }, 30_000);
});

describe('pump run hours and starts', () => {
  it('counts them from a running status and keeps them across a gateway restart', async () => {
    const slave = await slaveWith([1]);
    slave.set(1, 'coil', 0, [false]);
    const dataDir = await tempDir();
    const gw = await openGateway(dataDir);
    await gw.gateway.apply(
      tcpProfile(slave.port, [
        { id: 'intake', name: 'Intake PLC', bus: 'line', unitId: 1, tags: [{ name: 'P-1.running', area: 'coil', address: 0, type: 'bool', pollClass: 'fast', track: { runHours: 'P-1.run-hours', starts: 'P-1.starts' } }] },
      ]),
    );
    await until('stopped', () => gw.reading('P-1.running').value === false, 10_000);
    slave.set(1, 'coil', 0, [true]);
    await until('one start', () => gw.reading('P-1.starts').value === 1, threePollsMs);
    // Run hours are kept to a thousandth of an hour (3.6 s): run long enough to see some.
    await until('some run hours', () => (gw.reading('P-1.run-hours').value as number) >= 0.001, 20_000);
    slave.set(1, 'coil', 0, [false]);
    await until('stopped again', () => gw.reading('P-1.running').value === false, threePollsMs);
    slave.set(1, 'coil', 0, [true]);
    await until('two starts', () => gw.reading('P-1.starts').value === 2, threePollsMs);
    const hours = gw.reading('P-1.run-hours').value as number;
    await gw.close();
    expect(existsSync(join(dataDir, 'modbus-counters.json'))).toBe(true);

    // A new gateway on the same data directory: the profile and the counters come back from disk.
    const again = await openGateway(dataDir);
    await until('readings after the restart', () => again.gateway.readings().find((r) => r.name === 'P-1.starts')?.quality === 'good', 10_000);
    // Still running across the restart: that is not a new start.
    expect(again.reading('P-1.starts').value).toBe(2);
    expect(again.reading('P-1.run-hours').value as number).toBeGreaterThanOrEqual(hours);
  }, 60_000);
});

describe('nothing is written on start-up', () => {
  it('writes nothing to the device on open() or apply(), even with writable tags', async () => {
    const slave = await slaveWith([1]);
    slave.set(1, 'coil', 0, [false]);
    slave.set(1, 'holding-register', 0, [555]);
    const dataDir = await tempDir();
    const devices = [
      {
        id: 'dosing',
        name: 'Dosing PLC',
        bus: 'line',
        unitId: 1,
        tags: [
          { name: 'dose.enable', area: 'coil', address: 0, type: 'bool', pollClass: 'fast', write: { min: 0, max: 1 } },
          { name: 'dose.setpoint', area: 'holding-register', address: 0, scaling: { gain: 0.1 }, pollClass: 'fast', write: { min: 0, max: 100, maxStep: 10 } },
        ],
      },
    ];
    const gw = await openGateway(dataDir);
    await gw.gateway.apply(tcpProfile(slave.port, devices));
    await until('good readings', () => gw.reading('dose.setpoint').quality === 'good', 10_000);
    // A new profile (the same device, another poll rate) is applied over the running one.
    await gw.gateway.apply(tcpProfile(slave.port, devices, { pollClasses: { fast: 2, slow: 60 } }));
    await until('good readings again', () => gw.gateway.readings().find((r) => r.name === 'dose.setpoint')?.quality === 'good', 10_000);
    await gw.close();
    const again = await openGateway(dataDir);
    const polls = slave.requests(1);
    await until('polls after the restart', () => slave.requests(1) >= polls + 2 && again.gateway.readings().find((r) => r.name === 'dose.setpoint')?.quality === 'good', 10_000);

    expect(slave.requests(1)).toBeGreaterThan(0);
    expect(writesReaching(slave)).toBe(0);
    expect(slave.get(1, 'coil', 0, 1)).toEqual([false]);
    expect(slave.get(1, 'holding-register', 0, 1)).toEqual([555]);
  });
});

describe('setpoint writes', () => {
  /** A dosing PLC polled slowly (60 s), so after the first poll any request on the line is the write's own. */
  async function dosingGateway() {
    const slave = await slaveWith([3]);
    slave.set(3, 'holding-register', 0, [500, 2]);
    slave.set(3, 'input-register', 0, [42]);
    const gw = await openGateway(await tempDir());
    await gw.gateway.apply(
      tcpProfile(slave.port, [
        {
          id: 'dosing',
          name: 'Dosing PLC',
          bus: 'line',
          unitId: 3,
          tags: [
            { name: 'dose.setpoint', area: 'holding-register', address: 0, scaling: { gain: 0.1 }, unit: 'l/h', pollClass: 'slow', write: { min: 30, max: 100, maxStep: 20, minIntervalSeconds: 5 } },
            { name: 'dose.mode', area: 'holding-register', address: 1, pollClass: 'slow' },
            { name: 'dose.flow', area: 'input-register', address: 0, pollClass: 'slow' },
            { name: 'dose.enable', area: 'coil', address: 0, type: 'bool', pollClass: 'slow', write: { min: 0, max: 1 } },
          ],
        },
      ]),
    );
    await until('good readings', () => ['dose.setpoint', 'dose.mode', 'dose.flow', 'dose.enable'].every((n) => gw.reading(n).quality === 'good'), 10_000);
    return { slave, gw };
  }

  /** A refused write, and proof that not one request reached the device for it. */
  async function refusedWithNothingOnTheBus(slave: ModbusSlave, write: Promise<unknown>): Promise<GatehouseError> {
    const before = slave.requests(3);
    const error = await refusal(write);
    // Give a request that slipped through time to arrive before counting.
    await new Promise((r) => setTimeout(r, 300));
    expect(slave.requests(3), `requests reaching the device for a refused write (${error.code}: ${error.message})`).toBe(before);
    expect(writesReaching(slave)).toBe(0);
    return error;
  }

  it('refuses values outside the limits, steps above the maximum, tags without a write rule, and read-only tags, with nothing on the bus', async () => {
    const { slave, gw } = await dosingGateway();
    expect((await refusedWithNothingOnTheBus(slave, gw.gateway.write('dose.setpoint', 120))).code).toBe('invalid-params');
    expect((await refusedWithNothingOnTheBus(slave, gw.gateway.write('dose.setpoint', 10))).code).toBe('invalid-params');
    const step = await refusedWithNothingOnTheBus(slave, gw.gateway.write('dose.setpoint', 75));
    expect(step.code).toBe('invalid-params');
    expect(step.message).toMatch(/maximum step/);
    expect((await refusedWithNothingOnTheBus(slave, gw.gateway.write('dose.mode', 3))).code).toBe('forbidden');
    expect((await refusedWithNothingOnTheBus(slave, gw.gateway.write('dose.flow', 40))).code).toBe('forbidden');
    expect((await refusedWithNothingOnTheBus(slave, gw.gateway.write('dose.enable', 1 as unknown as boolean))).code).toBe('invalid-params');
    expect((await refusedWithNothingOnTheBus(slave, gw.gateway.write('no.such-tag', 40))).code).toBe('not-found');
    expect(slave.get(3, 'holding-register', 0, 2)).toEqual([500, 2]);
  });

  it('refuses a write to a read-only area even when a profile that skipped the schema asks for it', async () => {
    const slave = await slaveWith([3]);
    slave.set(3, 'input-register', 0, [42]);
    const devices = [{ id: 'dosing', name: 'Dosing PLC', bus: 'line', unitId: 3, tags: [{ name: 'dose.flow', area: 'input-register', address: 0, pollClass: 'slow', write: { min: 0, max: 100 } }] }];
    const draft = { version: 1, pollClasses: { slow: 60 }, refreshSeconds: 3600, buses: [{ id: 'line', kind: 'tcp', host: '127.0.0.1', port: slave.port, timeoutMs: 500 }], devices };
    // The schema refuses it, naming the key…
    const parsed = profileSchema.safeParse(draft);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path.join('.'))).toContain('devices.0.tags.0.write');
    // …and the gateway does not write it even if handed one that was never checked.
    const unchecked = structuredClone(draft) as unknown as Profile;
    const tag = unchecked.devices[0]!.tags[0]! as Record<string, unknown>;
    Object.assign(tag, { type: 'uint16', wordOrder: 'ABCD', description: '', unit: '', deadband: 0, write: { min: 0, max: 100, minIntervalSeconds: 0, approval: false } });
    const gw = await openGateway(await tempDir());
    await gw.gateway.apply(unchecked);
    await until('a good reading', () => gw.reading('dose.flow').quality === 'good', 10_000);
    const before = slave.requests(3);
    await refusal(gw.gateway.write('dose.flow', 40));
    await new Promise((r) => setTimeout(r, 300));
    expect(slave.requests(3)).toBe(before);
    expect(writesReaching(slave)).toBe(0);
    expect(slave.get(3, 'input-register', 0, 1)).toEqual([42]);
  });

  it('confirms a permitted write by read-back, then refuses the next one that comes too soon', async () => {
    const { slave, gw } = await dosingGateway();
    const result = await gw.gateway.write('dose.setpoint', 60);
    expect(result).toMatchObject({ tag: 'dose.setpoint', previous: 50, requested: 60, readBack: 60, outcome: 'confirmed' });
    expect(slave.get(3, 'holding-register', 0, 1)).toEqual([600]);
    expect(writesReaching(slave, 3)).toBe(1);
    // The read-back is the gateway's reading now.
    expect(gw.reading('dose.setpoint')).toMatchObject({ value: 60, quality: 'good' });

    const before = slave.requests(3);
    const again = await refusal(gw.gateway.write('dose.setpoint', 65));
    expect(again.code).toBe('rate-limited');
    await new Promise((r) => setTimeout(r, 300));
    expect(slave.requests(3)).toBe(before);
    expect(writesReaching(slave, 3)).toBe(1);
    expect(slave.get(3, 'holding-register', 0, 1)).toEqual([600]);
  });

  it('reports unknown, never retrying, when the device takes a write but its answer and the read-back are lost', async () => {
    const { slave, gw } = await dosingGateway();
    slave.noAnswer(3);
    const result = await gw.gateway.write('dose.enable', true);
    expect(result).toMatchObject({ tag: 'dose.enable', requested: true, readBack: null, outcome: 'unknown' });
    // The device did take it (only its answer was lost): exactly why "unknown" and not "failed".
    expect(slave.get(3, 'coil', 0, 1)).toEqual([true]);
    // Sent once, not again.
    expect(writesReaching(slave, 3)).toBe(1);
  });

  it('reports a mismatch when the device keeps another value than the one written', async () => {
    // A PLC that clamps the setpoint to 70.0 l/h whatever it is sent: a real device that "does not take" a value.
    const holding = new Map<number, number>([[0, 500]]);
    let writes = 0;
    const vector = {
      getHoldingRegister: (address: number) => holding.get(address) ?? 0,
      getMultipleHoldingRegisters: (address: number, length: number) => Array.from({ length }, (_, i) => holding.get(address + i) ?? 0),
      setRegister: (address: number, value: number) => {
        writes += 1;
        holding.set(address, Math.min(value, 700));
      },
      setRegisterArray: (address: number, values: number[]) => {
        writes += 1;
        values.forEach((v, i) => holding.set(address + i, Math.min(v, 700)));
      },
    };
    const port = await new Promise<number>((resolve, reject) => {
      const probe = createServer();
      probe.once('error', reject);
      probe.listen(0, '127.0.0.1', () => {
        const p = (probe.address() as { port: number }).port;
        probe.close(() => resolve(p));
      });
    });
    const server = new modbusSerial.ServerTCP(vector as never, { host: '127.0.0.1', port, unitID: 255 });
    await new Promise<void>((resolve, reject) => {
      server.once('initialized', () => resolve());
      server.once('serverError', (err: Error) => reject(err));
    });
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const gw = await openGateway(await tempDir());
    await gw.gateway.apply(
      tcpProfile(port, [
        { id: 'dosing', name: 'Dosing PLC', bus: 'line', unitId: 1, tags: [{ name: 'dose.setpoint', area: 'holding-register', address: 0, scaling: { gain: 0.1 }, pollClass: 'slow', write: { min: 0, max: 100, minIntervalSeconds: 0 } }] },
      ]),
    );
    await until('a good reading', () => gw.reading('dose.setpoint').quality === 'good', 10_000);
    const result = await gw.gateway.write('dose.setpoint', 90);
    expect(result).toMatchObject({ previous: 50, requested: 90, readBack: 70, outcome: 'mismatch' });
    expect(writes).toBe(1);
    const ok = await gw.gateway.write('dose.setpoint', 65);
    expect(ok).toMatchObject({ requested: 65, readBack: 65, outcome: 'confirmed' });
  });
});
