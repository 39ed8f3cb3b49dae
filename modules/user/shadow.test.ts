import { describe, expect, it } from 'vitest';
import { groupEntries, passwdEntries } from '../kernel/accounts.js';
import { userAccount, type AccountDatabase } from './accounts.js';
import { homeRemovalRefusal } from './agent.js';
import { lastLoginFrom, lastlogRecordBytes, passwdComments, shadowEntries, uidMin } from './shadow.js';
import { scrub } from './tools.js';

const passwd = ['root:x:0:0:root:/root:/bin/bash', 'alice:x:1000:1000:Alice Liddell,,,:/home/alice:/bin/bash', 'svc:x:998:998::/var/lib/svc:/usr/sbin/nologin', ''].join('\n');
const group = ['root:x:0:', 'sudo:x:27:alice', 'alice:x:1000:', 'adm:x:4:svc,alice', ''].join('\n');
const shadow = [
  'root:$y$j9T$abc$def:19000:0:99999:7:::',
  'alice:!$y$j9T$abc$def:19500:0:90:7::20000:',
  'svc:!:19400::::::',
  'nopw::19400:0:99999:7:::',
  'fresh:$y$x:0:0:99999:7:::',
].join('\n');

describe('shadow', () => {
  it('reduces each hash to the state passwd -S shows, and reads the day counts', () => {
    const entries = shadowEntries(shadow);
    expect(entries.get('root')).toMatchObject({ locked: false, password: 'usable', lastChangeDay: 19000, maxDays: 99999 });
    expect(entries.get('alice')).toMatchObject({ locked: true, password: 'locked', maxDays: 90, expireDay: 20000 });
    expect(entries.get('svc')).toMatchObject({ locked: true, password: 'locked', maxDays: undefined, hashSet: false });
    expect(entries.get('alice')?.hashSet).toBe(true);
    expect(entries.get('nopw')).toMatchObject({ locked: false, password: 'none' });
    expect(JSON.stringify([...entries.values()])).not.toContain('$y$');
  });

  it('builds a user with groups, ages and expiry', () => {
    const db: AccountDatabase = {
      users: passwdEntries(passwd),
      groups: groupEntries(group),
      comments: passwdComments(passwd),
      shadow: shadowEntries(shadow),
      uidMin: uidMin('# comment\nUID_MIN\t\t\t 1000\n'),
    };
    const alice = userAccount(db, db.users[1]!, new Map(), Date.parse('2024-09-01T00:00:00Z'));
    expect(alice).toMatchObject({
      name: 'alice',
      group: 'alice',
      groups: ['adm', 'sudo'],
      comment: 'Alice Liddell,,,',
      system: false,
      locked: true,
      passwordMaxDays: 90,
      passwordChangedAt: '2023-05-23T00:00:00.000Z',
      passwordExpiresAt: '2023-08-21T00:00:00.000Z',
      accountExpiresAt: '2024-10-04T00:00:00.000Z',
      accountExpired: false,
      mustChangePassword: false,
    });
    const root = userAccount(db, db.users[0]!, new Map());
    expect(root).toMatchObject({ system: true, passwordMaxDays: null, passwordExpiresAt: null, accountExpiresAt: null });
    expect(userAccount(db, db.users[2]!, new Map())).toMatchObject({ system: true, groups: ['adm'], password: 'locked' });
  });

  it('reads a lastlog record and keeps what a remote peer wrote printable', () => {
    const record = Buffer.alloc(lastlogRecordBytes);
    expect(lastLoginFrom(record)).toBeNull();
    record.writeUInt32LE(1_700_000_000, 0);
    record.write('pts/0', 4, 'latin1');
    record.write('10.0.0.5\x1b[31m', 36, 'latin1');
    expect(lastLoginFrom(record)).toEqual({ at: '2023-11-14T22:13:20.000Z', terminal: 'pts/0', from: '10.0.0.5?[31m' });
  });
});

describe('deleting a home', () => {
  it('refuses homes that are system trees, too shallow, or shared', () => {
    expect(homeRemovalRefusal('/home/alice', ['/root', '/home/bob'])).toBeUndefined();
    expect(homeRemovalRefusal('/', [])).toMatch(/too close/);
    expect(homeRemovalRefusal('/home', [])).toMatch(/too close/);
    expect(homeRemovalRefusal('/usr/sbin', [])).toMatch(/system directory/);
    expect(homeRemovalRefusal('/etc/x', [])).toMatch(/system directory/);
    expect(homeRemovalRefusal('/srv/app', ['/srv/app'])).toMatch(/same directory/);
    expect(homeRemovalRefusal('/srv/app', ['/srv/app/worker'])).toMatch(/inside it/);
  });
});

describe('tool output', () => {
  it('never carries the password, nor control characters', () => {
    expect(scrub('chpasswd: line 1: bad hunter2 \x1b[2J', ['hunter2'])).toBe('chpasswd: line 1: bad *** [2J');
  });
});
