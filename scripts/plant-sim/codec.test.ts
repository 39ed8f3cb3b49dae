import { describe, expect, it } from 'vitest';
import { decodeRegisters, encodeRegisters, toDeviceRaw } from './codec.js';

describe('plant-sim codec', () => {
  it('puts a float32 into registers in each word order (worked example: 1.0 is 3F 80 00 00)', () => {
    expect(encodeRegisters('float32', 'ABCD', 1)).toEqual([0x3f80, 0x0000]);
    expect(encodeRegisters('float32', 'CDAB', 1)).toEqual([0x0000, 0x3f80]);
    expect(encodeRegisters('float32', 'BADC', 1)).toEqual([0x803f, 0x0000]);
    expect(encodeRegisters('float32', 'DCBA', 1)).toEqual([0x0000, 0x803f]);
  });

  it('puts 32-bit integers and a float64 into registers in the named order', () => {
    expect(encodeRegisters('uint32', 'ABCD', 0x1234_5678)).toEqual([0x1234, 0x5678]);
    expect(encodeRegisters('int32', 'CDAB', 0x1234_5678)).toEqual([0x5678, 0x1234]);
    expect(encodeRegisters('int32', 'CDAB', -2)).toEqual([0xfffe, 0xffff]);
    // 1.0 as float64 is 3F F0 00 00 00 00 00 00; DCBA sends the last byte first.
    expect(encodeRegisters('float64', 'DCBA', 1)).toEqual([0x0000, 0x0000, 0x0000, 0xf03f]);
    expect(encodeRegisters('float64', 'CDAB', 1)).toEqual([0x0000, 0x0000, 0x0000, 0x3ff0]);
  });

  it('scales engineering values to raw and saturates integers as an analog input does', () => {
    const siemens = { rawMin: 0, rawMax: 27_648, engMin: 0, engMax: 5 };
    expect(encodeRegisters('int16', 'ABCD', 2.5, siemens)).toEqual([13_824]);
    expect(encodeRegisters('int16', 'ABCD', 100, siemens)).toEqual([0x7fff]);
    expect(encodeRegisters('uint16', 'ABCD', 7.25, { gain: 0.01, offset: 0 })).toEqual([725]);
    expect(encodeRegisters('int16', 'ABCD', -1.5, { gain: 0.01, offset: 0 })).toEqual([0x10000 - 150]);
    expect(toDeviceRaw('uint16', -3)).toBe(0);
  });

  it('decodes what it encodes, for every type and order', () => {
    for (const order of ['ABCD', 'CDAB', 'BADC', 'DCBA'] as const) {
      expect(decodeRegisters('float32', order, encodeRegisters('float32', order, 66.5))).toBe(66.5);
      expect(decodeRegisters('float64', order, encodeRegisters('float64', order, 1_234_567.891))).toBe(1_234_567.891);
      expect(decodeRegisters('int32', order, encodeRegisters('int32', order, -123_456))).toBe(-123_456);
      expect(decodeRegisters('uint32', order, encodeRegisters('uint32', order, 4_000_000_000))).toBe(4_000_000_000);
    }
    expect(decodeRegisters('uint16', 'ABCD', [655], { gain: 0.1, offset: 0 })).toBeCloseTo(65.5, 10);
  });
});
