import { createHash, randomBytes } from 'node:crypto';
import { chmod, chown, mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentStream } from '../kernel/handler.js';
import { maxDataChunkBytes } from '../kernel/wire.js';
import { versionOf } from './content.js';
import { leftoverTempFiles, makeFileRoot, memoryStream, openStream, type FileRootFixture } from './test-support.js';

/** File streams carry no control messages or events. */
const noMessages = { onControl: () => undefined, sendEvent: () => undefined };

let fx: FileRootFixture;

beforeEach(async () => {
  fx = await makeFileRoot();
});

afterEach(async () => {
  try {
    expect(await leftoverTempFiles(fx.base)).toEqual([]);
  } finally {
    await fx.remove();
  }
});

const sha256 = (bytes: Uint8Array): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/** Split bytes into uneven pieces, as a network delivers them. */
function pieces(bytes: Buffer, sizes: readonly number[]): Buffer[] {
  const out: Buffer[] = [];
  for (let offset = 0, i = 0; offset < bytes.length; i++) {
    const size = sizes[i % sizes.length] ?? 1;
    out.push(bytes.subarray(offset, offset + size));
    offset += size;
  }
  return out;
}

describe('download through memoryStream (standing in for the wire)', () => {
  it('sends the bytes in chunks no larger than a data frame, with size and version', async () => {
    const bytes = randomBytes(3 * maxDataChunkBytes + 17);
    const path = join(fx.root, 'blob.bin');
    await writeFile(path, bytes);
    const { stream, sent } = memoryStream();
    const result = await openStream('download', { path }, stream, fx.context);
    expect(result).toEqual({ path, size: bytes.length, version: versionOf(bytes) });
    expect(sent.every((chunk) => chunk.length > 0 && chunk.length <= maxDataChunkBytes)).toBe(true);
    expect(Buffer.concat(sent).equals(bytes)).toBe(true);
  });

  it('sends an empty file as no chunks', async () => {
    const path = join(fx.root, 'empty');
    await writeFile(path, '');
    const { stream, sent } = memoryStream();
    expect(await openStream('download', { path }, stream, fx.context)).toMatchObject({ size: 0, version: versionOf(Buffer.alloc(0)) });
    expect(sent).toEqual([]);
  });

  it('refuses a directory', async () => {
    const { stream } = memoryStream();
    await expect(openStream('download', { path: fx.root }, stream, fx.context)).rejects.toMatchObject({ code: 'is-a-directory' });
  });

  it('stops reading when the channel is cancelled', async () => {
    const path = join(fx.root, 'big.bin');
    await writeFile(path, randomBytes(20 * maxDataChunkBytes));
    const controller = new AbortController();
    let writes = 0;
    const stream: AgentStream = {
      ...noMessages,
      signal: controller.signal,
      async write() {
        if (++writes === 2) controller.abort();
      },
      chunks: () => memoryStream().stream.chunks(),
    };
    await expect(openStream('download', { path }, stream, fx.context)).rejects.toMatchObject({ code: 'cancelled' });
    expect(writes).toBe(2);
  });
});

describe('upload through memoryStream (standing in for the wire)', () => {
  it('writes a new file from uneven chunks, with the asked mode', async () => {
    const bytes = randomBytes(200_000);
    const { stream } = memoryStream(pieces(bytes, [1, 70_000, 3, 65_536]));
    const result = await openStream('upload', { directory: fx.root, name: 'up.bin', mode: 0o600 }, stream, fx.context);
    const path = join(fx.root, 'up.bin');
    expect(result).toEqual({ path, size: bytes.length, version: sha256(bytes) });
    expect((await readFile(path)).equals(bytes)).toBe(true);
    expect((await stat(path)).mode & 0o7777).toBe(0o600);
  });

  it('refuses to replace an existing file unless asked, and then keeps its mode and owner', async () => {
    const path = join(fx.root, 'app.conf');
    await writeFile(path, 'old');
    await chown(path, 1, 1);
    await chmod(path, 0o640);
    await expect(
      openStream('upload', { directory: fx.root, name: 'app.conf' }, memoryStream([Buffer.from('new')]).stream, fx.context),
    ).rejects.toMatchObject({ code: 'exists' });
    expect(await readFile(path, 'utf8')).toBe('old');

    await openStream('upload', { directory: fx.root, name: 'app.conf', overwrite: true }, memoryStream([Buffer.from('new')]).stream, fx.context);
    const after = await stat(path);
    expect(await readFile(path, 'utf8')).toBe('new');
    expect({ uid: after.uid, gid: after.gid, mode: after.mode & 0o7777 }).toEqual({ uid: 1, gid: 1, mode: 0o640 });
  });

  it('refuses a missing directory, or a directory in the way', async () => {
    const { stream } = memoryStream([Buffer.from('x')]);
    await expect(openStream('upload', { directory: join(fx.root, 'nope'), name: 'f' }, stream, fx.context)).rejects.toMatchObject({ code: 'not-found' });
    await mkdir(join(fx.root, 'taken'));
    await expect(
      openStream('upload', { directory: fx.root, name: 'taken', overwrite: true }, memoryStream([Buffer.from('x')]).stream, fx.context),
    ).rejects.toMatchObject({ code: 'is-a-directory' });
  });

  it('a cancelled upload leaves no file and no temporary file', async () => {
    const chunks = pieces(randomBytes(300_000), [65_536]);
    const { stream } = memoryStream(chunks, (index, controller) => {
      if (index === 2) controller.abort();
    });
    await expect(openStream('upload', { directory: fx.root, name: 'partial.bin' }, stream, fx.context)).rejects.toMatchObject({ code: 'cancelled' });
    expect(await readdir(fx.root)).toEqual([]);
  });

  it('a cancelled overwrite leaves the old file as it was', async () => {
    await writeFile(join(fx.root, 'keep.txt'), 'old');
    const { stream } = memoryStream([Buffer.from('new'), Buffer.from('more')], (index, controller) => {
      if (index === 1) controller.abort();
    });
    await expect(openStream('upload', { directory: fx.root, name: 'keep.txt', overwrite: true }, stream, fx.context)).rejects.toMatchObject({ code: 'cancelled' });
    expect(await readdir(fx.root)).toEqual(['keep.txt']);
    expect(await readFile(join(fx.root, 'keep.txt'), 'utf8')).toBe('old');
  });

  it('a cancel while the console is silent does not leave the upload hanging', async () => {
    const controller = new AbortController();
    const stream: AgentStream = {
      ...noMessages,
      signal: controller.signal,
      write: async () => undefined,
      async *chunks() {
        yield Buffer.from('first');
        await new Promise(() => undefined); // the console never sends the rest
      },
    };
    setTimeout(() => controller.abort(), 20);
    await expect(openStream('upload', { directory: fx.root, name: 'stalled' }, stream, fx.context)).rejects.toMatchObject({ code: 'cancelled' });
    expect(await readdir(fx.root)).toEqual([]);
  });

  it('a source that fails midway leaves nothing behind', async () => {
    const stream: AgentStream = {
      ...noMessages,
      signal: new AbortController().signal,
      write: async () => undefined,
      async *chunks() {
        yield Buffer.from('some bytes');
        throw Object.assign(new Error('connection reset'), { code: 'ECONNRESET' });
      },
    };
    await expect(openStream('upload', { directory: fx.root, name: 'broken' }, stream, fx.context)).rejects.toThrow();
    expect(await readdir(fx.root)).toEqual([]);
  });
});

describe('round trip through memoryStream (standing in for the wire)', () => {
  it('a 5 MB upload downloads again with the same sha256', async () => {
    const bytes = randomBytes(5 * 1024 * 1024);
    const upload = memoryStream(pieces(bytes, [maxDataChunkBytes, 1000, maxDataChunkBytes - 1]));
    const uploaded = await openStream('upload', { directory: fx.root, name: 'five.bin' }, upload.stream, fx.context);
    expect(uploaded).toMatchObject({ size: bytes.length, version: sha256(bytes) });

    const download = memoryStream();
    const downloaded = await openStream('download', { path: uploaded.path }, download.stream, fx.context);
    expect(downloaded).toEqual(uploaded);
    expect(sha256(Buffer.concat(download.sent))).toBe(sha256(bytes));
  });
});
