import { afterEach, describe, expect, it, vi } from 'vitest';
import { burstBytes, lingerMs, maxWriteBytes, Outbox, pauseMs } from './outbox.js';
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

  describe('gathering a flood', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    /** An outbox whose writes are counted, on a wire with all the credit it wants, on a clock the test moves. */
    function countedOutbox() {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
      const wire = new WireStandIn();
      const writes: number[] = [];
      const write = wire.stream.write.bind(wire.stream);
      const stream = { ...wire.stream, write: (chunk: Buffer) => (writes.push(chunk.byteLength), write(chunk)) };
      const { hooks } = recordingHooks();
      return { wire, writes, outbox: new Outbox(stream, hooks) };
    }

    /** One PTY read, then everything that follows from it short of a timer (the pump goes idle again). */
    async function read(outbox: Outbox, bytes: number): Promise<void> {
      outbox.push(Buffer.alloc(bytes, 0x61));
      await vi.advanceTimersByTimeAsync(0);
    }

    it('sends a keystroke’s echo at once, and the first screenful of a burst too', async () => {
      const { wire, writes, outbox } = countedOutbox();
      await read(outbox, 1);
      expect(wire.outputBytes).toBe(1);
      await vi.advanceTimersByTimeAsync(pauseMs);
      for (let sent = 0; sent + 4096 <= burstBytes; sent += 4096) await read(outbox, 4096);
      expect(writes).toEqual([1, 4096, 4096, 4096, 4096]);
      // After a pause, even a large write (a restored screen) is not held.
      await vi.advanceTimersByTimeAsync(pauseMs);
      await read(outbox, 40_000);
      expect(writes.at(-1)).toBe(40_000);
    });

    it('gathers the reads of a flood into whole writes, and sends the rest within the linger time', async () => {
      const { wire, writes, outbox } = countedOutbox();
      for (let i = 0; i < 40; i++) await read(outbox, 4096);
      // The first 16 KiB went out read by read; after that, a write only once 64 KiB had gathered.
      expect(writes).toEqual([4096, 4096, 4096, 4096, maxWriteBytes, maxWriteBytes]);
      expect(outbox.bytes).toBe(4 * 4096);
      await vi.advanceTimersByTimeAsync(lingerMs - 1);
      expect(writes).toHaveLength(6);
      await vi.advanceTimersByTimeAsync(1);
      expect(writes.at(-1)).toBe(4 * 4096);
      expect(wire.outputBytes).toBe(40 * 4096);
      // A pause ends the flood: the next short output is not held.
      await vi.advanceTimersByTimeAsync(pauseMs);
      await read(outbox, 10);
      expect(writes.at(-1)).toBe(10);
    });

    it('sends what it is gathering at once when asked to flush', async () => {
      const { wire, outbox } = countedOutbox();
      for (let i = 0; i < 6; i++) await read(outbox, 4096);
      expect(outbox.bytes).toBe(2 * 4096);
      const flushed = outbox.flushed();
      await vi.advanceTimersByTimeAsync(0);
      await flushed;
      expect(wire.outputBytes).toBe(6 * 4096);
    });
  });
});
