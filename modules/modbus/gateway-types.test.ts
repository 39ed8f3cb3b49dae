/**
 * Every data type in every byte and word order, both forms of scaling, and bools in a coil, a discrete input and
 * a register bit, read by the gateway from an independently built slave (test/support/modbus-slave.ts) whose
 * registers this test fills by encoding the expected values itself — with Buffer's own writers and byte swaps
 * done by hand, never with the gateway's codec — so a decoding mistake cannot cancel itself out.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startModbusSlave, type ModbusSlave } from '../../test/support/modbus-slave.js';
import type { TagReading } from './contract.js';
import { Gateway } from './gateway.js';
import { profileSchema } from './profile.js';

type NumericType = 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'float64';
type Order = 'ABCD' | 'CDAB' | 'BADC' | 'DCBA';

/** Values whose bytes all differ, so any swap the gateway gets wrong shows. */
const samples: Record<NumericType, number> = {
  int16: -12_345, // 0xCFC7
  uint16: 54_321, // 0xD431
  int32: -123_456_789, // 0xF8A432EB
  uint32: 3_456_789_012, // 0xCE0A6A14
  float32: -1234.5677490234375, // exactly representable as a float32
  float64: -9_876_543.210_987_6,
};

/** The value's bytes most significant first (A B C D …), written by Buffer, not by the code under test. */
function bigEndianBytes(type: NumericType, value: number): Buffer {
  const size = { int16: 2, uint16: 2, int32: 4, uint32: 4, float32: 4, float64: 8 }[type];
  const buffer = Buffer.alloc(size);
  if (type === 'int16') buffer.writeInt16BE(value);
  if (type === 'uint16') buffer.writeUInt16BE(value);
  if (type === 'int32') buffer.writeInt32BE(value);
  if (type === 'uint32') buffer.writeUInt32BE(value);
  if (type === 'float32') buffer.writeFloatBE(value);
  if (type === 'float64') buffer.writeDoubleBE(value);
  return buffer;
}

/** The same value's bytes least significant first, written by Buffer's little-endian writers (DCBA). */
function littleEndianBytes(type: NumericType, value: number): Buffer {
  const buffer = Buffer.alloc(bigEndianBytes(type, value).length);
  if (type === 'int16') buffer.writeInt16LE(value);
  if (type === 'uint16') buffer.writeUInt16LE(value);
  if (type === 'int32') buffer.writeInt32LE(value);
  if (type === 'uint32') buffer.writeUInt32LE(value);
  if (type === 'float32') buffer.writeFloatLE(value);
  if (type === 'float64') buffer.writeDoubleLE(value);
  return buffer;
}

/**
 * The bytes in the order the device sends them: ABCD as is; CDAB the 16-bit words in reverse order (for eight
 * bytes GHEFCDAB); BADC the two bytes of each word swapped; DCBA fully little-endian. A 16-bit value has one
 * word, so only the byte swap changes it.
 */
function deviceBytes(type: NumericType, value: number, order: Order): Buffer {
  const be = bigEndianBytes(type, value);
  if (order === 'ABCD') return be;
  if (order === 'DCBA') return littleEndianBytes(type, value);
  const words: Buffer[] = [];
  for (let i = 0; i < be.length; i += 2) words.push(be.subarray(i, i + 2));
  if (order === 'CDAB') return Buffer.concat(words.reverse());
  return Buffer.concat(words.map((w) => Buffer.from([w[1]!, w[0]!])));
}

/** Registers as they travel: each register is two bytes, high byte first. */
function registersOf(bytes: Buffer): number[] {
  const registers: number[] = [];
  for (let i = 0; i < bytes.length; i += 2) registers.push(bytes.readUInt16BE(i));
  return registers;
}

const types = Object.keys(samples) as NumericType[];
const orders: Order[] = ['ABCD', 'CDAB', 'BADC', 'DCBA'];

interface Case {
  tag: Record<string, unknown> & { name: string };
  expected: number | boolean;
}

function cases(): { cases: Case[]; fill(slave: ModbusSlave): void } {
  const list: Case[] = [];
  const fills: Array<(slave: ModbusSlave) => void> = [];
  let address = 0;
  types.forEach((type, t) => {
    orders.forEach((order, o) => {
      // Both register areas, alternately, so each decodes through its own function code.
      const area = (t + o) % 2 === 0 ? 'holding-register' : 'input-register';
      const at = address;
      address += 6; // a gap beyond the widest value, so neighbours never overlap
      const registers = registersOf(deviceBytes(type, samples[type], order));
      fills.push((slave) => slave.set(1, area, at, registers));
      list.push({ tag: { name: `${type}.${order}`, area, address: at, type, wordOrder: order, pollClass: 'fast' }, expected: samples[type] });
    });
  });

  // Linear scaling, range form: a Siemens-style 0..27648 input for 0..100 %, raw 20736 → 75 %.
  fills.push((slave) => slave.set(1, 'input-register', 300, registersOf(bigEndianBytes('int16', 20_736))));
  list.push({ tag: { name: 'scaled.range', area: 'input-register', address: 300, type: 'int16', scaling: { rawMin: 0, rawMax: 27_648, engMin: 0, engMax: 100 }, pollClass: 'fast' }, expected: 75 });
  // An offset range: 4..20 mA as 4000..20000 raw for -50..150 °C, raw 12000 → 50 °C.
  fills.push((slave) => slave.set(1, 'input-register', 301, registersOf(bigEndianBytes('uint16', 12_000))));
  list.push({ tag: { name: 'scaled.offset-range', area: 'input-register', address: 301, type: 'uint16', scaling: { rawMin: 4000, rawMax: 20_000, engMin: -50, engMax: 150 }, pollClass: 'fast' }, expected: 50 });
  // Gain and offset: raw × 0.01 − 40, raw 6525 → 25.25.
  fills.push((slave) => slave.set(1, 'holding-register', 302, registersOf(bigEndianBytes('uint16', 6525))));
  list.push({ tag: { name: 'scaled.gain', area: 'holding-register', address: 302, type: 'uint16', scaling: { gain: 0.01, offset: -40 }, pollClass: 'fast' }, expected: 25.25 });
  // Gain on a word-swapped 32-bit counter: seconds on the wire, hours in engineering units.
  fills.push((slave) => slave.set(1, 'input-register', 304, registersOf(deviceBytes('uint32', 90_000, 'CDAB'))));
  list.push({ tag: { name: 'scaled.uint32-cdab', area: 'input-register', address: 304, type: 'uint32', wordOrder: 'CDAB', scaling: { gain: 1 / 3600 }, pollClass: 'fast' }, expected: 25 });

  // Bools: coils, discrete inputs, single bits of a status word (bit 0 least significant), a whole register.
  fills.push((slave) => slave.set(1, 'coil', 0, [true, false]));
  list.push({ tag: { name: 'coil.on', area: 'coil', address: 0, type: 'bool', pollClass: 'fast' }, expected: true });
  list.push({ tag: { name: 'coil.off', area: 'coil', address: 1, type: 'bool', pollClass: 'fast' }, expected: false });
  fills.push((slave) => slave.set(1, 'discrete-input', 0, [false, true]));
  list.push({ tag: { name: 'input.off', area: 'discrete-input', address: 0, type: 'bool', pollClass: 'fast' }, expected: false });
  list.push({ tag: { name: 'input.on', area: 'discrete-input', address: 1, type: 'bool', pollClass: 'fast' }, expected: true });
  const statusWord = 0b1000_0000_0000_0101;
  fills.push((slave) => slave.set(1, 'input-register', 310, [statusWord]));
  for (const [bit, expected] of [[0, true], [1, false], [2, true], [3, false], [15, true]] as const) {
    list.push({ tag: { name: `status.bit${bit}`, area: 'input-register', address: 310, type: 'bool', bit, pollClass: 'fast' }, expected });
  }
  fills.push((slave) => slave.set(1, 'holding-register', 311, [0, 256]));
  list.push({ tag: { name: 'register.zero', area: 'holding-register', address: 311, type: 'bool', pollClass: 'fast' }, expected: false });
  list.push({ tag: { name: 'register.nonzero', area: 'holding-register', address: 312, type: 'bool', pollClass: 'fast' }, expected: true });

  return { cases: list, fill: (slave) => fills.forEach((fill) => fill(slave)) };
}

let slave: ModbusSlave;
let gateway: Gateway;
let dataDir: string;
const all = cases();

beforeAll(async () => {
  slave = await startModbusSlave({ units: [1] });
  all.fill(slave);
  dataDir = await mkdtemp(join(tmpdir(), 'gh-gateway-types-'));
  gateway = await Gateway.open({ dataDir, onSamples: () => undefined });
  await gateway.apply(
    profileSchema.parse({
      version: 1,
      pollClasses: { fast: 1 },
      buses: [{ id: 'line', kind: 'tcp', host: '127.0.0.1', port: slave.port, timeoutMs: 1000 }],
      devices: [{ id: 'plc', name: 'Test PLC', bus: 'line', unitId: 1, tags: all.cases.map((c) => c.tag) }],
    }),
  );
  const deadline = Date.now() + 15_000;
  while (!all.cases.every((c) => reading(c.tag.name)?.quality === 'good')) {
    if (Date.now() > deadline) {
      const bad = all.cases.map((c) => reading(c.tag.name)).filter((r) => r?.quality !== 'good');
      throw new Error(`not every tag read good: ${JSON.stringify(bad)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
});

afterAll(async () => {
  await gateway?.close();
  await slave?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

function reading(name: string): TagReading | undefined {
  return gateway.readings().find((r) => r.name === name);
}

describe('decoded engineering values from an independent slave', () => {
  it('has a case for every data type in every word order', () => {
    expect(all.cases.filter((c) => /^(u?int(16|32)|float(32|64))\.(ABCD|CDAB|BADC|DCBA)$/.test(c.tag.name))).toHaveLength(24);
  });

  it.each(all.cases.map((c) => [c.tag.name, c] as const))('%s', (_name, c) => {
    const got = reading(c.tag.name);
    expect(got?.quality).toBe('good');
    if (typeof c.expected === 'boolean') {
      expect(got?.value).toBe(c.expected);
    } else if (c.tag.type === 'float64' || c.tag.type === 'float32' || c.tag.scaling) {
      // Floats exactly (the expected values are exactly representable); scaled values to rounding.
      if (c.tag.scaling) expect(got?.value as number).toBeCloseTo(c.expected, 9);
      else expect(got?.value).toBe(c.expected);
    } else {
      expect(got?.value).toBe(c.expected);
    }
  });

  it('reads the whole profile in a few coalesced requests, not one per tag', async () => {
    const before = slave.requests(1);
    await new Promise((r) => setTimeout(r, 2500));
    const perSecond = (slave.requests(1) - before) / 2.5;
    // 44 tags in 4 areas; with gaps of at most 8 spanned, a cycle is a handful of requests.
    expect(perSecond).toBeLessThan(all.cases.length / 2);
  });
});
