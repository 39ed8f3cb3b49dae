import { GatehouseError } from '../kernel/errors.js';
import type { DataType, RegisterArea, Scaling, Tag, WordOrder } from './profile.js';

/**
 * Registers are 16-bit unsigned numbers, as modbus-serial returns them in `data`; bits are booleans.
 * A value of several registers is assembled into big-endian bytes first (undoing the device's word order), then
 * read with a DataView, so each type is decoded in exactly one place.
 */

const integerRange: Partial<Record<DataType, { min: number; max: number }>> = {
  int16: { min: -0x8000, max: 0x7fff },
  uint16: { min: 0, max: 0xffff },
  int32: { min: -0x8000_0000, max: 0x7fff_ffff },
  uint32: { min: 0, max: 0xffff_ffff },
};

const float32Max = 3.4028234663852886e38;

/** A bit area holds one bool per address; the register areas hold 16-bit words. */
export function isBitArea(area: RegisterArea): boolean {
  return area === 'coil' || area === 'discrete-input';
}

/** How many addresses the tag occupies: 1 for bits and 16-bit values, 2 for 32-bit, 4 for float64. */
export function registerCount(tag: Pick<Tag, 'type' | 'area'>): number {
  if (isBitArea(tag.area)) return 1;
  return wordsFor(tag.type);
}

function wordsFor(type: DataType): number {
  switch (type) {
    case 'int32':
    case 'uint32':
    case 'float32':
      return 2;
    case 'float64':
      return 4;
    default:
      return 1;
  }
}

// CDAB reverses the order of the words, BADC swaps the two bytes inside each word, DCBA does both.
// For float64 the same holds over four words (CDAB → GHEFCDAB); for a 16-bit value only the byte swap matters.
const reversesWords = (order: WordOrder) => order === 'CDAB' || order === 'DCBA';
const swapsBytes = (order: WordOrder) => order === 'BADC' || order === 'DCBA';

const swapBytes = (word: number) => ((word & 0xff) << 8) | (word >> 8);

/** Device order → big-endian order; the mapping is its own inverse, so it also serves for encoding. */
function reorder(words: readonly number[], order: WordOrder): number[] {
  const swapped = swapsBytes(order) ? words.map(swapBytes) : [...words];
  return reversesWords(order) ? swapped.reverse() : swapped;
}

/** The raw number in `words` (exactly this type's register count), in the device's word order. */
export function decodeRaw(words: readonly number[], type: DataType, wordOrder: WordOrder): number {
  const count = wordsFor(type);
  if (words.length !== count) {
    throw new GatehouseError('invalid-params', `a ${type} takes ${count} register${count === 1 ? '' : 's'}, got ${words.length}`);
  }
  for (const word of words) {
    if (!Number.isInteger(word) || word < 0 || word > 0xffff) {
      throw new GatehouseError('invalid-params', `a register holds 0..65535, got ${String(word)}`);
    }
  }
  const view = new DataView(new ArrayBuffer(count * 2));
  reorder(words, wordOrder).forEach((word, i) => view.setUint16(i * 2, word));
  switch (type) {
    case 'bool':
    case 'uint16':
      return view.getUint16(0);
    case 'int16':
      return view.getInt16(0);
    case 'int32':
      return view.getInt32(0);
    case 'uint32':
      return view.getUint32(0);
    case 'float32':
      return view.getFloat32(0);
    case 'float64':
      return view.getFloat64(0);
  }
}

/** The registers that hold `value` in the device's word order; integers are rounded, out-of-range is refused. */
export function encodeRaw(value: number, type: DataType, wordOrder: WordOrder): number[] {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new GatehouseError('invalid-params', `${String(value)} is not a finite number`);
  }
  const count = wordsFor(type);
  const view = new DataView(new ArrayBuffer(count * 2));
  const range = integerRange[type];
  if (type === 'bool') {
    view.setUint16(0, value === 0 ? 0 : 1);
  } else if (range) {
    const whole = Math.round(value);
    if (whole < range.min || whole > range.max) {
      throw new GatehouseError('invalid-params', `${value} does not fit a ${type} (${range.min}..${range.max})`);
    }
    if (type === 'int16') view.setInt16(0, whole);
    else if (type === 'uint16') view.setUint16(0, whole);
    else if (type === 'int32') view.setInt32(0, whole);
    else view.setUint32(0, whole);
  } else if (type === 'float32') {
    if (Math.abs(value) > float32Max) throw new GatehouseError('invalid-params', `${value} does not fit a float32`);
    view.setFloat32(0, value);
  } else {
    view.setFloat64(0, value);
  }
  const bigEndian = Array.from({ length: count }, (_, i) => view.getUint16(i * 2));
  return reorder(bigEndian, wordOrder);
}

/** Raw device number → engineering units (unchanged without scaling). */
export function toEngineering(raw: number, scaling?: Scaling): number {
  if (!scaling) return raw;
  if ('gain' in scaling) return raw * scaling.gain + (scaling.offset ?? 0);
  return scaling.engMin + ((raw - scaling.rawMin) * (scaling.engMax - scaling.engMin)) / (scaling.rawMax - scaling.rawMin);
}

/** Engineering units → raw device number, the inverse of toEngineering. */
export function toRaw(engineering: number, scaling?: Scaling): number {
  if (!scaling) return engineering;
  if ('gain' in scaling) return (engineering - (scaling.offset ?? 0)) / scaling.gain;
  if (scaling.engMax === scaling.engMin) {
    // Every raw value reads as the same engineering value, so no raw value can be chosen for a write.
    throw new GatehouseError('invalid-params', `the scaling maps every raw value to ${scaling.engMin}; it cannot be inverted for a write`);
  }
  return scaling.rawMin + ((engineering - scaling.engMin) * (scaling.rawMax - scaling.rawMin)) / (scaling.engMax - scaling.engMin);
}

/**
 * The tag's value from exactly its own registers or bits, in engineering units. A float register holding NaN or
 * Infinity is refused ('invalid-params') so the caller marks the reading bad instead of reporting it.
 */
export function decodeTag(tag: Tag, words: readonly number[] | readonly boolean[]): number | boolean {
  const count = registerCount(tag);
  if (words.length !== count) {
    throw new GatehouseError('invalid-params', `tag ${tag.name} takes ${count} ${isBitArea(tag.area) ? 'bit' : 'register'}${count === 1 ? '' : 's'}, got ${words.length}`, { tag: tag.name });
  }
  if (isBitArea(tag.area)) {
    const bit = words[0];
    if (typeof bit !== 'boolean') throw new GatehouseError('invalid-params', `tag ${tag.name} is a ${tag.area}: expected a bool, got ${String(bit)}`, { tag: tag.name });
    return bit;
  }
  const registers = words as readonly unknown[];
  if (!registers.every((word): word is number => typeof word === 'number')) {
    throw new GatehouseError('invalid-params', `tag ${tag.name} is a ${tag.area}: expected register numbers`, { tag: tag.name });
  }
  if (tag.type === 'bool') {
    const word = decodeRaw(registers, 'uint16', 'ABCD');
    return tag.bit === undefined ? word !== 0 : ((word >> tag.bit) & 1) === 1;
  }
  const raw = decodeRaw(registers, tag.type, tag.wordOrder);
  if (!Number.isFinite(raw)) {
    throw new GatehouseError('invalid-params', `tag ${tag.name} reads ${String(raw)} (the device reports no valid number)`, { tag: tag.name });
  }
  const value = toEngineering(raw, tag.scaling);
  if (!Number.isFinite(value)) {
    throw new GatehouseError('invalid-params', `tag ${tag.name}: raw ${raw} scales to ${String(value)}`, { tag: tag.name });
  }
  return value;
}

/**
 * What to write for the tag: a coil takes [bool], a holding register the words of the raw value (engineering units
 * in, scaling undone). Read-only areas and a bool kept in one bit of a register are 'not-supported'.
 */
export function encodeTag(tag: Tag, value: number | boolean): number[] | boolean[] {
  if (tag.area === 'discrete-input' || tag.area === 'input-register') {
    throw new GatehouseError('not-supported', `tag ${tag.name} is a ${tag.area}, which is read-only`, { tag: tag.name });
  }
  if (tag.type === 'bool') {
    if (typeof value !== 'boolean') throw new GatehouseError('invalid-params', `tag ${tag.name} takes true or false, not ${String(value)}`, { tag: tag.name });
    if (tag.area === 'coil') return [value];
    if (tag.bit !== undefined) {
      // Writing one bit means writing the whole register, which would overwrite the other 15 bits blindly.
      throw new GatehouseError('not-supported', `tag ${tag.name} is bit ${tag.bit} of a holding register; writing one bit is not supported`, { tag: tag.name });
    }
    return [value ? 1 : 0];
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new GatehouseError('invalid-params', `tag ${tag.name} takes a finite number, not ${String(value)}`, { tag: tag.name });
  }
  try {
    return encodeRaw(toRaw(value, tag.scaling), tag.type, tag.wordOrder);
  } catch (err) {
    if (err instanceof GatehouseError) throw new GatehouseError(err.code, `tag ${tag.name}: ${err.message}`, { tag: tag.name });
    throw err;
  }
}
