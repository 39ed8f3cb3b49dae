/**
 * The traversal corpus (SECURITY.md rule 2): paths that try to leave the file root, each refused with
 * policy-denied or not-found by every operation, with nothing outside read, listed, written or removed.
 *
 * Destructive operations are only aimed at the test's own `outside` directory, never at /etc: if the jail
 * were broken, this test must fail, not damage the machine running it.
 */
import { chmod, link, mkdir, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contract } from './contract.js';
import { GatehouseError } from '../kernel/errors.js';
import { jailPath } from './jail.js';
import { call, leftoverTempFiles, makeFileRoot, memoryStream, openStream, type FileRootFixture } from './test-support.js';

let fx: FileRootFixture;
let passwd: string;

beforeAll(async () => {
  fx = await makeFileRoot();
  passwd = await readFile('/etc/passwd', 'utf8');
  await writeFile(join(fx.outside, 'secret.txt'), 'outside secret');
  // A sibling whose name starts with the root's: /…/root2 must not count as inside /…/root.
  await mkdir(`${fx.root}2`);
  await writeFile(join(`${fx.root}2`, 'secret'), 'sibling secret');
  await mkdir(join(fx.root, 'sub'));
  await symlink('/etc', join(fx.root, 'etc-link'));
  await symlink(fx.outside, join(fx.root, 'out-dir'));
  await symlink(join(fx.outside, 'secret.txt'), join(fx.root, 'secret-link'));
  await symlink('../outside/secret.txt', join(fx.root, 'rel-link'));
});

afterAll(async () => {
  try {
    expect(await leftoverTempFiles(fx.base)).toEqual([]);
  } finally {
    await fx.remove();
  }
});

/** Read-only probes: may name anything on the machine. */
const readEscapes = (root: string): string[] => [
  `${root}/../outside/secret.txt`,
  `${root}/sub/../../outside/secret.txt`,
  `${root}//..//..//outside/secret.txt`,
  `${root}/../../../../../../../../../../etc/passwd`,
  '/etc/passwd',
  '/etc/shadow',
  '/',
  `${root}/etc-link/passwd`,
  `${root}/etc-link`,
  `${root}/out-dir/secret.txt`,
  `${root}/out-dir`,
  `${root}/secret-link`,
  `${root}/rel-link`,
  `${root}2/secret`,
  `${root}/./../root2/secret`,
  `${root}/sub/../../root2/secret`,
  // Decoded once by JSON already; any further "encoding" is just odd file names that do not exist.
  `${root}/%2e%2e/%2e%2e/etc/passwd`,
  `${root}/%2e%2e%2f%2e%2e%2fetc%2fpasswd`,
  `${root}/..%01/..%01/etc/passwd`,
  `${root}/..%00/etc/passwd`,
  `${root}/%252e%252e/%252e%252e/etc/passwd`,
  `${root}/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd`,
  `${root}/..\\..\\outside\\secret.txt`,
  `${root}/..;/outside/secret.txt`,
  `${root}/.../outside/secret.txt`,
];

/** Destructive probes: the same tricks, aimed only at this test's own outside directories. */
const writeEscapes = (root: string): string[] => [
  `${root}/../outside/secret.txt`,
  `${root}/sub/../../outside/secret.txt`,
  `${root}/out-dir/secret.txt`,
  `${root}/out-dir/planted.txt`,
  `${root}/secret-link`,
  `${root}/rel-link`,
  `${root}2/secret`,
  `${root}/./../root2/planted`,
  `${root}/%2e%2e/outside/secret.txt`,
  `${root}/..%01/outside/secret.txt`,
  `${root}/%252e%252e/outside/secret.txt`,
];

/** Single names that look like traversal but, once decoded, are just names: allowed, and only inside the root. */
const literalNames = ['..\\outside\\secret.txt', '%2e%2e%2f%2e%2e%2foutside%2fsecret.txt', '..%01', '..;', '...', '%252e%252e'];

async function expectRefused(attempt: Promise<unknown>): Promise<void> {
  const error = await attempt.then(
    () => new Error('expected a refusal, but the operation succeeded'),
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(GatehouseError);
  expect(['policy-denied', 'not-found']).toContain((error as GatehouseError).code);
}

async function outsideIsUntouched(): Promise<void> {
  expect(await readFile(join(fx.outside, 'secret.txt'), 'utf8')).toBe('outside secret');
  expect(await readdir(fx.outside)).toEqual(['secret.txt']);
  expect(await readdir(`${fx.root}2`)).toEqual(['secret']);
  expect(await readFile(`${fx.root}2/secret`, 'utf8')).toBe('sibling secret');
  expect(await readFile('/etc/passwd', 'utf8')).toBe(passwd);
}

describe('reading outside the root is refused', () => {
  it.each(readEscapes('<root>'))('%s', async (template) => {
    const path = template.replaceAll('<root>', fx.root);
    await expectRefused(call('read', { path }, fx.context));
    await expectRefused(call('list', { path }, fx.context));
    const { stream, sent } = memoryStream();
    await expectRefused(openStream('download', { path }, stream, fx.context));
    expect(sent).toEqual([]);
    // The jail alone may accept a literal odd name as a new file in the root, but never answers outside it.
    const jailed = await jailPath(path, [fx.root]).catch(() => undefined);
    if (jailed !== undefined) expect(jailed.startsWith(`${fx.root}/`)).toBe(true);
  });
});

describe('changing anything outside the root is refused', () => {
  it.each(writeEscapes('<root>'))('%s', async (template) => {
    const path = template.replaceAll('<root>', fx.root);
    await expectRefused(call('write', { path, content: 'pwned' }, fx.context));
    await expectRefused(call('write', { path, content: 'pwned', create: true }, fx.context));
    await expectRefused(call('chmod', { path, mode: 0o777 }, fx.context));
    await expectRefused(call('chown', { path, user: '1' }, fx.context));
    await expectRefused(call('mkdir', { path: join(path, 'made') }, fx.context));
    const upload = memoryStream([Buffer.from('pwned')]);
    await expectRefused(openStream('upload', { directory: path, name: 'planted', overwrite: true }, upload.stream, fx.context));
    await outsideIsUntouched();
  });

  it.each(writeEscapes('<root>').filter((p) => !p.endsWith('-link')))('delete and rename: %s', async (template) => {
    const path = template.replaceAll('<root>', fx.root);
    await expectRefused(call('delete', { path, recursive: true }, fx.context));
    await expectRefused(call('rename', { from: path, to: join(fx.root, 'stolen') }, fx.context));
    await writeFile(join(fx.root, 'mine.txt'), 'mine');
    await expectRefused(call('rename', { from: join(fx.root, 'mine.txt'), to: path }, fx.context));
    await outsideIsUntouched();
  });

  it.each(literalNames)('the literal name %s is created inside the root, nowhere else', async (name) => {
    const path = `${fx.root}/${name}`;
    expect(await call('write', { path, content: 'literal' }, fx.context)).toMatchObject({ path });
    expect(await readFile(path, 'utf8')).toBe('literal');
    await call('delete', { path }, fx.context);
    await outsideIsUntouched();
  });

  it('an upload whose name tries to climb is refused by the contract', () => {
    for (const name of ['..', '.', '../x', 'a/b', 'x\0y']) {
      expect(contract.streams.upload.params.safeParse({ directory: fx.root, name }).success).toBe(false);
    }
  });
});

describe('hard links', () => {
  it('a file hard-linked to one outside the root cannot have its mode or owner changed', async () => {
    const secret = join(fx.outside, 'linked.txt');
    await writeFile(secret, 'shared inode');
    await chmod(secret, 0o600);
    await link(secret, join(fx.root, 'hard'));
    await expect(call('chmod', { path: join(fx.root, 'hard'), mode: 0o666 }, fx.context)).rejects.toMatchObject({ code: 'policy-denied' });
    await expect(call('chown', { path: join(fx.root, 'hard'), user: '1' }, fx.context)).rejects.toMatchObject({ code: 'policy-denied' });
    const after = await stat(secret);
    expect({ mode: after.mode & 0o7777, uid: after.uid }).toEqual({ mode: 0o600, uid: 0 });
    // Writing replaces the link by rename, so the other name keeps its bytes.
    await call('write', { path: join(fx.root, 'hard'), content: 'replaced' }, fx.context);
    expect(await readFile(secret, 'utf8')).toBe('shared inode');
    await rm(secret);
    await rm(join(fx.root, 'hard'));
  });
});

describe('NUL bytes', () => {
  it('are refused by the contract schema and by the jail itself', async () => {
    const path = `${fx.root}/../outside/secret.txt\0.png`;
    expect(contract.methods.read.params.safeParse({ path }).success).toBe(false);
    await expect(jailPath(path, [fx.root])).rejects.toMatchObject({ code: 'invalid-params' });
  });
});

describe('symlinks inside the root that lead out', () => {
  it('are listed with their target, but not followed', async () => {
    const listing = await call('list', { path: fx.root }, fx.context);
    expect(listing.entries.find((e) => e.name === 'out-dir')).toMatchObject({ type: 'symlink', target: fx.outside, targetType: 'directory' });
    expect(listing.entries.find((e) => e.name === 'rel-link')).toMatchObject({ target: '../outside/secret.txt', targetType: 'file' });
    await expectRefused(call('list', { path: join(fx.root, 'out-dir') }, fx.context));
  });
});
