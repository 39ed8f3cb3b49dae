import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initScripts, isoFromShowTimestamp, mergeUnits, ownUnit, parseShowBlocks, problemFromStderr, refusesOwnUnit } from './systemctl.js';

describe('mergeUnits', () => {
  const listed = JSON.stringify([
    { unit: 'ssh.service', load: 'loaded', active: 'active', sub: 'running', description: 'OpenBSD Secure Shell server' },
    { unit: 'getty@tty1.service', load: 'loaded', active: 'active', sub: 'running', description: 'Getty on tty1' },
    { unit: 'auditd.service', load: 'not-found', active: 'inactive', sub: 'dead', description: 'auditd.service' },
    { unit: 'x'.repeat(600), load: 'loaded', active: 'active', sub: 'running', description: 3 },
  ]);
  const files = JSON.stringify([
    { unit_file: 'ssh.service', state: 'enabled', preset: 'enabled' },
    { unit_file: 'getty@.service', state: 'enabled', preset: 'enabled' },
    { unit_file: '/lib/systemd/system/rsync.service', state: 'disabled', preset: 'enabled' },
    { unit_file: 'container-getty@.service', state: 'static', preset: null },
  ]);
  const units = mergeUnits(listed, files);

  it('joins states with enablement, and adds unit files systemd has not loaded', () => {
    expect(units.find((u) => u.name === 'ssh.service')).toEqual({
      name: 'ssh.service',
      load: 'loaded',
      active: 'active',
      sub: 'running',
      enabled: 'enabled',
      description: 'OpenBSD Secure Shell server',
    });
    expect(units.find((u) => u.name === 'rsync.service')).toMatchObject({ load: 'unloaded', active: 'inactive', sub: 'dead', enabled: 'disabled' });
  });

  it('takes an instance’s enablement from its template and leaves templates out', () => {
    expect(units.find((u) => u.name === 'getty@tty1.service')?.enabled).toBe('enabled');
    expect(units.some((u) => u.name.includes('@.'))).toBe(false);
  });

  it('bounds what the host reports and drops a not-installed unit’s echoed name as description', () => {
    expect(units.find((u) => u.name === 'auditd.service')?.description).toBe('');
    const long = units.find((u) => u.name.startsWith('xxx'))!;
    expect(long.name.length).toBe(512);
    expect(long.description).toBe('');
  });
});

describe('systemctl show', () => {
  it('parses one block per unit', () => {
    expect(parseShowBlocks('Id=a.service\nDescription=A = first\n\nId=b.service\nDescription=B\n')).toEqual([
      { Id: 'a.service', Description: 'A = first' },
      { Id: 'b.service', Description: 'B' },
    ]);
  });

  it('reads its timestamps', () => {
    expect(isoFromShowTimestamp('Tue 2026-11-24 04:54:22 UTC')).toBe('2026-11-24T04:54:22.000Z');
    expect(isoFromShowTimestamp('')).toBe('');
    expect(isoFromShowTimestamp('n/a')).toBe('');
  });
});

describe('problems from stderr', () => {
  it.each([
    ['Failed to start nope.service: Unit nope.service not found.', 'not-found'],
    ['Failed to start x.service: Unit x.service is masked.', 'conflict'],
    ['Failed to mask unit: File /etc/systemd/system/x.service already exists.', 'exists'],
    ['Failed to start x.service: Access denied', 'permission-denied'],
    ['System has not been booted with systemd as init system (PID 1). Can\'t operate.', 'not-supported'],
    ['Job for x.service failed because the control process exited with error code.', 'internal-error'],
  ])('%s → %s', (stderr, code) => {
    const problem = problemFromStderr('systemctl', stderr);
    expect(problem.code).toBe(code);
    expect(problem.message).toContain(stderr.slice(0, 30));
  });
});

describe('the agent’s own unit', () => {
  it('is found from the cgroup file and protected from stop, restart, disable and mask', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gh-svc-'));
    try {
      await writeFile(join(dir, 'cgroup'), '0::/system.slice/gatehouse-agent.service\n');
      const own = await ownUnit(join(dir, 'cgroup'));
      expect(own).toBe('gatehouse-agent.service');
      for (const action of ['stop', 'restart', 'disable', 'mask'] as const) expect(refusesOwnUnit(action, 'gatehouse-agent.service', own)).toBe(true);
      for (const action of ['start', 'enable', 'unmask', 'reload'] as const) expect(refusesOwnUnit(action, 'gatehouse-agent.service', own)).toBe(false);
      expect(refusesOwnUnit('stop', 'ssh.service', own)).toBe(false);
      expect(await ownUnit(join(dir, 'missing'))).toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('init scripts on a host without systemd', () => {
  it('lists the scripts, sorted, without README and skeleton', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gh-initd-'));
    try {
      for (const name of ['ssh', 'cron', 'README', 'skeleton', '.hidden']) await writeFile(join(dir, name), '#!/bin/sh\n');
      await mkdir(join(dir, 'subdir'));
      expect(await initScripts(dir)).toEqual(['cron', 'ssh']);
      expect(await initScripts(join(dir, 'absent'))).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
