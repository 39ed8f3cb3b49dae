/**
 * Issue 7: the jail checks a path by name, then the operation opens it. A directory inside the root swapped for
 * a symlink in between must not lead the operation out. The swap is made deterministically through
 * heldTestHooks.beforeOpen (exactly between check and open), then once more as a bounded stress loop.
 */
import { chmod, mkdir, readFile, readdir, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GatehouseError } from '../kernel/errors.js';
import { heldTestHooks } from './held.js';
import { call, contextFor, leftoverTempFiles, makeFileRoot, memoryStream, openStream, type FileRootFixture } from './test-support.js';

const secret = 'outside secret';
let fx: FileRootFixture;

beforeEach(async () => {
  fx = await makeFileRoot();
  // root/dir mirrors outside/: same names, so a followed swap would find something to read or change.
  await mkdir(join(fx.root, 'dir', 'b'), { recursive: true });
  await writeFile(join(fx.root, 'dir', 'file.txt'), 'inside');
  await writeFile(join(fx.root, 'dir', 'victim'), 'inside victim');
  await mkdir(join(fx.outside, 'b'));
  await writeFile(join(fx.outside, 'file.txt'), secret);
  await writeFile(join(fx.outside, 'victim'), secret);
  await chmod(join(fx.outside, 'file.txt'), 0o600);
});

afterEach(async () => {
  heldTestHooks.beforeOpen = undefined;
  await fx.remove();
});

/** Swap root/dir for a symlink to outside/ right before the first jailed open, as an attacker racing would. */
function swapBeforeFirstOpen(): void {
  let swapped = false;
  heldTestHooks.beforeOpen = async () => {
    if (swapped) return;
    swapped = true;
    await rename(join(fx.root, 'dir'), join(fx.root, 'dir-moved'));
    await symlink(fx.outside, join(fx.root, 'dir'));
    // The swap works: by name, the checked path now leads outside.
    expect(await readFile(join(fx.root, 'dir', 'file.txt'), 'utf8')).toBe(secret);
  };
}

async function expectDenied(attempt: Promise<unknown>): Promise<GatehouseError> {
  const error = await attempt.then(
    () => new Error('expected a refusal, but the operation succeeded'),
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(GatehouseError);
  expect((error as GatehouseError).code).toBe('policy-denied');
  expect(JSON.stringify(error)).not.toContain(secret);
  expect((error as GatehouseError).message).not.toContain(secret);
  return error as GatehouseError;
}

async function outsideIsUntouched(): Promise<void> {
  expect((await readdir(fx.outside)).sort()).toEqual(['b', 'file.txt', 'victim']);
  expect(await readdir(join(fx.outside, 'b'))).toEqual([]);
  expect(await readFile(join(fx.outside, 'file.txt'), 'utf8')).toBe(secret);
  expect(await readFile(join(fx.outside, 'victim'), 'utf8')).toBe(secret);
  const { mode, uid } = await stat(join(fx.outside, 'file.txt'));
  expect({ mode: mode & 0o7777, uid }).toEqual({ mode: 0o600, uid: process.getuid?.() });
  expect(await leftoverTempFiles(fx.base)).toEqual([]);
}

describe('a directory swapped for a symlink between the jail check and the open', () => {
  it('read is refused by the handle check and returns nothing from outside', async () => {
    swapBeforeFirstOpen();
    const error = await expectDenied(call('read', { path: join(fx.root, 'dir', 'file.txt') }, fx.context));
    expect(error.context).toMatchObject({ path: join(fx.root, 'dir', 'file.txt') });
    await outsideIsUntouched();
  });

  it('download is refused and sends no bytes', async () => {
    swapBeforeFirstOpen();
    const { stream, sent } = memoryStream();
    await expectDenied(openStream('download', { path: join(fx.root, 'dir', 'file.txt') }, stream, fx.context));
    expect(sent).toEqual([]);
  });

  it('list is refused', async () => {
    swapBeforeFirstOpen();
    await expectDenied(call('list', { path: join(fx.root, 'dir') }, fx.context));
  });

  it('stat is refused', async () => {
    swapBeforeFirstOpen();
    await expectDenied(call('stat', { path: join(fx.root, 'dir', 'file.txt') }, fx.context));
  });

  it('write, create and upload are refused, with nothing written outside', async () => {
    for (const name of ['file.txt', 'new.txt']) {
      swapBeforeFirstOpen();
      await expectDenied(call('write', { path: join(fx.root, 'dir', name), content: 'pwned' }, fx.context));
      await rm(join(fx.root, 'dir'));
      await rename(join(fx.root, 'dir-moved'), join(fx.root, 'dir'));
    }
    swapBeforeFirstOpen();
    const upload = memoryStream([Buffer.from('pwned')]);
    const params = { directory: join(fx.root, 'dir'), name: 'file.txt', overwrite: true };
    await expectDenied(openStream('upload', params, upload.stream, fx.context));
    await outsideIsUntouched();
  });

  it('a write two levels below the swapped directory is refused by the handle check', async () => {
    // root/dir/b/new.txt: the parent root/dir/b is opened by name through the swapped root/dir.
    swapBeforeFirstOpen();
    await expectDenied(call('write', { path: join(fx.root, 'dir', 'b', 'new.txt'), content: 'pwned' }, fx.context));
    await outsideIsUntouched();
  });

  it('mkdir, delete, rename, chmod and chown are refused', async () => {
    const attempts = [
      () => call('mkdir', { path: join(fx.root, 'dir', 'made') }, fx.context),
      () => call('delete', { path: join(fx.root, 'dir', 'victim') }, fx.context),
      () => call('delete', { path: join(fx.root, 'dir', 'b'), recursive: true }, fx.context),
      () => call('rename', { from: join(fx.root, 'dir', 'victim'), to: join(fx.root, 'stolen') }, fx.context),
      () => call('chmod', { path: join(fx.root, 'dir', 'file.txt'), mode: 0o666 }, fx.context),
      () => call('chown', { path: join(fx.root, 'dir', 'file.txt'), user: '1' }, fx.context),
    ];
    for (const attempt of attempts) {
      swapBeforeFirstOpen();
      await expectDenied(attempt());
      await rm(join(fx.root, 'dir'));
      await rename(join(fx.root, 'dir-moved'), join(fx.root, 'dir'));
    }
    await outsideIsUntouched();
    expect(await readdir(fx.root)).toEqual(['dir']);
  });

  it('a recursive delete whose subdirectory is swapped mid-walk does not follow it out', async () => {
    await mkdir(join(fx.root, 'tree', 'sub'), { recursive: true });
    await writeFile(join(fx.root, 'tree', 'sub', 'file.txt'), 'inside');
    heldTestHooks.beforeOpen = async (path) => {
      // The walk reaches tree/sub: swap it now, after its parent was listed and before it is opened.
      if (!path.endsWith('/sub')) return;
      heldTestHooks.beforeOpen = undefined;
      await rename(join(fx.root, 'tree', 'sub'), join(fx.root, 'sub-moved'));
      await symlink(fx.outside, join(fx.root, 'tree', 'sub'));
    };
    await expectDenied(call('delete', { path: join(fx.root, 'tree'), recursive: true }, fx.context));
    await outsideIsUntouched();
  });

  it('the same operations still work when nothing is swapped', async () => {
    expect(await call('read', { path: join(fx.root, 'dir', 'file.txt') }, fx.context)).toMatchObject({ content: 'inside' });
    await call('write', { path: join(fx.root, 'dir', 'b', 'new.txt'), content: 'fine' }, fx.context);
    await call('rename', { from: join(fx.root, 'dir', 'b', 'new.txt'), to: join(fx.root, 'dir', 'moved.txt') }, fx.context);
    await call('chmod', { path: join(fx.root, 'dir', 'moved.txt'), mode: 0o640 }, fx.context);
    expect((await stat(join(fx.root, 'dir', 'moved.txt'))).mode & 0o7777).toBe(0o640);
    await call('delete', { path: join(fx.root, 'dir'), recursive: true }, fx.context);
    expect(await readdir(fx.root)).toEqual([]);
    await outsideIsUntouched();
  });

  it('with / as the root there is nothing to escape to, and the plain path is used', async () => {
    const whole = contextFor(['/']);
    expect(await call('read', { path: join(fx.root, 'dir', 'file.txt') }, whole)).toMatchObject({ content: 'inside' });
  });
});

describe('racing the swap for real', () => {
  it('2,000 reads while another loop swaps the directory leak nothing', async () => {
    const dir = join(fx.root, 'dir');
    const moved = join(fx.root, 'dir-moved');
    let running = true;
    let swaps = 0;
    const swapper = (async () => {
      while (running) {
        await rename(dir, moved);
        await symlink(fx.outside, dir);
        await new Promise((resolve) => setImmediate(resolve));
        await rm(dir);
        await rename(moved, dir);
        swaps++;
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    let leaks = 0;
    try {
      for (let i = 0; i < 2000; i++) {
        const result = await call('read', { path: join(dir, 'file.txt') }, fx.context).catch((err: unknown) => {
          // Refusals and "not found" (caught mid-rename) are fine; only outside bytes are a leak.
          if (JSON.stringify(err).includes(secret)) leaks++;
          return undefined;
        });
        if (result?.content === secret) leaks++;
      }
    } finally {
      running = false;
      await swapper;
    }
    expect(leaks).toBe(0);
    // The swapper always finishes the cycle it started, so at least one swap happened. How many reads landed
    // mid-swap depends on the scheduler, so beyond "no leaks" only a read after the race is asserted.
    expect(swaps).toBeGreaterThan(0);
    expect(await call('read', { path: join(dir, 'file.txt') }, fx.context)).toMatchObject({ content: 'inside' });
    await outsideIsUntouched();
  }, 20_000);
});
