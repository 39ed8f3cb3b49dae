/**
 * The read-only parts of the package agent against this machine's own dpkg (nothing is changed), and the lock
 * holder lookup against a real flock on a temporary file. Changes are tested inside a Debian container
 * (test/integration/package.test.ts).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultAgentPolicy } from '../kernel/policy.js';
import { handlers } from './agent.js';
import { lockHolder } from './locks.js';

const context = { policy: defaultAgentPolicy, signal: new AbortController().signal, actor: undefined };
const hasDpkg = existsSync('/usr/bin/dpkg-query') && existsSync('/usr/bin/apt-get');

describe.skipIf(!hasDpkg)('package agent, read-only, on this machine (needs dpkg and apt)', () => {
  it('lists installed packages as dpkg-query does', async () => {
    const list = await handlers.methods.list({}, context);
    expect(list.manager).toBe('apt');
    const dpkg = list.packages.find((p) => p.name === 'dpkg');
    expect(dpkg?.status).toBe('ii');
    expect(dpkg?.sizeBytes).toBeGreaterThan(0);
  });

  it('lists upgrades without taking the lock', async () => {
    const { upgrades } = await handlers.methods.upgrades({}, context);
    for (const u of upgrades) expect(u.available).not.toBe('');
  }, 60_000);
});

describe('lock holder from /proc/locks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gh-lock-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.skipIf(!existsSync('/usr/bin/flock'))('names the pid and command holding a flock on the file', async () => {
    const file = join(dir, 'lock-frontend');
    writeFileSync(file, '');
    expect(await lockHolder([file])).toBeUndefined();
    const child = spawn('flock', [file, 'sleep', '30'], { stdio: 'ignore' });
    try {
      let holder: Awaited<ReturnType<typeof lockHolder>>;
      for (let i = 0; i < 100 && !(holder = await lockHolder([file])); i++) await new Promise((r) => setTimeout(r, 50));
      expect(holder).toEqual({ path: file, pid: child.pid, comm: 'flock' });
    } finally {
      child.kill('SIGTERM');
    }
  });
});
