import xtermHeadless from '@xterm/headless';
import { beforeAll, describe, expect, it } from 'vitest';
import { boundedTitle, loadScreenLibrary, Screen } from './screen.js';

beforeAll(async () => {
  await loadScreenLibrary();
});

const { Terminal } = xtermHeadless;

/** What a page's terminal shows after writing `bytes` into a fresh one of the same size. */
async function redraw(bytes: Buffer, cols: number, rows: number) {
  const page = new Terminal({ cols, rows, allowProposedApi: true });
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
    expect(s.backlog).toBe(100_000);
    const pending = s.snapshot();
    s.dispose();
    expect((await pending).byteLength).toBe(0);
  });

  it('reports titles the shell sets', async () => {
    const { screen: s, titles } = screen();
    s.feed(Buffer.from('\x1b]2;deploy@pump-01\x07'));
    await s.snapshot();
    expect(titles).toEqual(['deploy@pump-01']);
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
