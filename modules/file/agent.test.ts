import { chmod, chown, lstat, mkdir, readFile, readdir, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { versionOf } from './content.js';
import { contract, maxTextFileBytes } from './contract.js';
import { call, leftoverTempFiles, makeFileRoot, type FileRootFixture } from './test-support.js';

let fx: FileRootFixture;

beforeEach(async () => {
  fx = await makeFileRoot();
});

afterEach(async () => {
  // Every test, passing or refused, must leave no temporary file behind.
  try {
    expect(await leftoverTempFiles(fx.base)).toEqual([]);
  } finally {
    await fx.remove();
  }
});

describe('list and stat', () => {
  it('lists directories first, then by name, in the contract’s result shape', async () => {
    await writeFile(join(fx.root, 'b.txt'), 'bee');
    await writeFile(join(fx.root, '.hidden'), '');
    await mkdir(join(fx.root, 'zdir'));
    await symlink('b.txt', join(fx.root, 'a-link'));
    await symlink('nowhere', join(fx.root, 'broken'));
    await symlink('/etc', join(fx.root, 'etc-link'));

    const listing = await call('list', { path: fx.root }, fx.context);
    expect(contract.methods.list.result.parse(listing)).toEqual(listing);
    expect(listing.truncated).toBe(false);
    expect(listing.entries.map((e) => e.name)).toEqual(['etc-link', 'zdir', '.hidden', 'a-link', 'b.txt', 'broken']);

    const file = listing.entries.find((e) => e.name === 'b.txt');
    expect(file).toMatchObject({ type: 'file', size: 3, user: 'root', group: 'root', uid: 0, gid: 0, path: join(fx.root, 'b.txt') });
    expect(file?.modifiedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(listing.entries.find((e) => e.name === 'a-link')).toMatchObject({ type: 'symlink', target: 'b.txt', targetType: 'file' });
    expect(listing.entries.find((e) => e.name === 'broken')).toMatchObject({ target: 'nowhere', targetType: 'broken' });
    // Listed, though it leads out of the root: describing a link is not following it.
    expect(listing.entries.find((e) => e.name === 'etc-link')).toMatchObject({ target: '/etc', targetType: 'directory' });

    const shown = await call('list', { path: fx.root, showHidden: false }, fx.context);
    expect(shown.entries.map((e) => e.name)).not.toContain('.hidden');
  });

  it('reports mode bits including the special ones', async () => {
    const path = join(fx.root, 'tool');
    await writeFile(path, '');
    await chmod(path, 0o4750);
    const entry = await call('stat', { path }, fx.context);
    expect(contract.methods.stat.result.parse(entry)).toEqual(entry);
    expect(entry).toMatchObject({ name: 'tool', type: 'file', mode: 0o4750 });
  });

  it('stat describes a symlink rather than following it', async () => {
    await symlink('/etc/passwd', join(fx.root, 'pw'));
    expect(await call('stat', { path: join(fx.root, 'pw') }, fx.context)).toMatchObject({ type: 'symlink', target: '/etc/passwd', targetType: 'file', size: 11 });
  });

  it('refuses to list a file, or something that is not there', async () => {
    await writeFile(join(fx.root, 'f'), '');
    await expect(call('list', { path: join(fx.root, 'f') }, fx.context)).rejects.toMatchObject({ code: 'not-a-directory' });
    await expect(call('list', { path: join(fx.root, 'nope', 'x') }, fx.context)).rejects.toMatchObject({ code: 'not-found' });
  });

  it('stops at 10,000 entries and says it was truncated', async () => {
    const big = join(fx.root, 'big');
    await mkdir(big);
    await Promise.all(Array.from({ length: 10_001 }, (_, i) => writeFile(join(big, `f${i}`), '')));
    const listing = await call('list', { path: big }, fx.context);
    expect(listing.entries).toHaveLength(10_000);
    expect(listing.truncated).toBe(true);
  });
});

describe('read', () => {
  it('returns text with its version, size and mode', async () => {
    const path = join(fx.root, 'conf.ini');
    await writeFile(path, '\uFEFFname = café\n');
    await chmod(path, 0o640);
    const result = await call('read', { path }, fx.context);
    const bytes = await readFile(path);
    // The byte-order mark is kept so saving unchanged text writes back the same bytes.
    expect(result).toEqual({ path, content: '\uFEFFname = café\n', version: versionOf(bytes), size: bytes.length, mode: 0o640 });
  });

  it('refuses binary content: a NUL byte, or bytes that are not UTF-8', async () => {
    await writeFile(join(fx.root, 'nul.bin'), Buffer.from([0x41, 0x00, 0x42]));
    await writeFile(join(fx.root, 'latin1.txt'), Buffer.from([0x63, 0x61, 0x66, 0xe9]));
    await expect(call('read', { path: join(fx.root, 'nul.bin') }, fx.context)).rejects.toMatchObject({ code: 'binary-file' });
    await expect(call('read', { path: join(fx.root, 'latin1.txt') }, fx.context)).rejects.toMatchObject({ code: 'binary-file' });
  });

  it('refuses a file over the editor’s limit, naming its size and download', async () => {
    const path = join(fx.root, 'big.log');
    await writeFile(path, Buffer.alloc(maxTextFileBytes + 1, 0x61));
    const failure = call('read', { path }, fx.context);
    await expect(failure).rejects.toMatchObject({ code: 'too-large' });
    await expect(failure).rejects.toThrow(new RegExp(`${maxTextFileBytes + 1} bytes.*download`, 'i'));
  });

  it('refuses directories and non-regular files', async () => {
    await expect(call('read', { path: fx.root }, fx.context)).rejects.toMatchObject({ code: 'is-a-directory' });
    const devRoot = call('read', { path: '/dev/zero' }, { ...fx.context, policy: { ...fx.context.policy, fileRoots: ['/dev'] } });
    await expect(devRoot).rejects.toMatchObject({ code: 'not-supported' });
  });
});

describe('write', () => {
  it('creates a new file (0644) and reports its version', async () => {
    const path = join(fx.root, 'new.txt');
    const result = await call('write', { path, content: 'hello\n', create: true }, fx.context);
    expect(result).toEqual({ path, size: 6, version: versionOf(Buffer.from('hello\n')) });
    expect(await readFile(path, 'utf8')).toBe('hello\n');
    expect((await stat(path)).mode & 0o7777).toBe(0o644);
  });

  it('with create, refuses when the file exists and leaves it alone', async () => {
    const path = join(fx.root, 'there.txt');
    await writeFile(path, 'original');
    await expect(call('write', { path, content: 'x', create: true }, fx.context)).rejects.toMatchObject({ code: 'exists' });
    expect(await readFile(path, 'utf8')).toBe('original');
  });

  it('succeeds with the current version, and refuses a stale one keeping the newer content', async () => {
    const path = join(fx.root, 'edit.txt');
    await writeFile(path, 'v1');
    const loaded = await call('read', { path }, fx.context);
    const saved = await call('write', { path, content: 'v2', version: loaded.version }, fx.context);
    expect(saved.version).toBe(versionOf(Buffer.from('v2')));

    // A second editor still holding v1 tries to save over v2.
    await expect(call('write', { path, content: 'v1-edit', version: loaded.version }, fx.context)).rejects.toMatchObject({ code: 'conflict' });
    expect(await readFile(path, 'utf8')).toBe('v2');
  });

  it('refuses a version for a file that has since been deleted', async () => {
    const path = join(fx.root, 'gone.txt');
    await expect(call('write', { path, content: 'x', version: versionOf(Buffer.from('x')) }, fx.context)).rejects.toMatchObject({ code: 'conflict' });
    await expect(lstat(path)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('keeps the mode (including setuid) and the owner of the file it replaces', async () => {
    const path = join(fx.root, 'owned.sh');
    await writeFile(path, '#!/bin/sh\n');
    await chown(path, 1, 1);
    await chmod(path, 0o4750);
    await call('write', { path, content: '#!/bin/sh\necho hi\n' }, fx.context);
    const after = await stat(path);
    expect({ uid: after.uid, gid: after.gid, mode: after.mode & 0o7777 }).toEqual({ uid: 1, gid: 1, mode: 0o4750 });
  });

  it('refuses text over the editor’s limit', async () => {
    const path = join(fx.root, 'huge.txt');
    await expect(call('write', { path, content: 'é'.repeat(maxTextFileBytes / 2 + 1) }, fx.context)).rejects.toMatchObject({ code: 'too-large' });
  });

  it('fails cleanly when the directory is missing, leaving nothing behind', async () => {
    await expect(call('write', { path: join(fx.root, 'missing', 'a.txt'), content: 'x' }, fx.context)).rejects.toMatchObject({ code: 'not-found' });
    expect(await readdir(fx.root)).toEqual([]);
  });

  it('refuses to write over a directory', async () => {
    await mkdir(join(fx.root, 'd'));
    await expect(call('write', { path: join(fx.root, 'd'), content: 'x' }, fx.context)).rejects.toMatchObject({ code: 'is-a-directory' });
  });
});

describe('mkdir, rename, delete', () => {
  it('makes a directory with exactly the asked mode, and says exists the second time', async () => {
    const path = join(fx.root, 'made');
    expect(await call('mkdir', { path, mode: 0o777 }, fx.context)).toEqual({ path });
    expect((await stat(path)).mode & 0o7777).toBe(0o777);
    await expect(call('mkdir', { path }, fx.context)).rejects.toMatchObject({ code: 'exists' });
    await expect(call('mkdir', { path: join(fx.root, 'a', 'b') }, fx.context)).rejects.toMatchObject({ code: 'not-found' });
  });

  it('renames, but never over an existing target', async () => {
    const from = join(fx.root, 'a.txt');
    const to = join(fx.root, 'b.txt');
    await writeFile(from, 'a');
    await writeFile(to, 'b');
    await expect(call('rename', { from, to }, fx.context)).rejects.toMatchObject({ code: 'exists' });
    expect(await readFile(to, 'utf8')).toBe('b');
    expect(await readFile(from, 'utf8')).toBe('a');

    const free = join(fx.root, 'c.txt');
    expect(await call('rename', { from, to: free }, fx.context)).toEqual({ from, to: free });
    expect(await readFile(free, 'utf8')).toBe('a');
    await expect(lstat(from)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('renames directories, refuses one into itself and refuses to move the root', async () => {
    await mkdir(join(fx.root, 'd1'));
    await mkdir(join(fx.root, 'd2'));
    await expect(call('rename', { from: join(fx.root, 'd1'), to: join(fx.root, 'd2') }, fx.context)).rejects.toMatchObject({ code: 'exists' });
    await expect(call('rename', { from: join(fx.root, 'd1'), to: join(fx.root, 'd1', 'x') }, fx.context)).rejects.toMatchObject({ code: 'invalid-params' });
    await call('rename', { from: join(fx.root, 'd1'), to: join(fx.root, 'd3') }, fx.context);
    expect((await stat(join(fx.root, 'd3'))).isDirectory()).toBe(true);
    await expect(call('rename', { from: fx.root, to: join(fx.root, 'elsewhere') }, fx.context)).rejects.toMatchObject({ code: 'policy-denied' });
  });

  it('moving a symlink that points outside moves the link, not the target', async () => {
    const secret = join(fx.outside, 'secret');
    await writeFile(secret, 's');
    await symlink(secret, join(fx.root, 'link'));
    await call('rename', { from: join(fx.root, 'link'), to: join(fx.root, 'link2') }, fx.context);
    expect((await lstat(join(fx.root, 'link2'))).isSymbolicLink()).toBe(true);
    expect(await readFile(secret, 'utf8')).toBe('s');
  });

  it('deletes files, empty directories, and full ones only when recursive', async () => {
    await writeFile(join(fx.root, 'f'), '');
    await mkdir(join(fx.root, 'd', 'e'), { recursive: true });
    await call('delete', { path: join(fx.root, 'f') }, fx.context);
    await expect(call('delete', { path: join(fx.root, 'd') }, fx.context)).rejects.toMatchObject({ code: 'exists' });
    await call('delete', { path: join(fx.root, 'd'), recursive: true }, fx.context);
    expect(await readdir(fx.root)).toEqual([]);
    await expect(call('delete', { path: join(fx.root, 'f') }, fx.context)).rejects.toMatchObject({ code: 'not-found' });
  });

  it('refuses to delete the file root itself or /', async () => {
    await expect(call('delete', { path: fx.root, recursive: true }, fx.context)).rejects.toMatchObject({ code: 'policy-denied' });
    await expect(call('delete', { path: `${fx.root}/sub/..`, recursive: true }, fx.context)).rejects.toMatchObject({ code: 'policy-denied' });
    const everywhere = { ...fx.context, policy: { ...fx.context.policy, fileRoots: ['/'] } };
    await expect(call('delete', { path: '/', recursive: true }, everywhere)).rejects.toMatchObject({ code: 'policy-denied' });
    expect((await stat(fx.root)).isDirectory()).toBe(true);
  });

  it('deleting a symlink to a directory removes the link, not the directory', async () => {
    const target = join(fx.root, 'real');
    await mkdir(target);
    await writeFile(join(target, 'keep'), 'k');
    await symlink(target, join(fx.root, 'alias'));
    await call('delete', { path: join(fx.root, 'alias'), recursive: true }, fx.context);
    await expect(lstat(join(fx.root, 'alias'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readFile(join(target, 'keep'), 'utf8')).toBe('k');
  });

  it('recursive delete removes links inside the tree without following them', async () => {
    const secret = join(fx.outside, 'secret');
    await writeFile(secret, 's');
    await mkdir(join(fx.root, 'tree'));
    await symlink(fx.outside, join(fx.root, 'tree', 'out'));
    await call('delete', { path: join(fx.root, 'tree'), recursive: true }, fx.context);
    expect(await readFile(secret, 'utf8')).toBe('s');
  });
});

describe('chmod and chown', () => {
  it('changes mode bits and returns the entry', async () => {
    const path = join(fx.root, 'f');
    await writeFile(path, '');
    const entry = await call('chmod', { path, mode: 0o600 }, fx.context);
    expect(entry).toMatchObject({ path, mode: 0o600 });
  });

  it('changes owner by name or id and refuses unknown names', async () => {
    const path = join(fx.root, 'f');
    await writeFile(path, '');
    expect(await call('chown', { path, user: 'daemon' }, fx.context)).toMatchObject({ uid: 1, gid: 0, user: 'daemon' });
    expect(await call('chown', { path, group: '1' }, fx.context)).toMatchObject({ uid: 1, gid: 1 });
    expect(await call('chown', { path, user: '0', group: 'root' }, fx.context)).toMatchObject({ uid: 0, gid: 0 });
    await expect(call('chown', { path, user: 'no-such-user-here' }, fx.context)).rejects.toMatchObject({ code: 'not-found' });
  });

  it('refuses to chmod through a symlink that leads outside', async () => {
    const secret = join(fx.outside, 'secret');
    await writeFile(secret, 's');
    await chmod(secret, 0o600);
    await symlink(secret, join(fx.root, 'link'));
    await expect(call('chmod', { path: join(fx.root, 'link'), mode: 0o777 }, fx.context)).rejects.toMatchObject({ code: 'policy-denied' });
    await expect(call('chown', { path: join(fx.root, 'link'), user: '1' }, fx.context)).rejects.toMatchObject({ code: 'policy-denied' });
    expect((await stat(secret)).mode & 0o7777).toBe(0o600);
  });
});
