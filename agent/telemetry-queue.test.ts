import { appendFile, mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GatehouseError } from '../modules/kernel/errors.js';
import type { TagSample, TelemetryBatch, TelemetryLoss } from '../modules/kernel/telemetry.js';
import { TelemetryQueue, type TelemetryQueueOptions } from './telemetry-queue.js';

let dir: string;
const opened: TelemetryQueue[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gatehouse-telemetry-queue-'));
});
afterEach(async () => {
  for (const queue of opened.splice(0)) await queue.close().catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

async function openQueue(options: TelemetryQueueOptions = {}): Promise<TelemetryQueue> {
  const queue = await TelemetryQueue.open(dir, options);
  opened.push(queue);
  return queue;
}

let nextTs = 1_700_000_000_000;
function samples(count: number): TagSample[] {
  return Array.from({ length: count }, (_, i) => ({ tag: `pump-${i % 3}.speed`, ts: nextTs++, value: i * 1.5, quality: 'good' as const }));
}

async function segmentFiles(): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.startsWith('segment-')).sort();
}

function lossOf(batches: { samples: TagSample[] }[]): TelemetryLoss {
  const all = batches.flatMap((batch) => batch.samples);
  return { batches: batches.length, samples: all.length, fromTs: Math.min(...all.map((s) => s.ts)), toTs: Math.max(...all.map((s) => s.ts)) };
}

describe('telemetry queue on disk', () => {
  it('numbers batches from 0 and continues across a reopen, keeping its stream; a fresh directory is a new stream', async () => {
    let queue = await openQueue();
    const first = [samples(2), samples(1), samples(3)];
    for (const [i, batch] of first.entries()) expect(await queue.append(batch)).toBe(i);
    const stream = queue.stream;
    expect(stream).toMatch(/^[0-9a-f]{16}$/);
    await queue.close();

    queue = await openQueue();
    expect(queue.stream).toBe(stream);
    const fourth = samples(2);
    expect(await queue.append(fourth)).toBe(3);
    expect(await queue.pending(100)).toEqual([...first, fourth].map((s, seq) => ({ seq, samples: s })));

    // Everything acknowledged and every file gone: the seq still continues.
    await queue.acknowledge(3);
    await queue.close();
    queue = await openQueue();
    expect(await segmentFiles()).toEqual([]);
    expect(await queue.pending(100)).toEqual([]);
    expect(await queue.append(samples(1))).toBe(4);
    await queue.close();

    const otherDir = await mkdtemp(join(tmpdir(), 'gatehouse-telemetry-queue-'));
    try {
      const fresh = await TelemetryQueue.open(otherDir);
      expect(fresh.stream).not.toBe(stream);
      expect(await fresh.append(samples(1))).toBe(0);
      await fresh.close();
    } finally {
      await rm(otherDir, { recursive: true, force: true });
    }
  });

  it('splits more than 5000 samples into several batches and gives appends in one tick consecutive seqs', async () => {
    const queue = await openQueue();
    expect(await queue.append(samples(12_000))).toBe(2);
    const ticks = Array.from({ length: 200 }, (_, i) => samples(1 + (i % 4)));
    const seqs = await Promise.all(ticks.map((tick) => queue.append(tick)));
    expect(seqs).toEqual(ticks.map((_, i) => 3 + i));
    const pending = await queue.pending(1000);
    expect(pending.slice(0, 3).map((b) => b.samples.length)).toEqual([5000, 5000, 2000]);
    expect(pending.slice(3)).toEqual(ticks.map((s, i) => ({ seq: 3 + i, samples: s })));
    expect(await queue.append([])).toBe(202);
  });

  it('after a torn write, keeps every whole record, cuts the torn one off and appends cleanly after them', async () => {
    let queue = await openQueue();
    const batches = Array.from({ length: 5 }, () => samples(4));
    for (const batch of batches) await queue.append(batch);
    await queue.close();
    const [file] = await segmentFiles();
    const path = join(dir, file as string);
    const whole = (await stat(path)).size;

    // Power cut in the middle of the last record.
    await truncate(path, whole - 17);
    queue = await openQueue();
    expect(await queue.pending(100)).toEqual(batches.slice(0, 4).map((s, seq) => ({ seq, samples: s })));
    const again = samples(2);
    expect(await queue.append(again)).toBe(4);
    await queue.close();

    // Garbage after the last whole record: a plausible length with a wrong checksum, then zeros.
    const size = (await stat(path)).size;
    const garbage = Buffer.alloc(200);
    garbage.writeUInt32LE(120, 0);
    garbage.writeUInt32LE(0xdeadbeef, 4);
    await appendFile(path, garbage);
    queue = await openQueue();
    expect(await queue.pending(100)).toEqual([...batches.slice(0, 4), again].map((s, seq) => ({ seq, samples: s })));
    expect((await stat(path)).size).toBe(size);
    expect(queue.stats().lostBatches).toBe(0);
    await queue.close();

    // A flipped byte inside the last record (a torn sector): its checksum fails, it is never delivered.
    const data = await readFile(path);
    const lastValue = data.lastIndexOf('"value":');
    data[lastValue + 9] = data[lastValue + 9] === 0x39 ? 0x38 : 0x39;
    await writeFile(path, data);
    queue = await openQueue();
    expect(await queue.pending(100)).toEqual(batches.slice(0, 4).map((s, seq) => ({ seq, samples: s })));
  });

  it('cuts an older segment at a corrupt record and counts the batches after it as lost', async () => {
    let queue = await openQueue({ segmentBytes: 1024 });
    const batches = Array.from({ length: 30 }, () => samples(3));
    for (const batch of batches) await queue.append(batch);
    await queue.close();
    const files = await segmentFiles();
    const firstOfSecond = Number(/(\d{16})/.exec(files[1] as string)?.[1]);
    const path = join(dir, files[0] as string);
    const data = await readFile(path);
    const secondRecord = data.indexOf('"tag"', data.indexOf('"tag"') + 200);
    data.writeUInt8((data[secondRecord + 2] as number) ^ 0x20, secondRecord + 2); // rot inside the second record
    await writeFile(path, data);

    queue = await openQueue({ segmentBytes: 1024 });
    const pending = await queue.pending(100);
    const cut = pending.findIndex((batch, i) => batch.seq !== i);
    expect(cut).toBeGreaterThan(0);
    expect(pending[cut]?.seq).toBe(firstOfSecond);
    expect(pending).toEqual(batches.map((s, seq) => ({ seq, samples: s })).filter((b) => b.seq < cut || b.seq >= firstOfSecond));
    expect(queue.takeLoss()).toMatchObject({ batches: firstOfSecond - cut });
  });

  it('deletes segment files once wholly acknowledged, and a restart resends nothing acknowledged before close', async () => {
    const options = { segmentBytes: 1024 };
    let queue = await openQueue(options);
    const batches = Array.from({ length: 60 }, () => samples(3));
    for (const batch of batches) await queue.append(batch);
    const before = await segmentFiles();
    expect(before.length).toBeGreaterThan(4);
    const bytesBefore = queue.stats().bytes;

    await queue.acknowledge(29);
    const after = await segmentFiles();
    expect(after.length).toBeLessThan(before.length);
    expect(queue.stats().bytes).toBeLessThan(bytesBefore);
    expect(queue.stats()).toMatchObject({ ackedSeq: 29, pendingBatches: 30, nextSeq: 60 });
    expect((await queue.pending(1))[0]?.seq).toBe(30);
    // Acknowledging an older seq again changes nothing.
    await queue.acknowledge(10);
    expect((await queue.pending(1))[0]?.seq).toBe(30);

    await queue.acknowledge(44);
    await queue.close();
    queue = await openQueue(options);
    expect((await queue.pending(100)).map((b) => b.seq)).toEqual(batches.slice(45).map((_, i) => 45 + i));

    // An ack past anything written is not believed beyond the last batch.
    await queue.acknowledge(1_000_000);
    expect(queue.stats()).toMatchObject({ ackedSeq: 59, pendingBatches: 0 });
    expect(await queue.append(samples(1))).toBe(60);
  });

  it('after a crash, resends at most what was acknowledged since the cursor was last saved, and loses nothing', async () => {
    const crashed = await openQueue({ segmentBytes: 1024 });
    for (let i = 0; i < 40; i++) await crashed.append(samples(3));
    await crashed.acknowledge(35);
    // No close: the process died. A second queue on the same directory is the restarted agent.
    const restarted = await TelemetryQueue.open(dir, { segmentBytes: 1024 });
    const seqs = (await restarted.pending(100)).map((b) => b.seq);
    expect(seqs.at(-1)).toBe(39);
    expect(seqs[0]).toBeLessThanOrEqual(36);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => (seqs[0] as number) + i));
    expect(await restarted.append(samples(1))).toBe(40);
    await restarted.close();
  });

  it('past maxBytes, drops the oldest batches and reports exactly what was lost', async () => {
    const queue = await openQueue({ maxBytes: 4096, segmentBytes: 1024 });
    const appended: TelemetryBatch[] = [];
    for (let seq = 0; seq < 40; seq++) {
      const batch = samples(2);
      await queue.append(batch);
      appended.push({ seq, samples: batch });
    }
    const pending = await queue.pending(1000);
    const stats = queue.stats();
    expect(stats.bytes).toBeLessThanOrEqual(4096);
    expect(pending.length).toBeGreaterThan(0);
    expect(pending.length).toBeLessThan(40);
    // What is left is the newest, in order; what is gone is the oldest, and the loss says exactly that.
    expect(pending).toEqual(appended.slice(40 - pending.length));
    const dropped = appended.slice(0, 40 - pending.length);
    expect(queue.takeLoss()).toEqual(lossOf(dropped));
    expect(queue.takeLoss()).toBeUndefined();
    expect(stats).toMatchObject({ lostBatches: dropped.length, lostSamples: dropped.length * 2, pendingBatches: pending.length });

    // Batches the console acknowledged are not counted as lost when their segment is dropped with the others.
    const ackedThrough = (pending[0] as TelemetryBatch).seq + 2;
    await queue.acknowledge(ackedThrough);
    const kept = appended.filter((batch) => batch.seq > ackedThrough);
    for (let seq = 40; seq < 60; seq++) {
      const batch = samples(2);
      await queue.append(batch);
      kept.push({ seq, samples: batch });
    }
    const after = await queue.pending(1000);
    expect(after).toEqual(kept.slice(kept.length - after.length));
    expect(queue.takeLoss()).toEqual(lossOf(kept.slice(0, kept.length - after.length)));
  });

  it('drops batches older than maxAgeMs, reports the loss, and keeps it across a restart until taken', async () => {
    let now = 5_000_000;
    const options = { maxAgeMs: 60_000, now: () => now };
    let queue = await openQueue(options);
    const old = [samples(2), samples(3)];
    const oldLoss = lossOf(old.map((s) => ({ samples: s })));
    for (const batch of old) await queue.append(batch);
    now += 30_000;
    const young = [samples(1), samples(4)];
    for (const batch of young) await queue.append(batch);
    expect(await queue.pending(10)).toHaveLength(4);

    now += 40_000; // the first two are now 70 s old, the others 40 s
    expect(await queue.pending(10)).toEqual(young.map((s, i) => ({ seq: 2 + i, samples: s })));
    await queue.close();

    queue = await openQueue(options);
    expect(queue.stats()).toMatchObject({ lostBatches: 2, lostSamples: 5, pendingBatches: 2 });
    expect(queue.takeLoss()).toEqual(oldLoss);
    await queue.close();
    queue = await openQueue(options);
    expect(queue.takeLoss()).toBeUndefined();

    // A loss given back (the frame carrying it never reached the console) is kept again.
    queue.returnLoss(oldLoss);
    await queue.close();
    queue = await openQueue(options);
    expect(queue.takeLoss()).toEqual(oldLoss);
  });

  it('refuses bad input with a problem code and survives a garbled state file', async () => {
    const queue = await openQueue();
    await expect(queue.append([{ tag: '', ts: -1, value: 1, quality: 'good' }])).rejects.toMatchObject({ code: 'invalid-params' });
    await expect(queue.append([{ tag: 'x', ts: 1, value: Number.NaN, quality: 'good' }])).rejects.toBeInstanceOf(GatehouseError);
    await expect(queue.acknowledge(-3)).rejects.toMatchObject({ code: 'invalid-params' });
    await expect(queue.pending(0)).rejects.toMatchObject({ code: 'invalid-params' });
    await expect(TelemetryQueue.open(join(dir, 'other'), { maxBytes: -1 })).rejects.toMatchObject({ code: 'invalid-params' });
    const batch = samples(2);
    await queue.append(batch);
    await queue.acknowledge(0);
    await queue.close();

    await writeFile(join(dir, 'state.json'), '{"version": 1, "ackedSeq": "lots"');
    const reopened = await openQueue();
    // Without a cursor the kept batch is offered again (the console de-duplicates); the seq does not go back.
    expect(await reopened.pending(10)).toEqual([{ seq: 0, samples: batch }]);
    expect(await reopened.append(samples(1))).toBe(1);
    await reopened.close();
    await expect(reopened.append(samples(1))).rejects.toMatchObject({ code: 'cancelled' });
    expect(JSON.parse(await readFile(join(dir, 'state.json'), 'utf8'))).toMatchObject({ version: 1 });

    // Garbled state and no batch left on disk: the next seq is unknown, so the queue starts a new stream.
    const emptied = await openQueue();
    const stream = emptied.stream;
    await emptied.acknowledge(1);
    await emptied.close();
    await (await TelemetryQueue.open(dir)).close(); // opening deletes the wholly acknowledged last segment
    await writeFile(join(dir, 'state.json'), 'garbage');
    const renewed = await openQueue();
    expect(await segmentFiles()).toEqual([]);
    expect(renewed.stream).not.toBe(stream);
    expect(await renewed.append(samples(1))).toBe(0);
  });
});

type Step =
  | { kind: 'append'; count: number }
  | { kind: 'ack'; pick: number }
  | { kind: 'reopen' }
  | { kind: 'advance'; ms: number }
  | { kind: 'take' };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('append' as const), count: fc.integer({ min: 1, max: 6 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('ack' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reopen' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 40_000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('take' as const) }) },
);

describe('telemetry queue, any interleaving (property)', () => {
  it('pending is exactly what was appended and neither acknowledged nor dropped, and every sample is accounted for', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 60 }), async (steps) => {
        const runDir = await mkdtemp(join(dir, 'run-'));
        let now = 10_000_000;
        const options = { maxBytes: 3000, segmentBytes: 600, maxAgeMs: 60_000, now: () => now };
        let queue = await TelemetryQueue.open(runDir, options);
        let live: TelemetryBatch[] = [];
        let appendedSamples = 0;
        let deliveredSamples = 0;
        const dropped = { batches: 0, samples: 0 };
        const taken = { batches: 0, samples: 0 };
        const sync = async () => {
          const pending = await queue.pending(1_000_000);
          // Drops take the oldest first: what is pending is always the newest part of what is live.
          expect(pending).toEqual(live.slice(live.length - pending.length));
          for (const batch of live.slice(0, live.length - pending.length)) {
            dropped.batches += 1;
            dropped.samples += batch.samples.length;
          }
          live = pending;
          expect(queue.stats()).toMatchObject({ lostBatches: dropped.batches, lostSamples: dropped.samples, pendingBatches: live.length });
        };
        const take = () => {
          const loss = queue.takeLoss();
          taken.batches += loss?.batches ?? 0;
          taken.samples += loss?.samples ?? 0;
        };
        try {
          for (const s of steps) {
            if (s.kind === 'append') {
              const batch = samples(s.count);
              const seq = await queue.append(batch);
              live.push({ seq, samples: batch });
              appendedSamples += s.count;
            } else if (s.kind === 'ack') {
              await sync();
              const target = live[s.pick % Math.max(1, live.length)];
              if (target) {
                await queue.acknowledge(target.seq);
                for (const batch of live) if (batch.seq <= target.seq) deliveredSamples += batch.samples.length;
                live = live.filter((batch) => batch.seq > target.seq);
              }
            } else if (s.kind === 'reopen') {
              await queue.close();
              queue = await TelemetryQueue.open(runDir, options);
            } else if (s.kind === 'advance') {
              now += s.ms;
            } else {
              take();
            }
            await sync();
          }
          take();
          expect(taken).toEqual(dropped);
          const pendingSamples = live.reduce((sum, batch) => sum + batch.samples.length, 0);
          expect(deliveredSamples + dropped.samples + pendingSamples).toBe(appendedSamples);
        } finally {
          await queue.close();
          await rm(runDir, { recursive: true, force: true });
        }
      }),
      { numRuns: 100 },
    );
  }, 240_000);
});
