import xtermHeadless from '@xterm/headless';
import { beforeAll, describe, expect, it } from 'vitest';
import { boundedTitle, loadScreenLibrary, Screen } from './screen.js';
import { eventually } from './test-support.js';

beforeAll(async () => {
  await loadScreenLibrary();
});

const { Terminal } = xtermHeadless;

/** What a page's terminal shows after writing `bytes` into a fresh one of the same size. */
async function redraw(bytes: Buffer, cols: number, rows: number, scrollback?: number) {
  const page = new Terminal({ cols, rows, allowProposedApi: true, ...(scrollback === undefined ? {} : { scrollback }) });
  await new Promise<void>((resolve) => page.write(bytes, resolve));
  const buffer = page.buffer.active;
  const lines: string[] = [];
  for (let y = 0; y < buffer.length; y++) lines.push(buffer.getLine(y)!.translateToString(true));
  const seen = { type: buffer.type, lines, cursor: [buffer.cursorX, buffer.cursorY] };
  page.dispose();
  return seen;
}

function screen(cols = 40, rows = 6, scrollback = 100) {
  const titles: string[] = [];
  return { titles, screen: new Screen({ cols, rows, scrollback, onTitle: (title) => titles.push(title) }) };
}

describe('Screen', () => {
  it('snapshots a screen that redraws the same text, scrollback and cursor, UTF-8 split across feeds included', async () => {
    const { screen: s } = screen();
    const text = Buffer.from('line 1\r\n\x1b[31mred 你好\x1b[0m\r\n' + Array.from({ length: 10 }, (_, i) => `row ${i}`).join('\r\n') + '\r\nprompt$ par', 'utf8');
    const split = text.indexOf(Buffer.from('好')) + 1;
    s.feed(text.subarray(0, split));
    s.feed(text.subarray(split));
    s.feed(Buffer.from('\x1b[3D')); // cursor back three cells: a shell editing a line
    const seen = await redraw(await s.snapshot(), 40, 6);
    expect(seen.lines.filter((line) => line !== '')).toEqual(['line 1', 'red 你好', ...Array.from({ length: 10 }, (_, i) => `row ${i}`), 'prompt$ par']);
    expect(seen.cursor).toEqual([8, 5]);
    s.dispose();
  });

  it('restores a full-screen program on the alternate screen', async () => {
    const { screen: s } = screen();
    s.feed(Buffer.from('shell text\r\n\x1b[?1049h\x1b[H\x1b[2J  editor view\x1b[3;5H'));
    const seen = await redraw(await s.snapshot(), 40, 6);
    expect(seen.type).toBe('alternate');
    expect(seen.lines[0]).toBe('  editor view');
    expect(seen.cursor).toEqual([4, 2]);
    s.dispose();
  });

  it('keeps only the scrollback it was given', async () => {
    const { screen: s } = screen(20, 5, 10);
    s.feed(Buffer.from(Array.from({ length: 200 }, (_, i) => `n${i}`).join('\r\n')));
    const seen = await redraw(await s.snapshot(), 20, 5);
    expect(seen.lines.filter((line) => line !== '')).toHaveLength(15);
    expect(seen.lines).toContain('n199');
    s.dispose();
  });

  it('counts bytes not yet parsed, and answers an empty snapshot once disposed', async () => {
    const { screen: s } = screen();
    s.feed(Buffer.alloc(100_000, 0x61));
    expect(s.unparsed).toBe(100_000);
    expect(s.backlog).toBe(0); // nothing handed to the parser yet: output is parsed late
    const pending = s.snapshot();
    expect(s.backlog).toBe(100_000);
    s.dispose();
    expect((await pending).byteLength).toBe(0);
  });

  it('reports titles the shell sets, once the output slows, without a snapshot', async () => {
    const { screen: s, titles } = screen();
    s.feed(Buffer.from('\x1b]2;deploy@pump-01\x07'));
    expect(titles).toEqual([]);
    await eventually(() => titles.length > 0, 'the title', 2_000);
    expect(titles).toEqual(['deploy@pump-01']);
    expect(s.unparsed).toBe(0);
    s.dispose();
  });

  it('lays out output at the size it was printed at, then resizes', async () => {
    const { screen: s } = screen(40, 6);
    const text = Buffer.from('a line of thirty characters...\r\nsecond\r\n$ ');
    s.feed(text);
    s.resize(20, 6);
    expect([s.cols, s.rows]).toEqual([20, 6]);
    const reference = new Terminal({ cols: 40, rows: 6, allowProposedApi: true });
    await new Promise<void>((resolve) => reference.write(text, resolve));
    reference.resize(20, 6);
    const expected: string[] = [];
    for (let y = 0; y < reference.buffer.active.length; y++) expected.push(reference.buffer.active.getLine(y)!.translateToString(true));
    reference.dispose();
    const seen = await redraw(await s.snapshot(), 20, 6);
    expect(seen.lines.filter((line) => line !== '')).toEqual(expected.filter((line) => line !== ''));
    s.dispose();
  });
});

describe('Screen after a flood larger than it keeps unparsed', () => {
  const MiB = 1024 * 1024;

  /** `bytes` of output fed in 4 KiB reads, as a PTY hands it out, all before the screen gets to parse any. */
  function flood(s: Screen, bytes: Buffer): void {
    for (let at = 0; at < bytes.byteLength; at += 4096) s.feed(bytes.subarray(at, at + 4096));
  }

  it('restores the same screen and scrollback as parsing every byte would', async () => {
    const lines = Array.from({ length: 60_000 }, (_, i) => `\x1b[3${i % 8}mline ${i}\x1b[0m ${'x'.repeat(i % 50)}`);
    const output = Buffer.from(`${lines.join('\r\n')}\r\n$ ls`, 'utf8');
    expect(output.byteLength).toBeGreaterThan(2 * MiB);
    const { screen: s } = screen(80, 24, 200);
    flood(s, output);
    expect(s.unparsed).toBeLessThanOrEqual(MiB + 4096); // the rest was forgotten, not held
    const restored = await redraw(await s.snapshot(), 80, 24);
    const everything = await redraw(output, 80, 24, 200); // every byte parsed, with the screen's scrollback
    expect(restored).toEqual(everything);
    expect(restored.lines.at(-24)).toMatch(/^line 59977 x+$/);
    s.dispose();
  });

  it('keeps a full-screen program on the alternate screen, with its modes and title, when their settings were forgotten', async () => {
    const { screen: s, titles } = screen(40, 6, 100);
    const shell = Buffer.from(`${Array.from({ length: 30_000 }, (_, i) => `build step ${i}`).join('\r\n')}\r\n$ vim\r\n`);
    // vim: alternate screen, application cursor keys, bracketed paste, mouse reporting, keypad, title.
    const start = Buffer.from('\x1b]2;vim notes.txt\x07\x1b[?1049h\x1b[?1h\x1b[?2004h\x1b[?1000;1006h\x1b=');
    const frames = Array.from({ length: 30_000 }, (_, i) => `\x1b[H\x1b[2Jframe ${i}\x1b[2;1H~\x1b[3;1H~\x1b[1;9H`).join('');
    const output = Buffer.concat([shell, start, Buffer.from(frames)]);
    expect(shell.byteLength).toBeGreaterThan(MiB / 2); // so the settings fall in what is forgotten
    expect(output.byteLength).toBeGreaterThan(MiB + shell.byteLength);
    flood(s, output);
    const snapshot = await s.snapshot();
    expect(titles.at(-1)).toBe('vim notes.txt');

    const page = new Terminal({ cols: 40, rows: 6, allowProposedApi: true });
    await new Promise<void>((resolve) => page.write(snapshot, resolve));
    expect(page.buffer.active.type).toBe('alternate');
    expect(page.buffer.active.getLine(0)!.translateToString(true)).toBe("frame 29999");
    expect([page.buffer.active.cursorX, page.buffer.active.cursorY]).toEqual([8, 0]);
    expect(page.modes).toMatchObject({ applicationCursorKeysMode: true, bracketedPasteMode: true, mouseTrackingMode: 'vt200' });
    page.dispose();
    s.dispose();
  });
});

describe('boundedTitle', () => {
  it('drops control characters and keeps 200 UTF-16 units without splitting a pair', () => {
    expect(boundedTitle('a\x1b[31mb\x9bc\u0007')).toBe('a[31mbc');
    expect(boundedTitle('x'.repeat(300))).toHaveLength(200);
    const emoji = `${'x'.repeat(199)}😀`;
    expect(boundedTitle(emoji)).toBe('x'.repeat(199));
  });
});
