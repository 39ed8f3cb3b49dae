/**
 * Hostile names never reach systemctl or journalctl: every method's and the stream's params refuse them with
 * an error naming the field, before the agent runs anything.
 */
import { describe, expect, it } from 'vitest';
import { contract, unitActions, unitName } from './contract.js';

const hostile = [
  '-rf',
  '--help.service',
  '-x.service',
  ';reboot',
  'ssh.service;reboot',
  '$(id).service',
  '`id`.service',
  '../../etc/passwd',
  '../ssh.service',
  '/etc/systemd/system/ssh.service',
  'a\nb.service',
  'a b.service',
  'x'.repeat(10_000) + '.service',
  'naïve.service',
  'ssh.service\0',
  'ssh',
  'ssh.exe',
  '.service',
  '',
];

const good = ['ssh.service', 'getty@tty1.service', 'systemd-fsck@dev-disk-by\\x2duuid-1234.service', 'apt-daily.timer', 'home.mount', 'user-1000.slice', 'dbus.socket', 'multi-user.target'];

function firstIssue(schema: { safeParse(v: unknown): { success: boolean; error?: { issues: Array<{ path: PropertyKey[] }> } } }, value: unknown) {
  const parsed = schema.safeParse(value);
  return parsed.success ? undefined : parsed.error!.issues[0]!.path.join('.');
}

describe('unit names', () => {
  it.each(hostile.map((name) => [JSON.stringify(name).slice(0, 40), name]))('refuses %s', (_label, name) => {
    expect(unitName.safeParse(name).success).toBe(false);
  });

  it.each(good)('accepts %s', (name) => {
    expect(unitName.safeParse(name).success).toBe(true);
  });

  it('is checked by every method that names a unit, and by the journal and the follow stream', () => {
    const unitMethods = [...unitActions, 'details', 'unitFile'] as const;
    for (const method of unitMethods) {
      for (const name of hostile) expect(firstIssue(contract.methods[method].params, { unit: name }), `${method} ${name.slice(0, 20)}`).toBe('unit');
    }
    for (const name of hostile) {
      expect(firstIssue(contract.methods.journal.params, { unit: name })).toBe('unit');
      expect(firstIssue(contract.streams.follow.params, { unit: name })).toBe('unit');
    }
  });

  it('refuses unknown keys, odd priorities, times and line counts', () => {
    expect(contract.methods.start.params.safeParse({ unit: 'ssh.service', extra: '--now' }).success).toBe(false);
    expect(firstIssue(contract.methods.journal.params, { priority: 'err;reboot' })).toBe('priority');
    expect(firstIssue(contract.methods.journal.params, { since: 'yesterday' })).toBe('since');
    expect(firstIssue(contract.methods.journal.params, { since: '-1h' })).toBe('since');
    expect(firstIssue(contract.methods.journal.params, { lines: 100_000 })).toBe('lines');
    expect(firstIssue(contract.methods.journal.params, { lines: -1 })).toBe('lines');
    expect(firstIssue(contract.streams.follow.params, { backlog: 5000 })).toBe('backlog');
    expect(firstIssue(contract.methods.list.params, { types: ['service', 'x;y'] })).toBe('types.1');
    expect(contract.methods.journal.params.parse({ since: '2026-11-24T04:00:00Z' })).toMatchObject({ lines: 200 });
  });

  it('declares change risk for every action and read for everything else', () => {
    for (const action of unitActions) expect(contract.permissions[contract.methods[action].permission].risk).toBe('change');
    for (const method of ['list', 'details', 'unitFile', 'journal'] as const) {
      expect(contract.permissions[contract.methods[method].permission].risk).toBe('read');
    }
    expect(contract.permissions[contract.streams.follow.permission].risk).toBe('read');
  });
});
