/**
 * How the simulated PLCs put engineering values into 16-bit registers: scaling to a raw number, the raw number to
 * bytes, the bytes to words in the tag's byte/word order — and back, for what a client writes.
 *
 * This is the simulator's own codec on purpose: the agent has its own, and a test decodes by hand, so a mistake
 * in one shows up as a disagreement instead of cancelling out.
 */
import type { DataType, Scaling, WordOrder } from '../../modules/modbus/profile.js';

export type RegisterType = Exclude<DataType, 'bool'>;

const byteLength: Record<RegisterType, number> = { int16: 2, uint16: 2, int32: 4, uint32: 4, float32: 4, float64: 8 };

/** How many 16-bit registers a value of this type occupies. */
export function registerCount(type: RegisterType): number {
  return byteLength[type] / 2;
}

const integerRange: Partial<Record<RegisterType, [number, number]>> = {
  int16: [-0x8000, 0x7fff],
  uint16: [0, 0xffff],
  int32: [-0x8000_0000, 0x7fff_ffff],
  uint32: [0, 0xffff_ffff],
};

/** Engineering value → raw number (the inverse of the profile's scaling). */
export function engineeringToRaw(value: number, scaling?: Scaling): number {
  if (!scaling) return value;
  if ('gain' in scaling) return (value - scaling.offset) / scaling.gain;
  return scaling.rawMin + ((value - scaling.engMin) * (scaling.rawMax - scaling.rawMin)) / (scaling.engMax - scaling.engMin);
}

/** Raw number → engineering value, as the profile's scaling says. */
export function rawToEngineering(raw: number, scaling?: Scaling): number {
  if (!scaling) return raw;
  if ('gain' in scaling) return raw * scaling.gain + scaling.offset;
  return scaling.engMin + ((raw - scaling.rawMin) * (scaling.engMax - scaling.engMin)) / (scaling.rawMax - scaling.rawMin);
}

/**
 * A raw number as the device would hold it: integers rounded and saturated at the type's limits (a PLC's
 * analog input clips, it does not wrap).
 */
export function toDeviceRaw(type: RegisterType, raw: number): number {
  const range = integerRange[type];
  if (!range) return raw;
  if (Number.isNaN(raw)) return 0;
  return Math.min(range[1], Math.max(range[0], Math.round(raw)));
}

/** Big-endian bytes (A first) of a raw value. */
function bigEndianBytes(type: RegisterType, raw: number): Buffer {
  const bytes = Buffer.alloc(byteLength[type]);
  switch (type) {
    case 'int16':
      bytes.writeInt16BE(raw);
      break;
    case 'uint16':
      bytes.writeUInt16BE(raw);
      break;
    case 'int32':
      bytes.writeInt32BE(raw);
      break;
    case 'uint32':
      bytes.writeUInt32BE(raw);
      break;
    case 'float32':
      bytes.writeFloatBE(raw);
      break;
    case 'float64':
      bytes.writeDoubleBE(raw);
      break;
  }
  return bytes;
}

function readBigEndian(type: RegisterType, bytes: Buffer): number {
  switch (type) {
    case 'int16':
      return bytes.readInt16BE();
    case 'uint16':
      return bytes.readUInt16BE();
    case 'int32':
      return bytes.readInt32BE();
    case 'uint32':
      return bytes.readUInt32BE();
    case 'float32':
      return bytes.readFloatBE();
    case 'float64':
      return bytes.readDoubleBE();
  }
}

/**
 * Reorder big-endian bytes into the order they travel on the wire (and back: every order here is its own
 * inverse). CDAB swaps 16-bit words end for end, BADC swaps the bytes inside each word, DCBA does both.
 */
function reorder(bytes: Buffer, order: WordOrder): Buffer {
  const out = Buffer.from(bytes);
  if (order === 'CDAB' || order === 'DCBA') {
    const words = bytes.length / 2;
    for (let w = 0; w < words; w++) bytes.copy(out, (words - 1 - w) * 2, w * 2, w * 2 + 2);
  }
  if (order === 'BADC' || order === 'DCBA') out.swap16();
  return out;
}

/** Engineering value → the registers (16-bit words, first address first) the device serves. */
export function encodeRegisters(type: RegisterType, order: WordOrder, value: number, scaling?: Scaling): number[] {
  const raw = toDeviceRaw(type, engineeringToRaw(value, scaling));
  return rawToRegisters(type, order, raw);
}

/** A raw number (already in the type's range) → registers. */
export function rawToRegisters(type: RegisterType, order: WordOrder, raw: number): number[] {
  const wire = reorder(bigEndianBytes(type, raw), order);
  const words: number[] = [];
  for (let i = 0; i < wire.length; i += 2) words.push(wire.readUInt16BE(i));
  return words;
}

/** Registers a client wrote → engineering value. */
export function decodeRegisters(type: RegisterType, order: WordOrder, words: readonly number[], scaling?: Scaling): number {
  const wire = Buffer.alloc(byteLength[type]);
  words.forEach((word, i) => wire.writeUInt16BE(word & 0xffff, i * 2));
  return rawToEngineering(readBigEndian(type, reorder(wire, order)), scaling);
}
