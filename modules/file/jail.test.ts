import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isFileRoot, isWithin, jailPath, realRoots } from './jail.js';

let base: string;
let root: string;

beforeEach(async () => {
  // realpath: os.tmpdir() may itself sit behind a symlink, and the jail answers in real paths.
  base = await realpath(await mkdtemp(join(tmpdir(), 'gatehouse-jail-')));
  root = join(base, 'data');
  await mkdir(join(root, 'sub'), { recursive: true });
  await writeFile(join(root, 'sub', 'file.txt'), 'inside');
  await mkdir(join(base, 'data2'));
  await writeFile(join(base, 'data2', 'secret'), 'sibling');
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('isWithin', () => {
  it('compares whole path components, so /srv/data2 is not inside /srv/data', () => {
    expect(isWithin('/srv/data', '/srv/data')).toBe(true);
    expect(isWithin('/srv/data/x', '/srv/data')).toBe(true);
    expect(isWithin('/srv/data2', '/srv/data')).toBe(false);
    expect(isWithin('/srv/data2/x', '/srv/data')).toBe(false);
    expect(isWithin('/anything', '/')).toBe(true);
  });
});

describe('jailPath', () => {
  it('returns the real path of an existing file inside the root', async () => {
    await expect(jailPath(join(root, 'sub', 'file.txt'), [root])).resolves.toBe(join(root, 'sub', 'file.txt'));
    await expect(jailPath(`${root}/sub/./../sub//file.txt`, [root])).resolves.toBe(join(root, 'sub', 'file.txt'));
  });

  it('accepts a new name whose parent exists, and refuses one whose parent does not', async () => {
    await expect(jailPath(join(root, 'new.txt'), [root])).resolves.toBe(join(root, 'new.txt'));
    await expect(jailPath(join(root, 'missing', 'new.txt'), [root])).rejects.toMatchObject({ code: 'not-found' });
  });

  it('refuses a new name below a file', async () => {
    await expect(jailPath(join(root, 'sub', 'file.txt', 'x'), [root])).rejects.toMatchObject({ code: 'not-a-directory' });
  });

  it('refuses a sibling directory that shares the root as a prefix', async () => {
    await expect(jailPath(join(base, 'data2', 'secret'), [root])).rejects.toMatchObject({ code: 'policy-denied' });
    await expect(jailPath(join(base, 'data2', 'new'), [root])).rejects.toMatchObject({ code: 'policy-denied' });
  });

  it('folds .. before checking, so it cannot climb out', async () => {
    await expect(jailPath(`${root}/../data2/secret`, [root])).rejects.toMatchObject({ code: 'policy-denied' });
    await expect(jailPath(`${root}/sub/../../../../../etc/passwd`, [root])).rejects.toMatchObject({ code: 'policy-denied' });
  });

  it('says policy-denied, not not-found, for missing paths outside the roots (no existence probing)', async () => {
    await expect(jailPath('/no/such/place/at/all', [root])).rejects.toMatchObject({ code: 'policy-denied' });
    await expect(jailPath(join(base, 'nothing-here', 'x'), [root])).rejects.toMatchObject({ code: 'policy-denied' });
  });

  it('rejects a NUL byte and a relative path before touching the filesystem', async () => {
    await expect(jailPath(`${root}/sub/file.txt\0.png`, [root])).rejects.toMatchObject({ code: 'invalid-params' });
    await expect(jailPath('sub/file.txt', [root])).rejects.toMatchObject({ code: 'invalid-params' });
  });

  it('follows a symlink inside the root to its real path', async () => {
    await symlink(join(root, 'sub'), join(root, 'alias'));
    await expect(jailPath(join(root, 'alias', 'file.txt'), [root])).resolves.toBe(join(root, 'sub', 'file.txt'));
  });

  it('refuses to follow a symlink out of the root, but names the link itself in entry mode', async () => {
    await symlink('/etc', join(root, 'etc-link'));
    await expect(jailPath(join(root, 'etc-link'), [root])).rejects.toMatchObject({ code: 'policy-denied' });
    await expect(jailPath(join(root, 'etc-link', 'passwd'), [root])).rejects.toMatchObject({ code: 'policy-denied' });
    await expect(jailPath(join(root, 'etc-link'), [root], 'entry')).resolves.toBe(join(root, 'etc-link'));
    await expect(jailPath(join(root, 'etc-link', 'passwd'), [root], 'entry')).rejects.toMatchObject({ code: 'policy-denied' });
  });

  it('refuses a new name behind a dangling symlink rather than writing through it', async () => {
    await symlink(join(base, 'data2', 'planted'), join(root, 'dangling'));
    await expect(jailPath(join(root, 'dangling'), [root])).rejects.toMatchObject({ code: 'not-found' });
    await expect(jailPath(join(root, 'dangling'), [root], 'entry')).resolves.toBe(join(root, 'dangling'));
  });

  it('accepts a root configured through a symlink, answering with real paths', async () => {
    await symlink(root, join(base, 'data-link'));
    const linkedRoot = join(base, 'data-link');
    await expect(jailPath(join(linkedRoot, 'sub', 'file.txt'), [linkedRoot])).resolves.toBe(join(root, 'sub', 'file.txt'));
    await expect(jailPath(linkedRoot, [linkedRoot], 'entry')).resolves.toBe(root);
  });

  it('skips roots that do not exist, and refuses everything when none does', async () => {
    await expect(jailPath(join(root, 'sub'), [join(base, 'gone'), root])).resolves.toBe(join(root, 'sub'));
    await expect(jailPath(join(root, 'sub'), [join(base, 'gone')])).rejects.toMatchObject({ code: 'policy-denied' });
    await expect(realRoots([join(base, 'gone')])).rejects.toMatchObject({ code: 'policy-denied' });
  });

  it('treats a symlink loop as not found', async () => {
    await symlink(join(root, 'loop-b'), join(root, 'loop-a'));
    await symlink(join(root, 'loop-a'), join(root, 'loop-b'));
    await expect(jailPath(join(root, 'loop-a', 'x'), [root])).rejects.toMatchObject({ code: 'not-found' });
  });
});

describe('isFileRoot', () => {
  it('is true for / and for each root, by real path', async () => {
    await expect(isFileRoot('/', [root])).resolves.toBe(true);
    await expect(isFileRoot(root, [root])).resolves.toBe(true);
    await expect(isFileRoot(join(root, 'sub'), [root])).resolves.toBe(false);
  });
});
