/**
 * The package-file check against real files, symlinks, a directory and a device on this machine, and dnf's
 * pid lock files against a real live process. Installing is tested inside Debian containers
 * (test/integration/package.test.ts and package-rpm.test.ts).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { contract } from './contract.js';
import { checkPackageFile } from './local-file.js';
import { pidFileHolder } from './locks.js';

const dir = mkdtempSync(join(tmpdir(), 'gh-pkgfile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'accepted',
    (err: { code?: string }) => err.code,
  );

describe('a package file to install', () => {
  const deb = join(dir, 'tool_1.0_all.deb');
  const rpm = join(dir, 'tool-1.0-1.noarch.rpm');
  writeFileSync(deb, '!<arch>\n');
  writeFileSync(rpm, 'rpm');
  writeFileSync(join(dir, 'notes.txt'), 'text');
  mkdirSync(join(dir, 'folder.deb'));
  symlinkSync(deb, join(dir, 'link.deb'));
  symlinkSync('/etc/passwd', join(dir, 'passwd.deb'));
  symlinkSync('/dev/zero', join(dir, 'zero.deb'));

  it('accepts a regular file of the manager’s kind and returns its real path', async () => {
    expect(await checkPackageFile(deb, 'apt')).toBe(deb);
    expect(await checkPackageFile(join(dir, 'link.deb'), 'apt')).toBe(deb);
    expect(await checkPackageFile(`${dir}/folder.deb/../tool-1.0-1.noarch.rpm`, 'dnf')).toBe(rpm);
    expect(await checkPackageFile(rpm, 'yum')).toBe(rpm);
  });

  it('refuses everything else with a clear code', async () => {
    expect(await codeOf(checkPackageFile(rpm, 'apt'))).toBe('invalid-params');
    expect(await codeOf(checkPackageFile(deb, 'dnf'))).toBe('invalid-params');
    expect(await codeOf(checkPackageFile(join(dir, 'notes.txt'), 'apt'))).toBe('invalid-params');
    expect(await codeOf(checkPackageFile(join(dir, 'folder.deb'), 'apt'))).toBe('invalid-params');
    expect(await codeOf(checkPackageFile('/dev/zero', 'apt'))).toBe('invalid-params');
    expect(await codeOf(checkPackageFile(join(dir, 'zero.deb'), 'apt'))).toBe('invalid-params');
    expect(await codeOf(checkPackageFile(join(dir, 'passwd.deb'), 'apt'))).toBe('invalid-params');
    expect(await codeOf(checkPackageFile(join(dir, 'missing.deb'), 'apt'))).toBe('not-found');
    expect(await codeOf(checkPackageFile(join(dir, 'notes.txt/x.deb'), 'apt'))).toBe('not-found');
    expect(await codeOf(checkPackageFile('tool_1.0_all.deb', 'apt'))).toBe('invalid-params');
    expect(await codeOf(checkPackageFile('../../etc/passwd', 'apt'))).toBe('invalid-params');
    expect(await codeOf(checkPackageFile(`${deb}\nx.deb`, 'apt'))).toBe('invalid-params');
    expect(await codeOf(checkPackageFile(`${deb}\0`, 'apt'))).toBe('invalid-params');
    expect(await codeOf(checkPackageFile(deb, 'none'))).toBe('not-supported');
    const symlinkMessage = await checkPackageFile(join(dir, 'passwd.deb'), 'apt').catch((err: Error) => err.message);
    expect(symlinkMessage).toContain('it leads to /etc/passwd');
  });

  it('is refused by the contract when relative, multi-line or too long', () => {
    const params = contract.streams.installFile.params;
    expect(params.safeParse({ path: deb }).success).toBe(true);
    for (const path of ['tool.deb', '../../etc/passwd', '/tmp/a\nb.deb', '/tmp/a\0.deb', `/${'x'.repeat(10_000)}.deb`, '', ' /tmp/a.deb']) {
      const parsed = params.safeParse({ path });
      expect(parsed.success, JSON.stringify(path.slice(0, 30))).toBe(false);
      expect(parsed.error?.issues[0]?.path[0]).toBe('path');
    }
    expect(params.safeParse({ path: deb, options: '-o' }).success).toBe(false);
    expect(contract.streams.installFile.permission).toBe('package.install');
  });
});

describe('dnf pid lock files', () => {
  it('names a live process written in a lock file, and ignores a dead or malformed one', async () => {
    const lock = join(dir, 'rpmdb_lock.pid');
    const stale = join(dir, 'metadata_lock.pid');
    writeFileSync(stale, '999999999');
    writeFileSync(join(dir, 'junk.pid'), 'not a pid');
    expect(await pidFileHolder([stale, join(dir, 'junk.pid'), join(dir, 'missing.pid')])).toBeUndefined();
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      writeFileSync(lock, String(child.pid));
      await new Promise((resolve) => child.once('spawn', resolve));
      expect(await pidFileHolder([stale, lock])).toEqual({ path: lock, pid: child.pid, comm: 'sleep' });
    } finally {
      child.kill('SIGTERM');
    }
  });
});
