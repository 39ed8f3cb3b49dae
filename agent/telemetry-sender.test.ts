import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TagSample } from '../modules/kernel/telemetry.js';
import { TelemetryQueue } from './telemetry-queue.js';
import { TelemetrySender, type TelemetryFrameOut } from './telemetry-sender.js';

let dir: string;
let queue: TelemetryQueue;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gatehouse-telemetry-sender-'));
});
afterEach(async () => {
  await queue?.close().catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

let nextTs = 1_700_000_000_000;
function samples(count: number): TagSample[] {
  return Array.from({ length: count }, (_, i) => ({ tag: `tank-${i}.level`, ts: nextTs++, value: 2.5 + i, quality: 'good' as const }));
}

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Lets every queued queue operation finish, so a frame the sender was about to send has been sent. */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await queue.pending(1);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const seqsOf = (frames: TelemetryFrameOut[]) => frames.flatMap((frame) => frame.batches.map((batch) => batch.seq));

describe('telemetry sender', () => {
  it('replays a backlog of 10,000 batches in order, never more than the window ahead of the acks', async () => {
    queue = await TelemetryQueue.open(dir);
    await Promise.all(Array.from({ length: 10_000 }, (_, i) => queue.append(samples(1 + (i % 5)))));
    const sender = new TelemetrySender(queue, { maxFramesInFlight: 8 });
    const frames: TelemetryFrameOut[] = [];
    let acked = 0;
    let mostInFlight = 0;
    let consoleAnswers = false;
    sender.attach((frame) => {
      frames.push(frame);
      mostInFlight = Math.max(mostInFlight, frames.length - acked);
      // A console that stores each frame and acknowledges it a moment later.
      if (consoleAnswers) setImmediate(() => ((acked += 1), sender.acknowledged(frame.stream, frame.batches.at(-1)?.seq ?? -1)));
    });

    // With nobody answering, the sender stops at the window.
    await waitFor(() => frames.length === 8, 'a full window');
    await settle();
    expect(frames).toHaveLength(8);

    consoleAnswers = true;
    for (const frame of frames.slice()) {
      acked += 1;
      sender.acknowledged(frame.stream, frame.batches.at(-1)?.seq ?? -1);
    }
    await waitFor(() => seqsOf(frames).length >= 10_000, 'the whole backlog');
    expect(seqsOf(frames)).toEqual(Array.from({ length: 10_000 }, (_, i) => i));
    expect(frames.every((frame) => frame.stream === queue.stream && frame.batches.length <= 64)).toBe(true);
    expect(mostInFlight).toBeLessThanOrEqual(8);
    await waitFor(() => queue.stats().ackedSeq === 9_999, 'the last ack');
    expect(queue.stats().pendingBatches).toBe(0);
    sender.detach();
  }, 120_000);

  it('keeps what was in flight when the link drops and sends it again, then new batches, on the next attach', async () => {
    queue = await TelemetryQueue.open(dir);
    for (let i = 0; i < 300; i++) await queue.append(samples(2));
    const sender = new TelemetrySender(queue, { maxFramesInFlight: 3 });
    const first: TelemetryFrameOut[] = [];
    sender.attach((frame) => first.push(frame));
    await waitFor(() => first.length === 3, 'three frames');
    const ackedThrough = first[0]?.batches.at(-1)?.seq as number;
    sender.acknowledged(queue.stream, ackedThrough);
    await waitFor(() => first.length === 4, 'a fourth frame once one was acknowledged');
    sender.detach();

    // While away: new batches are queued, and nothing is sent.
    await queue.append(samples(1));
    await settle();
    expect(first).toHaveLength(4);

    const second: TelemetryFrameOut[] = [];
    sender.attach((frame) => {
      second.push(frame);
      setImmediate(() => sender.acknowledged(frame.stream, frame.batches.at(-1)?.seq ?? -1));
    });
    await waitFor(() => seqsOf(second).at(-1) === 300, 'the replay through the newest batch');
    expect(seqsOf(second)).toEqual(Array.from({ length: 300 - ackedThrough }, (_, i) => ackedThrough + 1 + i));

    // Live: a batch appended now goes out on its own.
    const seq = await queue.append(samples(3));
    await waitFor(() => seqsOf(second).includes(seq), 'the live batch');
    expect(second.at(-1)?.batches).toEqual([{ seq, samples: expect.any(Array) }]);
    sender.detach();
  });

  it('reports a loss with the next frame, gives it back when the link drops before the ack, and reports it once', async () => {
    let now = 1_000_000;
    queue = await TelemetryQueue.open(dir, { maxAgeMs: 60_000, now: () => now });
    for (let i = 0; i < 3; i++) await queue.append(samples(2));
    now += 120_000;
    await queue.append(samples(1)); // seq 3; the three before are now too old and dropped
    const sender = new TelemetrySender(queue);
    const first: TelemetryFrameOut[] = [];
    sender.attach((frame) => first.push(frame));
    await waitFor(() => first.length === 1, 'a frame');
    expect(first[0]?.batches.map((b) => b.seq)).toEqual([3]);
    expect(first[0]?.loss).toMatchObject({ batches: 3, samples: 6 });
    sender.detach();

    const second: TelemetryFrameOut[] = [];
    sender.attach((frame) => second.push(frame));
    await waitFor(() => second.length === 1, 'the frame again');
    expect(second[0]?.loss).toEqual(first[0]?.loss);
    sender.acknowledged('0123456789abcdef', 3); // another stream's ack changes nothing
    sender.acknowledged(queue.stream, 3);
    await waitFor(() => queue.stats().ackedSeq === 3, 'the ack');
    sender.detach();

    const third: TelemetryFrameOut[] = [];
    sender.attach((frame) => third.push(frame));
    await queue.append(samples(1));
    await waitFor(() => third.length === 1, 'a new frame');
    expect(third[0]?.loss).toBeUndefined();
    expect(queue.takeLoss()).toBeUndefined();
    sender.detach();
  });
});
