import { describe, expect, it } from 'vitest';
import { UnparsedOutput } from './unparsed-output.js';

const text = (pieces: Buffer[]) => Buffer.concat(pieces).toString('latin1');

describe('UnparsedOutput', () => {
  it('hands back everything in order, in pieces of at most the size asked, while under its limit', () => {
    const unparsed = new UnparsedOutput({ limitBytes: 1000, keepBytes: 500 });
    const chunks = Array.from({ length: 9 }, (_, i) => Buffer.from(String(i).repeat(100)));
    for (const chunk of chunks) unparsed.push(chunk);
    expect(unparsed.bytes).toBe(900);
    const pieces = unparsed.take(256);
    expect(pieces.map((piece) => piece.byteLength)).toEqual([256, 256, 256, 132]);
    expect(text(pieces)).toBe(text(chunks));
    expect(unparsed.bytes).toBe(0);
    expect(unparsed.take(256)).toEqual([]);
  });

  it('forgets the oldest output beyond its limit, keeping the newest from a line boundary on', () => {
    const unparsed = new UnparsedOutput({ limitBytes: 1000, keepBytes: 400 });
    for (let i = 0; i < 200; i++) unparsed.push(Buffer.from(`line ${String(i).padStart(3, '0')}\r\n`)); // 10 bytes each
    expect(unparsed.bytes).toBeLessThanOrEqual(1000);
    const kept = text(unparsed.take(4096));
    // A CAN ends whatever sequence the cut interrupted; then whole lines, the last one the newest.
    expect(kept).toMatch(/^\x18(line \d{3}\r\n)+$/); // reads that end in a line feed are kept whole
    expect(kept.endsWith('line 199\r\n')).toBe(true);
    expect(kept.length - 1).toBeGreaterThanOrEqual(400);
  });

  it('starts what it keeps at an escape sequence, not inside one', () => {
    const unparsed = new UnparsedOutput({ limitBytes: 100, keepBytes: 50 });
    unparsed.push(Buffer.from('x'.repeat(60)));
    unparsed.push(Buffer.from('[31m' + 'y'.repeat(20) + '\x1b[1;1Hzz' + 'w'.repeat(30))); // no line feed
    const kept = text(unparsed.take(4096));
    expect(kept).toBe('\x18\x1b[1;1Hzz' + 'w'.repeat(30));
  });

  it('replays the last setting of each private mode, the keypad and the title the forgotten output made', () => {
    const unparsed = new UnparsedOutput({ limitBytes: 2000, keepBytes: 100 });
    const forgotten = [
      '\x1b]0;first title\x07',
      '\x1b[?1049h\x1b[?1h',
      '\x1b[?2004;1000h',
      '\x1b[?1l', // changed back: the last setting wins, in the order of the last change
      '\x1b=',
      '\x1b]2;editor\x1b\\',
      '\x1b[31m\x1b[2J', // not a mode: not replayed
      '\x1b]2;cancelled\x18',
    ].join('');
    unparsed.push(Buffer.from(forgotten));
    unparsed.push(Buffer.from('a'.repeat(2000)));
    unparsed.push(Buffer.from('\r\nnewest output'));
    const kept = text(unparsed.take(4096));
    expect(kept).toBe('\x18\x1b[?1049h\x1b[?2004h\x1b[?1000h\x1b[?1l\x1b=\x1b]2;editor\x07' + kept.slice(kept.indexOf('a')));
    expect(kept.endsWith('\r\nnewest output')).toBe(true);
    // The replay is handed over once.
    unparsed.push(Buffer.from('more'));
    expect(text(unparsed.take(4096))).toBe('more');
  });

  it('stays within its limit plus one read through any flood', () => {
    const unparsed = new UnparsedOutput({ limitBytes: 64 * 1024, keepBytes: 32 * 1024 });
    let peak = 0;
    for (let i = 0; i < 10_000; i++) {
      unparsed.push(Buffer.from(`\x1b[3${i % 8}m${'z'.repeat(i % 4000)}\r\n`));
      peak = Math.max(peak, unparsed.bytes);
    }
    expect(peak).toBeLessThanOrEqual(64 * 1024 + 4096);
    expect(unparsed.forgottenBytes).toBeGreaterThan(10 * 1024 * 1024);
  });
});
