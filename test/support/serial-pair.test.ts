import { existsSync, openSync } from 'node:fs';
import tty from 'node:tty';
import { describe, expect, it } from 'vitest';
import { startSerialPair } from './serial-pair.js';

describe('serial pair (socat pseudo-terminals)', () => {
  it('carries bytes from one end to the other, and stop removes both ends', async () => {
    const pair = await startSerialPair();
    try {
      expect(pair.a).toMatch(/^\/dev\/pts\/\d+$/);
      expect(pair.b).toMatch(/^\/dev\/pts\/\d+$/);
      expect(pair.a).not.toBe(pair.b);

      const reader = new tty.ReadStream(openSync(pair.b, 'r+'));
      reader.setRawMode(true);
      const writer = new tty.WriteStream(openSync(pair.a, 'r+'));
      // Every byte value, including the ones a cooked terminal would eat (^C, ^D, CR, XON/XOFF).
      const sent = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      const received = new Promise<Buffer>((resolve) => {
        const chunks: Buffer[] = [];
        reader.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          const all = Buffer.concat(chunks);
          if (all.length >= sent.length) resolve(all);
        });
      });
      writer.write(sent);
      expect((await received).equals(sent)).toBe(true);
      reader.destroy();
      writer.destroy();
    } finally {
      await pair.stop();
    }
    expect(existsSync(pair.a)).toBe(false);
    expect(existsSync(pair.b)).toBe(false);
  });
});
