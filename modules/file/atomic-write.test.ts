import { link, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempMarker, tempNameFor, writeFileAtomically } from './atomic-write.js';
import { versionOf } from './content.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gatehouse-atomic-'));
});

afterEach(async () => {
  try {
    expect((await readdir(dir)).filter((name) => name.includes(tempMarker))).toEqual([]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

describe('tempNameFor', () => {
  it('is hidden, marked, random, and within NAME_MAX even for a 255-byte name', () => {
    const long = 'ü'.repeat(127); // 254 bytes
    const name = tempNameFor(long);
    expect(name.startsWith('.ü')).toBe(true);
    expect(name).toContain(tempMarker);
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(255);
    expect(tempNameFor('a')).not.toBe(tempNameFor('a'));
  });
});

describe('writeFileAtomically', () => {
  it('writes a file with a 255-byte name', async () => {
    const path = join(dir, 'n'.repeat(255));
    await writeFileAtomically(path, Buffer.from('ok'));
    expect(await readFile(path, 'utf8')).toBe('ok');
  });

  it('replaces the file by rename, so an old hard link keeps the old bytes', async () => {
    // A reader holding the old inode sees the old file whole, never a half-written one.
    const path = join(dir, 'f');
    await writeFile(path, 'old');
    await link(path, join(dir, 'old-inode'));
    const before = (await stat(path)).ino;
    const written = await writeFileAtomically(path, Buffer.from('new'));
    expect(written).toEqual({ size: 3, version: versionOf(Buffer.from('new')) });
    expect((await stat(path)).ino).not.toBe(before);
    expect(await readFile(join(dir, 'old-inode'), 'utf8')).toBe('old');
  });

  it('on a version mismatch removes the temporary file and leaves the target untouched', async () => {
    const path = join(dir, 'f');
    await writeFile(path, 'current');
    await expect(writeFileAtomically(path, Buffer.from('mine'), { expectedVersion: versionOf(Buffer.from('stale')) })).rejects.toMatchObject({
      code: 'conflict',
    });
    expect(await readFile(path, 'utf8')).toBe('current');
  });

  it('catches a change made while the new bytes were being written', async () => {
    const path = join(dir, 'f');
    await writeFile(path, 'v1');
    async function* slowSource(): AsyncIterable<Uint8Array> {
      yield Buffer.from('editor ');
      await writeFile(path, 'someone else'); // another writer lands mid-upload
      yield Buffer.from('text');
    }
    await expect(writeFileAtomically(path, slowSource(), { expectedVersion: versionOf(Buffer.from('v1')) })).rejects.toMatchObject({
      code: 'conflict',
    });
    expect(await readFile(path, 'utf8')).toBe('someone else');
  });

  it('with mustNotExist, refuses a file that appears while writing', async () => {
    const path = join(dir, 'f');
    async function* source(): AsyncIterable<Uint8Array> {
      yield Buffer.from('mine');
      await writeFile(path, 'theirs');
    }
    await expect(writeFileAtomically(path, source(), { mustNotExist: true })).rejects.toMatchObject({ code: 'exists' });
    expect(await readFile(path, 'utf8')).toBe('theirs');
  });

  it('an abort before the rename leaves the original in place', async () => {
    const path = join(dir, 'f');
    await writeFile(path, 'original');
    const controller = new AbortController();
    controller.abort();
    await expect(writeFileAtomically(path, Buffer.from('new'), { signal: controller.signal })).rejects.toMatchObject({ code: 'cancelled' });
    expect(await readFile(path, 'utf8')).toBe('original');
  });

  it('fails with not-found when the directory has gone, leaving nothing', async () => {
    const gone = join(dir, 'gone');
    await expect(writeFileAtomically(join(gone, 'f'), Buffer.from('x'))).rejects.toMatchObject({ code: 'not-found' });
    expect(await readdir(dir)).toEqual([]);
  });
});
