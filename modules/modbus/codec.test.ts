import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GatehouseError } from '../kernel/errors.js';
import { decodeRaw, decodeTag, encodeRaw, encodeTag, registerCount, toEngineering, toRaw } from './codec.js';
import { dataTypes, scalingSchema, tagSchema, wordOrders, type DataType, type Tag, type WordOrder } from './profile.js';

const tag = (fields: Record<string, unknown>): Tag => tagSchema.parse({ name: 't1', area: 'holding-register', address: 0, ...fields });

function refusal(run: () => unknown): GatehouseError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(GatehouseError);
    return err as GatehouseError;
  }
  throw new Error('expected a refusal');
}

/**
 * Byte layouts written out by hand from the letters of each order (A = most significant byte), not computed by the
 * code under test: float32 123.456 is 42 F6 E9 79, float64 123.456 is 40 5E DD 2F 1A 9F BE 77.
 */
const layouts: Array<{ type: DataType; value: number; words: Record<WordOrder, number[]> }> = [
  { type: 'uint16', value: 0x1234, words: { ABCD: [0x1234], CDAB: [0x1234], BADC: [0x3412], DCBA: [0x3412] } },
  { type: 'int16', value: -2, words: { ABCD: [0xfffe], CDAB: [0xfffe], BADC: [0xfeff], DCBA: [0xfeff] } },
  { type: 'int16', value: 300, words: { ABCD: [0x012c], CDAB: [0x012c], BADC: [0x2c01], DCBA: [0x2c01] } },
  {
    type: 'uint32',
    value: 0x12345678,
    words: { ABCD: [0x1234, 0x5678], CDAB: [0x5678, 0x1234], BADC: [0x3412, 0x7856], DCBA: [0x7856, 0x3412] },
  },
  {
    type: 'int32',
    value: -2,
    words: { ABCD: [0xffff, 0xfffe], CDAB: [0xfffe, 0xffff], BADC: [0xffff, 0xfeff], DCBA: [0xfeff, 0xffff] },
  },
  {
    type: 'int32',
    value: -19_088_744, // 0xFEDCBA98
    words: { ABCD: [0xfedc, 0xba98], CDAB: [0xba98, 0xfedc], BADC: [0xdcfe, 0x98ba], DCBA: [0x98ba, 0xdcfe] },
  },
  {
    type: 'float32',
    value: Math.fround(123.456),
    words: { ABCD: [0x42f6, 0xe979], CDAB: [0xe979, 0x42f6], BADC: [0xf642, 0x79e9], DCBA: [0x79e9, 0xf642] },
  },
  {
    type: 'float32',
    value: -1.5,
    words: { ABCD: [0xbfc0, 0x0000], CDAB: [0x0000, 0xbfc0], BADC: [0xc0bf, 0x0000], DCBA: [0x0000, 0xc0bf] },
  },
  {
    type: 'float64',
    value: 123.456,
    words: {
      ABCD: [0x405e, 0xdd2f, 0x1a9f, 0xbe77],
      CDAB: [0xbe77, 0x1a9f, 0xdd2f, 0x405e],
      BADC: [0x5e40, 0x2fdd, 0x9f1a, 0x77be],
      DCBA: [0x77be, 0x9f1a, 0x2fdd, 0x5e40],
    },
  },
];

describe('registerCount', () => {
  it('counts 1 for bits and 16-bit values, 2 for 32-bit, 4 for float64', () => {
    expect(registerCount({ area: 'coil', type: 'bool' })).toBe(1);
    expect(registerCount({ area: 'discrete-input', type: 'bool' })).toBe(1);
    expect(registerCount({ area: 'holding-register', type: 'bool' })).toBe(1);
    expect(registerCount({ area: 'input-register', type: 'int16' })).toBe(1);
    expect(registerCount({ area: 'input-register', type: 'uint16' })).toBe(1);
    for (const type of ['int32', 'uint32', 'float32'] as const) expect(registerCount({ area: 'holding-register', type })).toBe(2);
    expect(registerCount({ area: 'holding-register', type: 'float64' })).toBe(4);
  });
});

describe('decodeRaw and encodeRaw against hand-written layouts', () => {
  for (const { type, value, words } of layouts) {
    for (const order of wordOrders) {
      it(`${type} ${value} in ${order} is ${words[order].map((w) => w.toString(16).padStart(4, '0')).join(' ')}`, () => {
        expect(decodeRaw(words[order], type, order)).toBe(value);
        expect(encodeRaw(value, type, order)).toEqual(words[order]);
      });
    }
  }

  it('refuses the wrong number of registers and words that are not 16-bit', () => {
    expect(refusal(() => decodeRaw([1], 'float32', 'ABCD')).code).toBe('invalid-params');
    expect(refusal(() => decodeRaw([1, 2, 3], 'float64', 'ABCD')).code).toBe('invalid-params');
    expect(refusal(() => decodeRaw([70_000], 'uint16', 'ABCD')).code).toBe('invalid-params');
    expect(refusal(() => decodeRaw([-1], 'int16', 'ABCD')).code).toBe('invalid-params');
    expect(refusal(() => decodeRaw([1.5], 'int16', 'ABCD')).code).toBe('invalid-params');
  });

  it('rounds integers to the nearest and refuses values outside the type', () => {
    expect(encodeRaw(41.6, 'uint16', 'ABCD')).toEqual([42]);
    expect(encodeRaw(-41.6, 'int16', 'ABCD')).toEqual([0xffd6]);
    expect(encodeRaw(65_535.4, 'uint16', 'ABCD')).toEqual([0xffff]);
    const cases: Array<[number, DataType]> = [
      [65_536, 'uint16'], [-1, 'uint16'], [32_768, 'int16'], [-32_769, 'int16'],
      [2 ** 32, 'uint32'], [-0.6, 'uint32'], [2 ** 31, 'int32'], [-(2 ** 31) - 1, 'int32'], [1e39, 'float32'],
    ];
    for (const [value, type] of cases) {
      const err = refusal(() => encodeRaw(value, type, 'ABCD'));
      expect(err.code).toBe('invalid-params');
      expect(err.message).toContain(type);
    }
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY]) expect(refusal(() => encodeRaw(value, 'float64', 'ABCD')).code).toBe('invalid-params');
  });

  const order = fc.constantFrom(...wordOrders);
  const numbers: Record<Exclude<DataType, 'bool'>, fc.Arbitrary<number>> = {
    int16: fc.integer({ min: -0x8000, max: 0x7fff }),
    uint16: fc.integer({ min: 0, max: 0xffff }),
    int32: fc.integer({ min: -0x8000_0000, max: 0x7fff_ffff }),
    uint32: fc.integer({ min: 0, max: 0xffff_ffff }),
    float32: fc.float({ noNaN: true, noDefaultInfinity: true }),
    float64: fc.double({ noNaN: true, noDefaultInfinity: true }),
  };

  for (const [type, values] of Object.entries(numbers) as Array<[Exclude<DataType, 'bool'>, fc.Arbitrary<number>]>) {
    it(`${type}: encode then decode gives the value back in every order`, () => {
      fc.assert(
        fc.property(values, order, (value, wordOrder) => {
          const words = encodeRaw(value, type, wordOrder);
          expect(words).toHaveLength(registerCount({ area: 'holding-register', type }));
          for (const word of words) expect(word >= 0 && word <= 0xffff && Number.isInteger(word)).toBe(true);
          expect(decodeRaw(words, type, wordOrder)).toBe(value);
        }),
      );
    });

    it(`${type}: decode then encode gives the same registers in every order`, () => {
      const count = registerCount({ area: 'holding-register', type });
      fc.assert(
        fc.property(fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: count, maxLength: count }), order, (words, wordOrder) => {
          const value = decodeRaw(words, type, wordOrder);
          fc.pre(!Number.isNaN(value) && Number.isFinite(value)); // NaN payloads and infinities are refused on encode
          expect(encodeRaw(value, type, wordOrder)).toEqual(words);
        }),
      );
    });
  }

  it('different orders give different registers for an asymmetric value', () => {
    for (const type of ['int32', 'uint32', 'float32', 'float64'] as const) {
      const seen = new Set(wordOrders.map((o) => encodeRaw(0x01020304, type, o).join(',')));
      expect(seen.size).toBe(4);
    }
  });
});

describe('scaling', () => {
  const linear = scalingSchema.parse({ rawMin: 0, rawMax: 27_648, engMin: 0, engMax: 100 });
  const offsetLinear = scalingSchema.parse({ rawMin: 4000, rawMax: 20_000, engMin: -10, engMax: 50 });
  const gain = scalingSchema.parse({ gain: 0.1, offset: -10 });
  const gainOnly = scalingSchema.parse({ gain: 0.01 });

  it('maps raw to engineering units, both forms', () => {
    expect(toEngineering(13_824, linear)).toBe(50);
    expect(toEngineering(27_648, linear)).toBe(100);
    expect(toEngineering(4000, offsetLinear)).toBe(-10);
    expect(toEngineering(12_000, offsetLinear)).toBe(20);
    expect(toEngineering(250, gain)).toBe(15);
    expect(toEngineering(1234, gainOnly)).toBeCloseTo(12.34, 10);
    expect(toEngineering(1234)).toBe(1234);
  });

  it('maps engineering units back to raw, both forms', () => {
    expect(toRaw(50, linear)).toBe(13_824);
    expect(toRaw(20, offsetLinear)).toBe(12_000);
    expect(toRaw(15, gain)).toBeCloseTo(250, 10);
    expect(toRaw(7)).toBe(7);
  });

  it('toRaw inverts toEngineering', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constantFrom(linear, offsetLinear, gain, gainOnly), (raw, scaling) => {
        expect(toRaw(toEngineering(raw, scaling), scaling)).toBeCloseTo(raw, 4);
      }),
    );
  });

  it('refuses to invert a scaling that maps everything to one value', () => {
    const flat = scalingSchema.parse({ rawMin: 0, rawMax: 10, engMin: 5, engMax: 5 });
    expect(toEngineering(3, flat)).toBe(5);
    expect(refusal(() => toRaw(5, flat)).code).toBe('invalid-params');
  });
});

describe('decodeTag', () => {
  it('reads bools from coils and discrete inputs', () => {
    expect(decodeTag(tag({ area: 'coil', type: 'bool' }), [true])).toBe(true);
    expect(decodeTag(tag({ area: 'discrete-input', type: 'bool' }), [false])).toBe(false);
    expect(refusal(() => decodeTag(tag({ area: 'coil', type: 'bool' }), [1])).code).toBe('invalid-params');
    expect(refusal(() => decodeTag(tag({ area: 'coil', type: 'bool' }), [true, false])).code).toBe('invalid-params');
  });

  it('reads a bool from one bit of a register, or from the whole register', () => {
    const word = 0b1000_0000_0000_1010;
    expect(decodeTag(tag({ type: 'bool', bit: 0 }), [word])).toBe(false);
    expect(decodeTag(tag({ type: 'bool', bit: 1 }), [word])).toBe(true);
    expect(decodeTag(tag({ type: 'bool', bit: 3 }), [word])).toBe(true);
    expect(decodeTag(tag({ type: 'bool', bit: 15 }), [word])).toBe(true);
    expect(decodeTag(tag({ type: 'bool', bit: 14 }), [word])).toBe(false);
    expect(decodeTag(tag({ area: 'input-register', type: 'bool' }), [0])).toBe(false);
    expect(decodeTag(tag({ area: 'input-register', type: 'bool' }), [0x100])).toBe(true);
  });

  it('applies word order and scaling', () => {
    const level = tag({ area: 'input-register', type: 'int16', wordOrder: 'BADC', scaling: { gain: 0.1, offset: 0 } });
    expect(decodeTag(level, [0x2c01])).toBeCloseTo(30, 10);
    const flow = tag({ type: 'float32', wordOrder: 'CDAB', scaling: { rawMin: 0, rawMax: 1, engMin: 0, engMax: 3.6 } });
    expect(decodeTag(flow, [0x0000, 0xbfc0])).toBeCloseTo(-5.4, 10);
    expect(decodeTag(tag({ type: 'uint32', wordOrder: 'DCBA' }), [0x7856, 0x3412])).toBe(0x12345678);
  });

  it('refuses NaN and Infinity from a float register so the reading is marked bad', () => {
    const f32 = tag({ type: 'float32' });
    for (const words of [[0x7fc0, 0x0000], [0x7f80, 0x0000], [0xff80, 0x0000]]) {
      const err = refusal(() => decodeTag(f32, words));
      expect(err.code).toBe('invalid-params');
      expect(err.message).toContain('t1');
    }
    expect(refusal(() => decodeTag(tag({ type: 'float64' }), [0x7ff0, 0, 0, 0])).code).toBe('invalid-params');
  });

  it('refuses registers of the wrong count or kind', () => {
    expect(refusal(() => decodeTag(tag({ type: 'float32' }), [1])).code).toBe('invalid-params');
    expect(refusal(() => decodeTag(tag({ type: 'uint16' }), [true])).code).toBe('invalid-params');
  });
});

describe('encodeTag', () => {
  it('writes a coil as one bool and a holding register as words of the raw value', () => {
    expect(encodeTag(tag({ area: 'coil', type: 'bool' }), true)).toEqual([true]);
    expect(encodeTag(tag({ type: 'bool' }), true)).toEqual([1]);
    const speed = tag({ type: 'uint16', scaling: { gain: 0.1 } });
    expect(encodeTag(speed, 12.34)).toEqual([123]);
    const setpoint = tag({ type: 'float32', wordOrder: 'CDAB' });
    expect(encodeTag(setpoint, 123.456)).toEqual([0xe979, 0x42f6]);
  });

  it('round-trips every type and order through decodeTag', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<DataType>('int16', 'uint16', 'int32', 'uint32', 'float32', 'float64'),
        fc.constantFrom(...wordOrders),
        fc.integer({ min: 0, max: 30_000 }),
        (type, wordOrder, whole) => {
          const t = tag({ type, wordOrder, scaling: { gain: 0.5, offset: 0 } });
          const words = encodeTag(t, whole / 2) as number[];
          expect(decodeTag(t, words)).toBe(whole / 2);
        },
      ),
    );
  });

  it('refuses read-only areas, one bit of a register, the wrong type and values that do not fit', () => {
    expect(refusal(() => encodeTag(tag({ area: 'input-register' }), 1)).code).toBe('not-supported');
    expect(refusal(() => encodeTag(tag({ area: 'discrete-input', type: 'bool' }), true)).code).toBe('not-supported');
    const bit = refusal(() => encodeTag(tag({ type: 'bool', bit: 3 }), true));
    expect(bit.code).toBe('not-supported');
    expect(bit.message).toContain('bit 3');
    expect(refusal(() => encodeTag(tag({ area: 'coil', type: 'bool' }), 1)).code).toBe('invalid-params');
    expect(refusal(() => encodeTag(tag({ type: 'uint16' }), true)).code).toBe('invalid-params');
    expect(refusal(() => encodeTag(tag({ type: 'float32' }), Number.NaN)).code).toBe('invalid-params');
    const tooBig = refusal(() => encodeTag(tag({ name: 'pump1.speed', type: 'int16', scaling: { gain: 0.1 } }), 5000));
    expect(tooBig.code).toBe('invalid-params');
    expect(tooBig.message).toContain('pump1.speed');
  });
});
