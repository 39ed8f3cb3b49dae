import { describe, expect, it } from 'vitest';
import { maxWriteBytes, Outbox } from './outbox.js';
import { eventually, WireStandIn } from './test-support.js';

function recordingHooks() {
  const calls: string[] = [];
  return { calls, hooks: { full: () => calls.push('full'), room: () => calls.push('room') } };
}

describe('Outbox', () => {
  it('coalesces small chunks that pile up behind a waiting write into writes of at most 64 KiB', async () => {
    const wire = new WireStandIn(10); // the first write goes out, the rest wait
    const writes: number[] = [];
    const write = wire.stream.write.bind(wire.stream);
    const stream = { ...wire.stream, write: (chunk: Buffer) => (writes.push(chunk.byteLength), write(chunk)) };
    const { hooks } = recordingHooks();
    const outbox = new Outbox(stream, hooks);
    outbox.push(Buffer.alloc(10, 1));
    for (let i = 0; i < 300; i++) outbox.push(Buffer.alloc(1000, 2));
    wire.grant(Number.MAX_SAFE_INTEGER);
    await outbox.flushed();
    expect(wire.outputBytes).toBe(10 + 300_000);
    expect(writes.every((size) => size <= maxWriteBytes)).toBe(true);
    expect(writes.length).toBeLessThanOrEqual(1 + Math.ceil(300_000 / maxWriteBytes) + 1);
  });

  it('says full while a write waits and a whole next one is queued, and room when it drains', async () => {
    const wire = new WireStandIn(1);
    const { calls, hooks } = recordingHooks();
    const outbox = new Outbox(wire.stream, hooks);
    outbox.push(Buffer.alloc(1));
    await eventually(() => wire.outputBytes === 1, 'the first write');
    outbox.push(Buffer.alloc(10)); // this write waits for credit
    await new Promise((resolve) => setImmediate(resolve));
    outbox.push(Buffer.alloc(maxWriteBytes));
    expect(calls).toEqual(['full']);
    expect(outbox.bytes).toBe(10 + maxWriteBytes);
    wire.grant(10);
    await eventually(() => calls.length === 2, 'room');
    expect(calls).toEqual(['full', 'room']);
    outbox.close();
    expect(outbox.bytes).toBe(maxWriteBytes); // the write in flight, until the cancelled channel rejects it
  });

  it('gives room back when closed while full, and when the channel is cancelled', async () => {
    const wire = new WireStandIn(0);
    const { calls, hooks } = recordingHooks();
    const outbox = new Outbox(wire.stream, hooks);
    outbox.push(Buffer.alloc(100));
    await new Promise((resolve) => setImmediate(resolve));
    outbox.push(Buffer.alloc(maxWriteBytes));
    expect(calls).toEqual(['full']);
    wire.abort();
    await eventually(() => calls.length === 2, 'room');
    expect(calls).toEqual(['full', 'room']);
    await outbox.flushed();
    expect(outbox.bytes).toBe(0);
  });
});
