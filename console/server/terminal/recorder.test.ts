/** The asciicast writer against real files: the format a player reads, UTF-8 split across chunks, refusals. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CastRecorder, newRecordingId, recordingIdPattern } from './recorder.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gh-cast-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function lines(path: string): Promise<unknown[]> {
  const text = await readFile(path, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text.trimEnd().split('\n').map((line) => JSON.parse(line) as unknown);
}

describe('CastRecorder', () => {
  it('writes an asciicast v2 header and timed output, input and resize events', async () => {
    const path = join(dir, 'a.cast');
    const recorder = await CastRecorder.create(path, { width: 80, height: 24, title: 'admin on gw as root' });
    recorder.output(Buffer.from('hello\r\n'));
    recorder.input(Buffer.from('ls\r'));
    recorder.resize(120, 40);
    const size = await recorder.finish();
    const [header, ...events] = await lines(path);
    expect(header).toMatchObject({ version: 2, width: 80, height: 24, env: { TERM: 'xterm-256color' }, title: 'admin on gw as root' });
    expect((header as { timestamp: number }).timestamp).toBeCloseTo(Date.now() / 1000, -2);
    expect(events.map((e) => (e as unknown[]).slice(1))).toEqual([['o', 'hello\r\n'], ['i', 'ls\r'], ['r', '120x40']]);
    for (const event of events as Array<[number, string, string]>) expect(event[0]).toBeGreaterThanOrEqual(0);
    expect(size).toBe((await readFile(path)).byteLength);
  });

  it('keeps a UTF-8 character split across chunks whole, and escape sequences intact', async () => {
    const path = join(dir, 'b.cast');
    const recorder = await CastRecorder.create(path, { width: 80, height: 24, title: '' });
    const text = Buffer.from('\x1b[1;31m水処理\x1b[0m ✓');
    // Split inside the three-byte 水 and inside ✓: each piece alone is not valid UTF-8.
    for (const piece of [text.subarray(0, 8), text.subarray(8, 13), text.subarray(13, text.length - 1), text.subarray(text.length - 1)]) {
      recorder.output(piece);
    }
    await recorder.finish();
    const [, ...events] = (await lines(path)) as Array<[number, string, string]>;
    expect(events.map((e) => e[2]).join('')).toBe('\x1b[1;31m水処理\x1b[0m ✓');
    expect(events.map((e) => e[2]).join('')).not.toContain('\ufffd');
  });

  it('refuses to start over an existing file', async () => {
    const path = join(dir, 'c.cast');
    await writeFile(path, 'someone else');
    await expect(CastRecorder.create(path, { width: 80, height: 24, title: '' })).rejects.toThrow(/EEXIST/);
    expect(await readFile(path, 'utf8')).toBe('someone else');
  });

  it('refuses to start where it cannot write', async () => {
    // A path under a regular file fails for every user, root included (root ignores directory permissions).
    await writeFile(join(dir, 'not-a-directory'), '');
    await expect(CastRecorder.create(join(dir, 'not-a-directory', 'x.cast'), { width: 80, height: 24, title: '' })).rejects.toThrow(/ENOTDIR/);
  });

  it('makes ids that fit the pattern routes check', () => {
    const ids = new Set(Array.from({ length: 200 }, newRecordingId));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(recordingIdPattern);
  });
});
