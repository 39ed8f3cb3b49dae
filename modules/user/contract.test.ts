import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { contract as groupContract } from '../group/contract.js';
import { contract } from './contract.js';
import { accountNamePattern } from './names.js';
import { hostileNames } from './test-support.js';


function problems(module: typeof contract | typeof groupContract, method: string, params: unknown): string[] {
  const spec = (module.methods as Record<string, { params: { safeParse(v: unknown): { success: boolean; error?: { issues: { path: PropertyKey[] }[] } } } }>)[method];
  if (!spec) throw new Error(`no method ${method}`);
  const parsed = spec.params.safeParse(params);
  return parsed.success ? [] : (parsed.error?.issues ?? []).map((issue) => issue.path.join('.'));
}

describe('user and group contracts refuse hostile names before any program runs', () => {
  const userMethodsByName: [string, (bad: string) => unknown][] = [
    ['create', (bad) => ({ name: bad })],
    ['modify', (bad) => ({ name: bad, shell: '/bin/bash' })],
    ['lock', (bad) => ({ name: bad })],
    ['unlock', (bad) => ({ name: bad })],
    ['expire', (bad) => ({ name: bad, accountExpiresOn: 'now' })],
    ['setPassword', (bad) => ({ name: bad, password: 'secret' })],
    ['delete', (bad) => ({ name: bad })],
    ['keys', (bad) => ({ name: bad })],
    ['addKey', (bad) => ({ name: bad, key: 'ssh-ed25519 AAAA' })],
    ['removeKey', (bad) => ({ name: bad, fingerprint: `SHA256:${'A'.repeat(43)}` })],
  ];
  for (const [method, make] of userMethodsByName) {
    it(`user.${method} names the field "name" for every hostile name`, () => {
      for (const bad of hostileNames) expect(problems(contract, method, make(bad)), JSON.stringify(bad)).toContain('name');
    });
  }

  it('user.create and modify refuse hostile groups, shells, homes and comments', () => {
    for (const bad of hostileNames) {
      expect(problems(contract, 'create', { name: 'alice', groups: [bad] })).toContain('groups.0');
      expect(problems(contract, 'create', { name: 'alice', primaryGroup: bad })).toContain('primaryGroup');
      expect(problems(contract, 'modify', { name: 'alice', groups: ['users', bad] })).toContain('groups.1');
    }
    for (const bad of ['bash', '-c', '/bin/sh;reboot', '/bin/$(id)', '/../bin/sh', '/bin/./sh', '/bin//sh', '/bin/sh\n', '/'.concat('x'.repeat(300))]) {
      expect(problems(contract, 'create', { name: 'alice', shell: bad }), bad).toContain('shell');
      expect(problems(contract, 'modify', { name: 'alice', home: bad }), bad).toContain('home');
    }
    for (const bad of ['a:b', 'line\nbreak', 'tab\there', 'x'.repeat(300), 'bidi\u202eevil']) {
      expect(problems(contract, 'modify', { name: 'alice', comment: bad }), bad).toContain('comment');
    }
    expect(problems(contract, 'modify', { name: 'alice', comment: 'José Müller, room 4' })).toEqual([]);
  });

  it('user.setPassword refuses line breaks and NUL, which would smuggle a second chpasswd line', () => {
    expect(problems(contract, 'setPassword', { name: 'alice', password: 'x\nroot:owned' })).toContain('password');
    expect(problems(contract, 'setPassword', { name: 'alice', password: 'x\0' })).toContain('password');
    expect(problems(contract, 'setPassword', { name: 'alice', password: '' })).toContain('password');
    expect(problems(contract, 'setPassword', { name: 'alice', password: 'pä:ss word$(id)' })).toEqual([]);
  });

  it('user.expire takes a real date, "now" or null', () => {
    expect(problems(contract, 'expire', { name: 'alice', accountExpiresOn: '2030-02-30' })).toContain('accountExpiresOn');
    expect(problems(contract, 'expire', { name: 'alice', accountExpiresOn: '-1' })).toContain('accountExpiresOn');
    expect(problems(contract, 'expire', { name: 'alice', accountExpiresOn: '2030-02-28' })).toEqual([]);
    expect(problems(contract, 'expire', { name: 'alice', accountExpiresOn: null })).toEqual([]);
  });

  it('user.addKey refuses keys spanning lines or non-ASCII, and unknown fields anywhere', () => {
    expect(problems(contract, 'addKey', { name: 'alice', key: 'ssh-ed25519 AAAA x\nssh-rsa BBBB' })).toContain('key');
    expect(problems(contract, 'addKey', { name: 'alice', key: 'ssh-ed25519 AAAA jösé' })).toContain('key');
    expect(problems(contract, 'addKey', { name: 'alice', key: '\n' })).toContain('key');
    // A .pub file as read from disk ends with a line break.
    expect(problems(contract, 'addKey', { name: 'alice', key: 'ssh-ed25519 AAAA x\n' })).toEqual([]);
    expect(problems(contract, 'lock', { name: 'alice', extra: 1 })).not.toEqual([]);
  });

  it('group methods name the field for every hostile name', () => {
    for (const bad of hostileNames) {
      expect(problems(groupContract, 'create', { name: bad })).toContain('name');
      expect(problems(groupContract, 'rename', { name: 'staff', newName: bad })).toContain('newName');
      expect(problems(groupContract, 'rename', { name: bad, newName: 'staff' })).toContain('name');
      expect(problems(groupContract, 'setMembers', { name: 'staff', members: ['alice', bad] })).toContain('members.1');
      expect(problems(groupContract, 'delete', { name: bad })).toContain('name');
    }
  });

  it('accepts every name Debian accepts, and nothing that starts with a dash', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (name) => {
        const ok = contract.methods.lock.params.safeParse({ name }).success;
        expect(ok).toBe(accountNamePattern.test(name) && name.length <= 32);
        if (ok) expect(name.startsWith('-')).toBe(false);
      }),
    );
    for (const good of ['alice', '_apt', 'www-data', 'systemd-timesync', 'host01$', 'a'.repeat(32)]) {
      expect(problems(contract, 'lock', { name: good }), good).toEqual([]);
    }
  });

  it('deleting is the dangerous permission; reading is read', () => {
    expect(contract.permissions[contract.methods.delete.permission].risk).toBe('dangerous');
    expect(groupContract.permissions[groupContract.methods.delete.permission].risk).toBe('dangerous');
    expect(contract.permissions[contract.methods.list.permission].risk).toBe('read');
    expect(contract.permissions[contract.methods.setPassword.permission].risk).toBe('change');
  });
});
