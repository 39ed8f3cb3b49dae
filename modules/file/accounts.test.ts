import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { accountsFrom, loadAccounts, ownerIds } from './accounts.js';

let dir: string;
let files: { passwd: string; group: string };

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gatehouse-accounts-'));
  files = { passwd: join(dir, 'passwd'), group: join(dir, 'group') };
  await writeFile(
    files.passwd,
    ['# comment', 'root:x:0:0:root:/root:/bin/bash', 'scada:x:1001:1001::/home/scada:/bin/sh', 'alias:x:1001:1001::/:/bin/false', '+nis', 'broken-line', ''].join('\n'),
  );
  await writeFile(files.group, ['root:x:0:', 'operators:x:2000:scada', ''].join('\n'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('accountsFrom', () => {
  it('maps ids to names (first line wins) and names to ids', async () => {
    const accounts = await accountsFrom(files)();
    expect(accounts.userName(1001)).toBe('scada');
    expect(accounts.userId('alias')).toBe(1001);
    expect(accounts.groupName(2000)).toBe('operators');
    expect(accounts.groupId('operators')).toBe(2000);
    expect(accounts.userId('+nis')).toBeUndefined();
  });

  it('shows unknown ids as numbers, as ls does', async () => {
    const accounts = await accountsFrom(files)();
    expect(accounts.userName(4242)).toBe('4242');
    expect(accounts.groupName(4242)).toBe('4242');
  });

  it('re-reads the files when they change, and only then', async () => {
    const load = accountsFrom(files);
    const first = await load();
    expect(await load()).toBe(first);
    await writeFile(files.passwd, 'newuser:x:3000:3000::/:/bin/sh\n');
    await utimes(files.passwd, new Date(), new Date(Date.now() + 5_000));
    const second = await load();
    expect(second).not.toBe(first);
    expect(second.userName(3000)).toBe('newuser');
  });

  it('copes with missing files by showing numbers', async () => {
    const accounts = await accountsFrom({ passwd: join(dir, 'none'), group: join(dir, 'none') })();
    expect(accounts.userName(0)).toBe('0');
  });

  it('reads the host’s real files', async () => {
    expect((await loadAccounts()).userName(0)).toBe('root');
  });
});

describe('ownerIds', () => {
  it('resolves names and numbers; -1 leaves one unchanged', async () => {
    const accounts = await accountsFrom(files)();
    expect(ownerIds(accounts, 'scada', undefined)).toEqual({ uid: 1001, gid: -1 });
    expect(ownerIds(accounts, undefined, 'operators')).toEqual({ uid: -1, gid: 2000 });
    expect(ownerIds(accounts, '77', '88')).toEqual({ uid: 77, gid: 88 });
  });

  it('refuses unknown names and the id that means "unchanged"', async () => {
    const accounts = await accountsFrom(files)();
    expect(() => ownerIds(accounts, 'nobody-here', undefined)).toThrow(expect.objectContaining({ code: 'not-found' }));
    expect(() => ownerIds(accounts, undefined, 'nogroup-here')).toThrow(expect.objectContaining({ code: 'not-found' }));
    expect(() => ownerIds(accounts, '4294967295', undefined)).toThrow(expect.objectContaining({ code: 'invalid-params' }));
  });
});
