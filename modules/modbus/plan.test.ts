import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GatehouseError } from '../kernel/errors.js';
import { registerCount } from './codec.js';
import { maxBitsPerRead, maxRegistersPerRead, minimumRequests, planReads, sliceFor, type ReadRequest } from './plan.js';
import { dataTypes, registerAreas, tagSchema, type RegisterArea, type Tag } from './profile.js';

let serial = 0;
const tag = (fields: Record<string, unknown>): Tag => tagSchema.parse({ name: `t${serial++}`, area: 'holding-register', address: 0, ...fields });

const limitOf = (area: RegisterArea) => (area === 'coil' || area === 'discrete-input' ? maxBitsPerRead : maxRegistersPerRead);
const lastOf = (t: Tag) => t.address + registerCount(t) - 1;
const endOf = (r: ReadRequest) => r.address + r.count - 1;

/** A tag in some area at some address, typed as that area allows (bools may share a register through `bit`). */
const tagShape = (maxAddress: number) =>
  fc.oneof(
    fc.record({ area: fc.constantFrom<RegisterArea>('coil', 'discrete-input'), address: fc.integer({ min: 0, max: maxAddress }) }).map((t) => ({ ...t, type: 'bool' })),
    fc.record({
      area: fc.constantFrom<RegisterArea>('input-register', 'holding-register'),
      address: fc.integer({ min: 0, max: maxAddress }),
      type: fc.constantFrom(...dataTypes.filter((t) => t !== 'bool')),
    }),
    fc.record({
      area: fc.constantFrom<RegisterArea>('input-register', 'holding-register'),
      address: fc.integer({ min: 0, max: maxAddress }),
      type: fc.constant('bool'),
      bit: fc.option(fc.integer({ min: 0, max: 15 }), { nil: undefined }),
    }),
  );

/** Dense (many overlaps and small gaps) and sparse (gaps past any read) tag sets. */
const tagSets = fc
  .oneof(fc.array(tagShape(300), { minLength: 1, maxLength: 80 }), fc.array(tagShape(65_531), { minLength: 1, maxLength: 40 }))
  .map((shapes) => shapes.map((shape, i) => tagSchema.parse({ name: `tag${i}`, ...shape })));

/** The longest run of addresses joined by tags that overlap: such a run must be read whole or split with overlap. */
function longestOverlapChain(tags: readonly Tag[], area: RegisterArea): number {
  const spans = tags.filter((t) => t.area === area).map((t) => [t.address, lastOf(t)] as const).sort((a, b) => a[0] - b[0]);
  let longest = 0;
  let start = -1;
  let end = -2;
  for (const [s, e] of spans) {
    if (s <= end) end = Math.max(end, e);
    else [start, end] = [s, e];
    longest = Math.max(longest, end - start + 1);
  }
  return longest;
}

describe('planReads (properties)', () => {
  it('covers every tag by exactly one request of its area, inside that request', () => {
    fc.assert(
      fc.property(tagSets, fc.integer({ min: 0, max: 125 }), (tags, maxGap) => {
        const requests = planReads(tags, { maxGap });
        for (const t of tags) {
          const holders = requests.filter((r) => r.tags.includes(t));
          expect(holders).toHaveLength(1);
          const [r] = holders as [ReadRequest];
          expect(r.area).toBe(t.area);
          expect(t.address).toBeGreaterThanOrEqual(r.address);
          expect(lastOf(t)).toBeLessThanOrEqual(endOf(r));
        }
        expect(requests.reduce((n, r) => n + r.tags.length, 0)).toBe(tags.length);
      }),
    );
  });

  it('never exceeds 125 registers or 2000 bits, and stays inside the address space', () => {
    fc.assert(
      fc.property(tagSets, fc.integer({ min: 0, max: 125 }), (tags, maxGap) => {
        for (const r of planReads(tags, { maxGap })) {
          expect(r.count).toBeGreaterThanOrEqual(1);
          expect(r.count).toBeLessThanOrEqual(limitOf(r.area));
          expect(r.address).toBeGreaterThanOrEqual(0);
          expect(endOf(r)).toBeLessThanOrEqual(65_535);
          // Tight: a read starts at its first tag and ends at its last.
          expect(r.address).toBe(Math.min(...r.tags.map((t) => t.address)));
          expect(endOf(r)).toBe(Math.max(...r.tags.map(lastOf)));
        }
      }),
    );
  });

  it('makes requests of one area that do not overlap', () => {
    fc.assert(
      fc.property(tagSets, fc.integer({ min: 0, max: 125 }), (tags, maxGap) => {
        fc.pre(registerAreas.every((area) => longestOverlapChain(tags, area) <= limitOf(area)));
        const requests = planReads(tags, { maxGap });
        for (const area of registerAreas) {
          const mine = requests.filter((r) => r.area === area);
          for (let i = 1; i < mine.length; i++) expect(mine[i]!.address).toBeGreaterThan(endOf(mine[i - 1]!));
        }
      }),
    );
  });

  it('reads through no unused run longer than maxGap (registers) or maxGap × 16 (bits); maxGap 0 reads no unused address', () => {
    fc.assert(
      fc.property(tagSets, fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 20 })), (tags, maxGap) => {
        for (const r of planReads(tags, { maxGap })) {
          const used = new Set<number>();
          for (const t of r.tags) for (let a = t.address; a <= lastOf(t); a++) used.add(a);
          const allowance = r.area === 'coil' || r.area === 'discrete-input' ? maxGap * 16 : maxGap;
          let run = 0;
          for (let a = r.address; a <= endOf(r); a++) {
            run = used.has(a) ? 0 : run + 1;
            expect(run).toBeLessThanOrEqual(allowance);
          }
        }
      }),
    );
  });

  it('is deterministic whatever order the tags come in', () => {
    fc.assert(
      fc.property(
        tagSets.chain((tags) => fc.tuple(fc.constant(tags), fc.shuffledSubarray(tags, { minLength: tags.length, maxLength: tags.length }))),
        fc.integer({ min: 0, max: 125 }),
        ([tags, shuffled], maxGap) => {
          const names = (plan: ReadRequest[]) => plan.map((r) => ({ ...r, tags: r.tags.map((t) => t.name) }));
          expect(names(planReads(shuffled, { maxGap }))).toEqual(names(planReads(tags, { maxGap })));
        },
      ),
    );
  });

  it('never beats the minimum, and reaches it when every gap may be read through', () => {
    fc.assert(
      fc.property(tagSets, fc.integer({ min: 0, max: 125 }), (tags, maxGap) => {
        expect(planReads(tags, { maxGap }).length).toBeGreaterThanOrEqual(minimumRequests(tags));
      }),
    );
    // Tags that do not overlap one another, as a real profile has them.
    const disjoint = fc.uniqueArray(fc.integer({ min: 0, max: 2000 }), { minLength: 1, maxLength: 100 }).map((slots) =>
      slots.map((slot, i) => tagSchema.parse({ name: `d${i}`, area: 'holding-register', address: slot * 4, type: i % 2 ? 'float32' : 'uint16' })),
    );
    fc.assert(
      fc.property(disjoint, (tags) => {
        expect(planReads(tags, { maxGap: 125 }).length).toBe(minimumRequests(tags));
      }),
    );
  });
});

describe('planReads (examples)', () => {
  it('coalesces a pump block, spans a small gap and not a large one', () => {
    const speed = tag({ address: 0, type: 'uint16' });
    const flow = tag({ address: 1, type: 'float32' });
    const running = tag({ address: 3, type: 'bool', bit: 0 });
    const fault = tag({ address: 3, type: 'bool', bit: 1 });
    const hours = tag({ address: 10, type: 'uint16' });
    const total = tag({ address: 200, type: 'float64' });
    const level = tag({ area: 'input-register', address: 5, type: 'int16' });
    const plan = planReads([total, hours, fault, running, flow, speed, level], { maxGap: 8 });
    expect(plan.map(({ area, address, count }) => ({ area, address, count }))).toEqual([
      { area: 'input-register', address: 5, count: 1 },
      { area: 'holding-register', address: 0, count: 11 },
      { area: 'holding-register', address: 200, count: 4 },
    ]);
    expect(plan[1]!.tags).toEqual([speed, flow, running, fault, hours]);
    // With maxGap 0 the gap 4..9 is not read.
    expect(planReads([speed, flow, running, fault, hours], { maxGap: 0 }).map((r) => [r.address, r.count])).toEqual([[0, 4], [10, 1]]);
  });

  it('splits a long block at 125 registers and 2000 bits', () => {
    const registers = Array.from({ length: 130 }, (_, i) => tag({ area: 'input-register', address: i }));
    expect(planReads(registers, { maxGap: 0 }).map((r) => [r.address, r.count])).toEqual([[0, 125], [125, 5]]);
    const coils = Array.from({ length: 2001 }, (_, i) => tag({ area: 'coil', type: 'bool', address: i }));
    expect(planReads(coils, { maxGap: 0 }).map((r) => [r.address, r.count])).toEqual([[0, 2000], [2000, 1]]);
    // A float32 that would straddle the 125th register starts the next read instead of being cut.
    const floats = Array.from({ length: 63 }, (_, i) => tag({ address: i * 2, type: 'float32' }));
    expect(planReads(floats, { maxGap: 0 }).map((r) => [r.address, r.count])).toEqual([[0, 124], [124, 2]]);
  });

  it('keeps overlapping tags in one read rather than reading a register twice at the cut', () => {
    const first = tag({ address: 0 });
    const whole = tag({ address: 123, type: 'float32' }); // 123..124
    const lowWord = tag({ address: 124, type: 'float32' }); // 124..125, shares 124 with the one before
    const plan = planReads([first, whole, lowWord], { maxGap: 125 });
    expect(plan.map((r) => [r.address, r.count])).toEqual([[0, 1], [123, 3]]);
  });

  it('prices a bit gap as maxGap × 16 bits', () => {
    const a = tag({ area: 'coil', type: 'bool', address: 0 });
    const b = tag({ area: 'coil', type: 'bool', address: 129 }); // 128 unused between
    const c = tag({ area: 'coil', type: 'bool', address: 300 });
    expect(planReads([a, b, c], { maxGap: 8 }).map((r) => [r.address, r.count])).toEqual([[0, 130], [300, 1]]);
  });

  it('refuses a tag that runs past address 65535', () => {
    let error: unknown;
    try {
      planReads([tag({ name: 'edge', address: 65_535, type: 'float32' })], { maxGap: 0 });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(GatehouseError);
    expect((error as GatehouseError).code).toBe('invalid-params');
    expect((error as GatehouseError).message).toContain('edge');
    expect(planReads([tag({ address: 65_534, type: 'float32' })], { maxGap: 0 })).toHaveLength(1);
  });
});

describe('sliceFor', () => {
  it("gives each tag its own registers or bits out of a read's answer", () => {
    const speed = tag({ address: 10 });
    const flow = tag({ address: 12, type: 'float32' });
    const [request] = planReads([speed, flow], { maxGap: 8 }) as [ReadRequest];
    const data = [7, 0, 0x42f6, 0xe979];
    expect(sliceFor(speed, request, data)).toEqual([7]);
    expect(sliceFor(flow, request, data)).toEqual([0x42f6, 0xe979]);
    const valve = tag({ area: 'coil', type: 'bool', address: 3 });
    const pump = tag({ area: 'coil', type: 'bool', address: 5 });
    const [bits] = planReads([valve, pump], { maxGap: 1 }) as [ReadRequest];
    // modbus-serial pads a bit answer to whole bytes.
    expect(sliceFor(pump, bits, [true, false, true, false, false, false, false, false])).toEqual([true]);
  });

  it('refuses a tag the read does not cover and an answer that is too short', () => {
    const speed = tag({ address: 10 });
    const flow = tag({ address: 12, type: 'float32' });
    const other = tag({ address: 50 });
    const [request] = planReads([speed, flow], { maxGap: 8 }) as [ReadRequest];
    const codes = (run: () => unknown) => {
      try {
        run();
      } catch (err) {
        return (err as GatehouseError).code;
      }
      return 'none';
    };
    expect(codes(() => sliceFor(other, request, [1, 2, 3, 4]))).toBe('internal-error');
    expect(codes(() => sliceFor(tag({ area: 'input-register', address: 10 }), request, [1, 2, 3, 4]))).toBe('internal-error');
    expect(codes(() => sliceFor(flow, request, [1, 2, 3]))).toBe('invalid-params');
  });
});

describe('minimumRequests', () => {
  it('counts the fewest reads of at most 125 registers / 2000 bits per area', () => {
    expect(minimumRequests(Array.from({ length: 200 }, (_, i) => tag({ address: i })))).toBe(2);
    expect(minimumRequests([tag({ address: 0 }), tag({ address: 124 })])).toBe(1);
    expect(minimumRequests([tag({ address: 0 }), tag({ address: 125 })])).toBe(2);
    expect(minimumRequests([tag({ address: 0 }), tag({ address: 123, type: 'float32' })])).toBe(1);
    expect(minimumRequests([tag({ address: 0 }), tag({ address: 124, type: 'float32' })])).toBe(2);
    expect(minimumRequests([tag({ area: 'coil', type: 'bool', address: 0 }), tag({ area: 'coil', type: 'bool', address: 1999 })])).toBe(1);
    expect(minimumRequests([tag({ area: 'coil', type: 'bool', address: 0 }), tag({ area: 'coil', type: 'bool', address: 2000 })])).toBe(2);
    // One per area even at the same address.
    expect(minimumRequests([tag({ address: 0 }), tag({ area: 'input-register', address: 0 })])).toBe(2);
    expect(minimumRequests([])).toBe(0);
  });
});
