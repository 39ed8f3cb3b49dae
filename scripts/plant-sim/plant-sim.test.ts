/**
 * The plant simulator as its own process (test/support/plant-sim.ts), read and written over real Modbus TCP and
 * RTU with modbus-serial's client. Values are decoded here by hand from demo-profile.yaml — not with the
 * simulator's codec or the agent's — and compared with the plant's true state from its HTTP port.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import modbusSerial from 'modbus-serial';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { profileSchema, type Tag } from '../../modules/modbus/profile.js';
import { startPlantSim, type PlantSimState, type TestPlantSim } from '../../test/support/plant-sim.js';
import { startSerialPair, type SerialPair } from '../../test/support/serial-pair.js';

// modbus-serial is CommonJS: its default export is the client class, which also carries itself as `default`.
const ModbusRTU = modbusSerial.default;
type ProfileTag = Tag & { unitId: number };
type Client = InstanceType<typeof ModbusRTU>;

const profile = profileSchema.parse(parse(readFileSync(join(import.meta.dirname, 'demo-profile.yaml'), 'utf8')));
const tags: ProfileTag[] = profile.devices.flatMap((d) => d.tags.map((t) => ({ ...t, unitId: d.unitId })));
const tag = (name: string) => tags.find((t) => t.name === name)!;

const registers = { bool: 1, int16: 1, uint16: 1, int32: 2, uint32: 2, float32: 2, float64: 4 } as const;

/** Where each byte of the big-endian value (A, B, C, … in that order) sits in what came over the wire. */
const wirePosition = {
  4: { ABCD: [0, 1, 2, 3], CDAB: [2, 3, 0, 1], BADC: [1, 0, 3, 2], DCBA: [3, 2, 1, 0] },
  8: { ABCD: [0, 1, 2, 3, 4, 5, 6, 7], CDAB: [6, 7, 4, 5, 2, 3, 0, 1], BADC: [1, 0, 3, 2, 5, 4, 7, 6], DCBA: [7, 6, 5, 4, 3, 2, 1, 0] },
} as const;

function decode(t: ProfileTag, wire: Buffer): number | boolean {
  if (t.type === 'bool') return ((wire.readUInt16BE(0) >> t.bit!) & 1) === 1;
  let raw: number;
  if (t.type === 'int16') raw = wire.readInt16BE(0);
  else if (t.type === 'uint16') raw = wire.readUInt16BE(0);
  else {
    const positions = wirePosition[wire.length as 4 | 8][t.wordOrder];
    const bytes = Buffer.from(positions.map((p) => wire[p]!));
    raw = { int32: () => bytes.readInt32BE(0), uint32: () => bytes.readUInt32BE(0), float32: () => bytes.readFloatBE(0), float64: () => bytes.readDoubleBE(0) }[t.type]();
  }
  const s = t.scaling;
  if (!s) return raw;
  if ('gain' in s) return raw * s.gain + s.offset;
  return s.engMin + ((raw - s.rawMin) * (s.engMax - s.engMin)) / (s.rawMax - s.rawMin);
}

async function readWire(client: Client, t: ProfileTag): Promise<Buffer> {
  client.setID(t.unitId);
  const count = registers[t.type];
  const result = t.area === 'input-register' ? await client.readInputRegisters(t.address, count) : await client.readHoldingRegisters(t.address, count);
  return result.buffer;
}

async function readTag(client: Client, name: string): Promise<number | boolean> {
  const t = tag(name);
  client.setID(t.unitId);
  if (t.area === 'coil') return (await client.readCoils(t.address, 1)).data[0]!;
  if (t.area === 'discrete-input') return (await client.readDiscreteInputs(t.address, 1)).data[0]!;
  return decode(t, await readWire(client, t));
}

/** What each tag means in the plant's true state, and how far a reading may stray (noise and resolution). */
const truth: Record<string, { of: (s: PlantSimState) => number | boolean; within?: number }> = {
  'P-101.run-command': { of: (s) => s.pumps['P-101'].command },
  'P-102.run-command': { of: (s) => s.pumps['P-102'].command },
  'P-101.running': { of: (s) => s.pumps['P-101'].running },
  'P-101.fault': { of: (s) => s.pumps['P-101'].fault },
  'P-102.running': { of: (s) => s.pumps['P-102'].running },
  'P-102.fault': { of: (s) => s.pumps['P-102'].fault },
  'P-101.speed': { of: (s) => s.pumps['P-101'].speed, within: 0.01 },
  'P-101.current': { of: (s) => s.pumps['P-101'].current, within: 0.2 },
  'P-102.speed': { of: (s) => s.pumps['P-102'].speed, within: 0.01 },
  'P-102.current': { of: (s) => s.pumps['P-102'].current, within: 0.2 },
  'FT-101.flow': { of: (s) => s.inletFlow, within: 0.5 },
  'P-101.run-hours': { of: (s) => s.pumps['P-101'].runSeconds / 3600, within: 0.001 },
  'P-101.starts': { of: (s) => s.pumps['P-101'].starts, within: 0 },
  'FT-101.total': { of: (s) => s.inletTotal, within: 0.001 },
  'intake.level-call': { of: (s) => (s.levelCall as number) > 0 },
  'P-101.speed-setpoint': { of: (s) => s.pumps['P-101'].speedSetpoint, within: 0.001 },
  'P-102.speed-setpoint': { of: (s) => s.pumps['P-102'].speedSetpoint, within: 0.001 },
  'DP-401.run-command': { of: (s) => s.dosing.command },
  'DP-401.running': { of: (s) => s.dosing.running },
  'LT-201.low-alarm': { of: (s) => s.level < 0.5 },
  'LT-201.high-alarm': { of: (s) => s.level > 4.8 },
  'LT-201.level': { of: (s) => s.level, within: 0.02 },
  'LT-201.percent': { of: (s) => s.levelPercent, within: 0.2 },
  'PT-301.pressure': { of: (s) => s.pressure, within: 0.03 },
  'AIT-401.chlorine': { of: (s) => s.chlorine, within: 0.01 },
  'AIT-402.turbidity': { of: (s) => s.turbidity, within: 0.02 },
  'AIT-403.ph': { of: (s) => s.ph, within: 0.02 },
  'DP-401.rate': { of: (s) => s.dosing.rate, within: 0.001 },
  'FT-301.flow': { of: (s) => s.outletFlow, within: 0.5 },
  'DP-401.rate-setpoint': { of: (s) => s.dosing.rateSetpoint, within: 0.001 },
};

/**
 * Read every tag of the profile, each between two looks at the true state, and check each reading lies between
 * what the plant was before and after (give or take noise and resolution), and inside the tag's expected range.
 */
async function expectEveryTagTrue(sim: TestPlantSim, client: Client): Promise<Map<string, number | boolean>> {
  const readings = new Map<string, number | boolean>();
  for (const t of tags) {
    const rule = truth[t.name];
    expect(rule, `${t.name} has an expectation in this test`).toBeDefined();
    const before = await sim.state();
    const value = await readTag(client, t.name);
    const after = await sim.state();
    readings.set(t.name, value);
    const [a, b] = [rule!.of(before), rule!.of(after)];
    if (typeof a === 'boolean') {
      expect([a, b], t.name).toContain(value);
      continue;
    }
    const within = (rule!.within ?? 0) + 1e-9;
    expect(value, t.name).toBeGreaterThanOrEqual(Math.min(a, b as number) - within);
    expect(value, t.name).toBeLessThanOrEqual(Math.max(a, b as number) + within);
    if (t.range) {
      expect(value, `${t.name} in its range`).toBeGreaterThanOrEqual(t.range.min - within);
      expect(value, `${t.name} in its range`).toBeLessThanOrEqual(t.range.max + within);
    }
  }
  return readings;
}

async function tcpClient(port: number, timeoutMs = 3000): Promise<Client> {
  const client = new ModbusRTU();
  await client.connectTCP('127.0.0.1', { port });
  client.setTimeout(timeoutMs);
  return client;
}

const closeClient = (client: Client) => new Promise<void>((r) => client.close(() => r()));

/** Poll until `check` holds (no fixed sleeps: a loaded machine only makes this slower, not wrong). */
async function eventually<T>(what: string, read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T;
  for (;;) {
    last = await read();
    if (check(last)) return last;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(last)} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function expectTimeout(promise: Promise<unknown>): Promise<void> {
  await expect(promise).rejects.toMatchObject({ errno: 'ETIMEDOUT' });
}

describe('plant simulator over Modbus', () => {
  let pair: SerialPair;
  let sim: TestPlantSim;
  let client: Client;

  beforeAll(async () => {
    pair = await startSerialPair();
    // Five times the clock: the tank visibly moves within seconds.
    sim = await startPlantSim({ speed: 5, rtu: pair.b });
    client = await tcpClient(sim.tcpPort);
  });
  afterAll(async () => {
    if (client) await closeClient(client);
    await sim?.stop();
    await pair?.stop();
  });
  afterEach(async () => {
    await sim.clearFaults();
  });

  it('serves every tag of the demo profile, decoding to what the plant is doing', async () => {
    const readings = await expectEveryTagTrue(sim, client);
    // Counters and totalisers need their full width: the word order matters.
    expect(readings.get('P-101.run-hours')).toBeGreaterThan(10_000);
    expect(readings.get('P-101.starts')).toBeGreaterThan(1000);
    expect(readings.get('FT-101.total')).toBeGreaterThan(1_000_000);
    expect(readings.get('AIT-403.ph')).toBeGreaterThan(6.5);
  });

  it('the tank level changes over time', async () => {
    const first = (await readTag(client, 'LT-201.level')) as number;
    await eventually('LT-201.level', () => readTag(client, 'LT-201.level'), (v) => Math.abs((v as number) - first) > 0.05);
  });

  it('a written setpoint reads back and drives the plant; a value outside what the PLC accepts is refused', async () => {
    client.setID(1);
    await client.writeRegister(tag('P-101.speed-setpoint').address, 655); // 65.5 % at 0.1 %/count
    expect(await readTag(client, 'P-101.speed-setpoint')).toBeCloseTo(65.5, 6);
    expect((await sim.state()).pumps['P-101'].speedSetpoint).toBeCloseTo(65.5, 6);

    const float = Buffer.alloc(4);
    float.writeFloatBE(72.5);
    await client.writeRegisters(tag('P-102.speed-setpoint').address, [float.readUInt16BE(0), float.readUInt16BE(2)]);
    expect(await readTag(client, 'P-102.speed-setpoint')).toBe(72.5);

    client.setID(2);
    float.writeFloatBE(7.25);
    await client.writeRegisters(tag('DP-401.rate-setpoint').address, [float.readUInt16BE(0), float.readUInt16BE(2)]);
    expect(await readTag(client, 'DP-401.rate-setpoint')).toBe(7.25);
    expect((await sim.state()).dosing.rateSetpoint).toBe(7.25);

    client.setID(1);
    await expect(client.writeRegister(tag('P-101.speed-setpoint').address, 1500)).rejects.toMatchObject({ modbusCode: 3 });
    await expect(client.writeRegister(5, 1)).rejects.toMatchObject({ modbusCode: 2 });
    expect(await readTag(client, 'P-101.speed-setpoint')).toBeCloseTo(65.5, 6);
  });

  it('a run command written off holds the pump stopped, and on lets it run again', async () => {
    client.setID(1);
    await client.writeCoil(tag('P-101.run-command').address, false);
    expect(await readTag(client, 'P-101.run-command')).toBe(false);
    await eventually('P-101.running', () => readTag(client, 'P-101.running'), (v) => v === false);
    await client.writeCoil(tag('P-101.run-command').address, true);
    expect(await readTag(client, 'P-101.run-command')).toBe(true);
    expect((await sim.state()).pumps['P-101'].command).toBe(true);
  });

  it('pump trip: the pump stops and its fault bit is set; clearing restores', async () => {
    await sim.fault({ fault: 'pump1-trip' });
    expect(await readTag(client, 'P-101.fault')).toBe(true);
    expect(await readTag(client, 'P-101.running')).toBe(false);
    await eventually('P-101.speed', () => readTag(client, 'P-101.speed'), (v) => v === 0);
    expect(await readTag(client, 'P-101.current')).toBe(0);
    await sim.fault({ fault: 'pump2-trip' });
    expect(await readTag(client, 'P-102.fault')).toBe(true); // the bit in the status word
    await sim.fault({ fault: 'pump1-trip', on: false });
    expect(await readTag(client, 'P-101.fault')).toBe(false);
    expect(await readTag(client, 'P-102.fault')).toBe(true);
  });

  it('sensor stuck: the reading freezes while the plant moves on; clearing restores', async () => {
    const level = tag('LT-201.level');
    await sim.fault({ fault: 'sensor-stuck', tag: 'LT-201.level' });
    const frozen = await readWire(client, level);
    const stateThen = await sim.state();
    await eventually('plant time', () => sim.state(), (s) => s.time > stateThen.time + 2);
    for (let i = 0; i < 3; i++) expect((await readWire(client, level)).equals(frozen)).toBe(true);
    await sim.fault({ fault: 'sensor-stuck', tag: 'LT-201.level', on: false });
    // Noise alone moves a live level reading from one tick to the next.
    await eventually('LT-201.level raw', () => readWire(client, level), (wire) => !wire.equals(frozen));
  });

  it('sensor out of range: the input reads its overflow value; clearing restores', async () => {
    await sim.fault({ fault: 'sensor-out-of-range', tag: 'LT-201.level' });
    await sim.fault({ fault: 'sensor-out-of-range', tag: 'FT-101.flow' });
    expect((await readWire(client, tag('LT-201.level'))).readUInt16BE(0)).toBe(0x7fff);
    expect(await readTag(client, 'LT-201.level')).toBeGreaterThan(tag('LT-201.level').range!.max);
    expect(await readTag(client, 'FT-101.flow')).toBe(-1);
    await sim.clearFaults();
    const level = (await readTag(client, 'LT-201.level')) as number;
    expect(level).toBeGreaterThanOrEqual(0);
    expect(level).toBeLessThanOrEqual(5);
  });

  it('a device that stops answering times the client out, while the other unit on the port still answers', async () => {
    const impatient = await tcpClient(sim.tcpPort, 500);
    try {
      await sim.fault({ fault: 'no-answer', device: 2 });
      await expectTimeout(readTag(impatient, 'LT-201.level'));
      expect(typeof (await readTag(impatient, 'FT-101.flow'))).toBe('number');
      await sim.fault({ fault: 'no-answer', device: 2, on: false });
      expect(typeof (await readTag(impatient, 'LT-201.level'))).toBe('number');
    } finally {
      await closeClient(impatient);
    }
  });

  it('slow answers: a client that waits long enough gets the reply, an impatient one times out', async () => {
    await sim.fault({ fault: 'slow', device: 1, delayMs: 1500 });
    const impatient = await tcpClient(sim.tcpPort, 300);
    try {
      await expectTimeout(readTag(impatient, 'FT-101.flow'));
    } finally {
      await closeClient(impatient);
    }
    const patient = await tcpClient(sim.tcpPort, 15_000);
    try {
      expect(typeof (await readTag(patient, 'FT-101.flow'))).toBe('number');
      expect(typeof (await readTag(patient, 'LT-201.level'))).toBe('number'); // unit 2 is not slowed
    } finally {
      await closeClient(patient);
    }
  });

  it('a unit id that is not on the port gets "gateway target failed to respond"', async () => {
    client.setID(7);
    await expect(client.readInputRegisters(0, 1)).rejects.toMatchObject({ modbusCode: 0x0b });
    client.setID(2);
    await expect(client.readInputRegisters(30, 4)).rejects.toMatchObject({ modbusCode: 2 });
  });

  it('the fault port refuses bad requests with a problem code', async () => {
    await expect(sim.fault({ fault: 'sensor-stuck', tag: 'XX-999.level' })).rejects.toMatchObject({ code: 'not-found', status: 404 });
    await expect(sim.fault({ fault: 'sensor-stuck' })).rejects.toMatchObject({ code: 'invalid-params', status: 400 });
    await expect(sim.fault({ fault: 'no-answer', device: 200 })).rejects.toMatchObject({ code: 'not-found' });
    await expect(sim.fault({ fault: 'meltdown' } as never)).rejects.toMatchObject({ code: 'invalid-params' });
  });

  it('answers the same over Modbus RTU on a serial line', async () => {
    const rtu = new ModbusRTU();
    await rtu.connectRTUBuffered(pair.a, { baudRate: 9600 });
    rtu.setTimeout(3000);
    try {
      const overRtu = await expectEveryTagTrue(sim, rtu);
      const overTcp = await expectEveryTagTrue(sim, client);
      for (const name of ['P-101.speed-setpoint', 'P-102.speed-setpoint', 'DP-401.rate-setpoint', 'P-101.run-command', 'DP-401.run-command']) {
        expect(overRtu.get(name), name).toEqual(overTcp.get(name));
      }
      await sim.fault({ fault: 'no-answer', device: 1 });
      rtu.setTimeout(500);
      await expectTimeout(readTag(rtu, 'FT-101.flow'));
    } finally {
      await closeClient(rtu);
    }
  });
});

describe('plant simulator command line', () => {
  it('starts with faults given as --fault options', async () => {
    const sim = await startPlantSim({ faults: ['pump1-trip', 'sensor-out-of-range:LT-201.level'] });
    const client = await tcpClient(sim.tcpPort);
    try {
      expect(await readTag(client, 'P-101.fault')).toBe(true);
      expect((await readWire(client, tag('LT-201.level'))).readUInt16BE(0)).toBe(0x7fff);
      await sim.clearFaults();
      await eventually('P-101.fault', () => readTag(client, 'P-101.fault'), (v) => v === false);
    } finally {
      await closeClient(client);
      await sim.stop();
    }
  });

  it('refuses a bad option with a clear message instead of starting', async () => {
    await expect(startPlantSim({ faults: ['sensor-stuck:NOPE.level'] })).rejects.toThrow(/not-found: no tag is named NOPE.level/);
    await expect(startPlantSim({ speed: -1 })).rejects.toThrow(/--speed/);
  });
});
