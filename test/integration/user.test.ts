/**
 * The user and group modules against a real Debian host booted with systemd-nspawn, an agent inside it. Every
 * change is checked inside the container with the system's own tools (getent, passwd -S, chage, ls), and logins
 * are tried for real over the container's sshd: with the password set through Gatehouse, and with the key added.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostileNames } from '../../modules/user/test-support.js';
import { debianHostAvailable, startManagedHost, type ManagedHost } from '../support/managed-host.js';

const available = debianHostAvailable();
const run = promisify(execFile);

/**
 * Try a real SSH login into the container; resolves with `id -un` as the login ran it, rejects when the server
 * refuses or hangs up first. `pty` asks for a terminal, which is when sshd records the login in lastlog.
 */
function sshLogin(port: number, username: string, auth: { password: string } | { privateKey: string }, pty = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    client
      .on('ready', () => {
        client.exec('id -un', { pty }, (err, stream) => {
          if (err) return reject(err);
          let out = '';
          stream.on('data', (d: Buffer) => (out += d.toString())).on('close', () => {
            client.end();
            resolve(out.trim());
          });
        });
      })
      .on('error', reject)
      .on('close', () => reject(new Error('the server closed the connection')))
      .connect({ host: '127.0.0.1', port, username, ...auth, readyTimeout: 10_000, tryKeyboard: false });
  });
}

/** Whether the login works as `name`: anything else (refused, cut off, or a different output) is false. */
async function logsIn(port: number, name: string, auth: { password: string } | { privateKey: string }): Promise<boolean> {
  return sshLogin(port, name, auth).then(
    (who) => who === name,
    () => false,
  );
}

describe.skipIf(!available.ok)(`user and group modules on a real Debian host${available.ok ? '' : ` (skipped: ${(available as { why: string }).why})`}`, () => {
  let host: ManagedHost;
  let keyDir: string;
  const inside = async (argv: string[]) => (await host.debian.exec(argv)).stdout.trim();
  const passwdStatus = async (name: string) => (await inside(['passwd', '-S', name])).split(/\s+/)[1];

  beforeAll(async () => {
    // Removing and deleting need a second person by default (config `approvals`); test/integration/approvals.test.ts
    // covers that. Here the module itself is under test.
    host = await startManagedHost({ consoleConfig: { approvals: { rules: [] } } });
    keyDir = await mkdtemp(join(tmpdir(), 'gh-user-keys-'));
  }, 180_000);

  afterAll(async () => {
    await host?.stop();
    if (keyDir) await rm(keyDir, { recursive: true, force: true });
  }, 60_000);

  it('lists users with uid, home, shell, groups, lock state and ages; groups with members', async () => {
    const { users } = await host.result('user', 'list');
    const root = users.find((u: any) => u.name === 'root');
    expect(root).toMatchObject({ name: 'root', uid: 0, gid: 0, home: '/root', shell: '/bin/bash', group: 'root', system: true, locked: false, password: 'usable' });
    expect(users.find((u: any) => u.name === 'nobody')).toMatchObject({ system: true, shell: '/usr/sbin/nologin' });
    const { groups } = await host.result('group', 'list');
    expect(groups.find((g: any) => g.name === 'root')).toMatchObject({ gid: 0, primaryOf: ['root'] });
    const { shells } = await host.result('user', 'shells');
    expect(shells).toEqual(expect.arrayContaining(['/bin/bash', '/usr/sbin/nologin']));
  });

  it('creates a user with home, comment, shell and groups, as getent and ls see it', async () => {
    await host.result('group', 'create', { name: 'operators' });
    const { user } = await host.result('user', 'create', { name: 'alice', comment: 'Alice Operator', shell: '/bin/bash', groups: ['operators'] });
    expect(user).toMatchObject({ name: 'alice', home: '/home/alice', shell: '/bin/bash', group: 'alice', groups: ['operators'], locked: true, password: 'locked' });
    expect(await inside(['getent', 'passwd', 'alice'])).toMatch(/^alice:x:\d+:\d+:Alice Operator:\/home\/alice:\/bin\/bash$/);
    expect(await inside(['id', '-nG', 'alice'])).toBe('alice operators');
    expect(await inside(['stat', '-c', '%U %F', '/home/alice'])).toBe('alice directory');
    const again = await host.call('user', 'create', { name: 'alice' });
    expect([again.status, again.body.error.code]).toEqual([409, 'exists']);
    // A new account has no password yet: nothing to unlock, and the answer says what to do.
    const unlockNew = await host.call('user', 'unlock', { name: 'alice' });
    expect([unlockNew.status, unlockNew.body.error.code]).toEqual([409, 'conflict']);
    expect(unlockNew.body.error.message).toMatch(/set a password/);
    const noGroup = await host.call('user', 'create', { name: 'bob', groups: ['no-such-group'] });
    expect([noGroup.status, noGroup.body.error.code]).toEqual([404, 'not-found']);
    expect(noGroup.body.error.message).toContain('groups');
    expect((await host.debian.exec(['getent', 'passwd', 'bob'])).code).not.toBe(0);
  });

  it('sets a password through chpasswd: passwd -S says P, a real SSH login works, and the password is nowhere in the audit', async () => {
    const password = 'Correct-Horse-7!';
    const before = await inside(['getent', 'shadow', 'alice']);
    const { user } = await host.result('user', 'setPassword', { name: 'alice', password });
    expect(user).toMatchObject({ locked: false, password: 'usable' });
    expect(user.passwordChangedAt).toMatch(/^\d{4}-/);
    expect(await inside(['getent', 'shadow', 'alice'])).not.toBe(before);
    expect(await passwdStatus('alice')).toBe('P');
    expect(await sshLogin(host.debian.sshPort, 'alice', { password }, true)).toBe('alice');
    expect(await logsIn(host.debian.sshPort, 'alice', { password: 'wrong-password' })).toBe(false);
    // That login had a terminal, so sshd wrote it to lastlog, where the list reads it.
    const { users } = await host.result('user', 'list');
    expect(users.find((u: any) => u.name === 'alice').lastLogin).toMatchObject({ from: '127.0.0.1', terminal: expect.stringMatching(/^pts\//) });
    const audit = await host.api.get('/api/audit?limit=200');
    expect(JSON.stringify(audit.body)).not.toContain(password);
    expect(JSON.stringify(audit.body)).toContain('user.setPassword');
  }, 90_000);

  it('locks and unlocks: passwd -S says L, and the password stops working', async () => {
    const locked = await host.result('user', 'lock', { name: 'alice' });
    expect(locked.user.locked).toBe(true);
    expect(await passwdStatus('alice')).toBe('L');
    expect(await logsIn(host.debian.sshPort, 'alice', { password: 'Correct-Horse-7!' })).toBe(false);
    const unlocked = await host.result('user', 'unlock', { name: 'alice' });
    expect(unlocked.user.locked).toBe(false);
    expect(await passwdStatus('alice')).toBe('P');
  }, 90_000);

  it('modifies shell, comment, supplementary groups and moves the home', async () => {
    await host.result('group', 'create', { name: 'auditors' });
    const { user } = await host.result('user', 'modify', {
      name: 'alice',
      comment: 'Alice, night shift',
      shell: '/usr/sbin/nologin',
      groups: ['auditors'],
      home: '/srv/alice',
      moveHome: true,
    });
    expect(user).toMatchObject({ comment: 'Alice, night shift', shell: '/usr/sbin/nologin', groups: ['auditors'], home: '/srv/alice' });
    expect(await inside(['getent', 'passwd', 'alice'])).toMatch(/:Alice, night shift:\/srv\/alice:\/usr\/sbin\/nologin$/);
    expect(await inside(['id', '-nG', 'alice'])).toBe('alice auditors');
    expect(await inside(['stat', '-c', '%U', '/srv/alice'])).toBe('alice');
    expect((await host.debian.exec(['test', '-e', '/home/alice'])).code).not.toBe(0);
    const badShell = await host.call('user', 'modify', { name: 'alice', shell: '/usr/bin/python3' });
    expect([badShell.status, badShell.body.error.code]).toEqual([400, 'invalid-params']);
    expect(badShell.body.error.message).toMatch(/^shell: /);
    await host.result('user', 'modify', { name: 'alice', shell: '/bin/bash', home: '/home/alice', moveHome: true });
  });

  it('expires the account and forces a password change, as chage -l shows', async () => {
    const dated = await host.result('user', 'expire', { name: 'alice', accountExpiresOn: '2031-01-15' });
    expect(dated.user.accountExpiresAt).toBe('2031-01-15T00:00:00.000Z');
    expect(await inside(['chage', '-l', 'alice'])).toMatch(/Account expires\s*:\s*Jan 15, 2031/);
    const now = await host.result('user', 'expire', { name: 'alice', accountExpiresOn: 'now', forcePasswordChange: true });
    expect(now.user).toMatchObject({ accountExpired: true, mustChangePassword: true });
    expect(await inside(['chage', '-l', 'alice'])).toMatch(/Last password change\s*:\s*password must be changed/);
    expect(await logsIn(host.debian.sshPort, 'alice', { password: 'Correct-Horse-7!' })).toBe(false);
    const never = await host.result('user', 'expire', { name: 'alice', accountExpiresOn: null });
    expect(never.user).toMatchObject({ accountExpiresAt: null, accountExpired: false });
    expect(await inside(['chage', '-l', 'alice'])).toMatch(/Account expires\s*:\s*never/);
  }, 90_000);

  it('adds an ed25519 key that then logs in, lists it with the fingerprint ssh-keygen prints, refuses bad ones, removes it', async () => {
    await host.result('user', 'setPassword', { name: 'alice', password: 'Another-Long-1' });
    const keyFile = join(keyDir, 'id');
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'ops@example', '-f', keyFile]);
    const publicLine = (await readFile(`${keyFile}.pub`, 'utf8')).trim();
    const expected = (await run('ssh-keygen', ['-lf', `${keyFile}.pub`])).stdout.split(' ')[1];

    // As read from the .pub file, with its final line break.
    const { key } = await host.result('user', 'addKey', { name: 'alice', key: `${publicLine}\n` });
    expect(key).toMatchObject({ type: 'ssh-ed25519', fingerprint: expected, comment: 'ops@example', bits: 256 });
    expect(await inside(['stat', '-c', '%a %U', '/home/alice/.ssh', '/home/alice/.ssh/authorized_keys'])).toBe('700 alice\n600 alice');
    expect(await logsIn(host.debian.sshPort, 'alice', { privateKey: await readFile(keyFile, 'utf8') })).toBe(true);

    const listed = await host.result('user', 'keys', { name: 'alice' });
    expect(listed.path).toBe('/home/alice/.ssh/authorized_keys');
    expect(listed.keys.map((k: any) => k.fingerprint)).toEqual([expected]);

    const duplicate = await host.call('user', 'addKey', { name: 'alice', key: publicLine });
    expect([duplicate.status, duplicate.body.error.code]).toEqual([409, 'exists']);
    for (const bad of ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBad', 'ssh-dss AAAAB3NzaC1kc3M=', `command="reboot" ${publicLine}`, 'not a key', `${publicLine}\nssh-rsa AAAA`]) {
      const refused = await host.call('user', 'addKey', { name: 'alice', key: bad });
      expect([refused.status, refused.body.error.code], bad).toEqual([400, 'invalid-params']);
      expect(refused.body.error.message).toMatch(/^key: /);
    }

    const removed = await host.result('user', 'removeKey', { name: 'alice', fingerprint: expected });
    expect(removed.removed).toBe(1);
    expect((await host.result('user', 'keys', { name: 'alice' })).keys).toEqual([]);
    expect(await logsIn(host.debian.sshPort, 'alice', { privateKey: await readFile(keyFile, 'utf8') })).toBe(false);
  }, 90_000);

  it('refuses to follow a symlink planted at ~/.ssh/authorized_keys', async () => {
    await host.debian.exec(['ln', '-sf', '/etc/shadow', '/home/alice/.ssh/authorized_keys']);
    const shadowBefore = await inside(['sha256sum', '/etc/shadow']);
    const listed = await host.call('user', 'keys', { name: 'alice' });
    expect([listed.status, listed.body.error.code]).toEqual([422, 'permission-denied']);
    const publicLine = (await readFile(join(keyDir, 'id.pub'), 'utf8')).trim();
    const added = await host.call('user', 'addKey', { name: 'alice', key: publicLine });
    expect(added.body.error.code).toBe('permission-denied');
    expect(await inside(['sha256sum', '/etc/shadow'])).toBe(shadowBefore);
    await host.debian.exec(['rm', '/home/alice/.ssh/authorized_keys']);
  });

  it('creates, renames, sets members of and deletes groups', async () => {
    const created = await host.result('group', 'create', { name: 'pumps', gid: 4321 });
    expect(created.group).toMatchObject({ name: 'pumps', gid: 4321, members: [] });
    expect(await inside(['getent', 'group', 'pumps'])).toBe('pumps:x:4321:');
    const members = await host.result('group', 'setMembers', { name: 'pumps', members: ['alice', 'root'] });
    expect(members.group.members).toEqual(['alice', 'root']);
    expect(await inside(['getent', 'group', 'pumps'])).toBe('pumps:x:4321:alice,root');
    const renamed = await host.result('group', 'rename', { name: 'pumps', newName: 'pumps-north' });
    expect(renamed.group).toMatchObject({ name: 'pumps-north', gid: 4321, members: ['alice', 'root'] });
    expect(await inside(['getent', 'group', '4321'])).toBe('pumps-north:x:4321:alice,root');
    const emptied = await host.result('group', 'setMembers', { name: 'pumps-north', members: [] });
    expect(emptied.group.members).toEqual([]);
    const unknownMember = await host.call('group', 'setMembers', { name: 'pumps-north', members: ['ghost'] });
    expect([unknownMember.status, unknownMember.body.error.code]).toEqual([404, 'not-found']);
    const taken = await host.call('group', 'create', { name: 'pumps-north' });
    expect(taken.body.error.code).toBe('exists');
    const primary = await host.call('group', 'delete', { name: 'alice' });
    expect([primary.status, primary.body.error.code]).toEqual([409, 'conflict']);
    expect(primary.body.error.message).toContain('primary group of alice');
    await host.result('group', 'delete', { name: 'pumps-north' });
    expect((await host.debian.exec(['getent', 'group', 'pumps-north'])).code).not.toBe(0);
    const gone = await host.call('group', 'delete', { name: 'pumps-north' });
    expect([gone.status, gone.body.error.code]).toEqual([404, 'not-found']);
  });

  it('refuses hostile names through the real API with invalid-params naming the field, and nothing changes', async () => {
    const passwdBefore = await inside(['sha256sum', '/etc/passwd', '/etc/group', '/etc/shadow']);
    const calls: [string, string, (bad: string) => unknown, string][] = [
      ['user', 'create', (bad) => ({ name: bad }), 'name'],
      ['user', 'delete', (bad) => ({ name: bad, removeHome: true }), 'name'],
      ['user', 'setPassword', (bad) => ({ name: bad, password: 'x' }), 'name'],
      ['user', 'modify', (bad) => ({ name: 'alice', groups: [bad] }), 'groups.0'],
      ['user', 'keys', (bad) => ({ name: bad }), 'name'],
      ['group', 'create', (bad) => ({ name: bad }), 'name'],
      ['group', 'rename', (bad) => ({ name: 'operators', newName: bad }), 'newName'],
      ['group', 'setMembers', (bad) => ({ name: 'operators', members: [bad] }), 'members.0'],
    ];
    for (const [module, method, make, field] of calls) {
      for (const bad of ['-rf', ';reboot', '$(id)', '../etc', 'a\nb', 'x'.repeat(10_000), 'jösé']) {
        const res = await host.call(module, method, make(bad));
        expect([res.status, res.body.error.code], `${module}.${method} ${JSON.stringify(bad.slice(0, 20))}`).toEqual([400, 'invalid-params']);
        expect(res.body.error.message.startsWith(`${field}: `) || res.body.error.message.includes(field), res.body.error.message).toBe(true);
      }
    }
    const pw = await host.call('user', 'setPassword', { name: 'alice', password: 'x\nroot:owned' });
    expect([pw.status, pw.body.error.code]).toEqual([400, 'invalid-params']);
    expect(JSON.stringify(pw.body)).not.toContain('owned');
    expect(await inside(['sha256sum', '/etc/passwd', '/etc/group', '/etc/shadow'])).toBe(passwdBefore);
    expect(hostileNames.length).toBeGreaterThan(10);
  });

  it('refuses to delete root, or a home that is a system directory', async () => {
    const rootDelete = await host.call('user', 'delete', { name: 'root' });
    expect([rootDelete.status, rootDelete.body.error.code]).toEqual([403, 'forbidden']);
    const daemon = await host.call('user', 'delete', { name: 'daemon', removeHome: true });
    expect([daemon.status, daemon.body.error.code]).toEqual([403, 'forbidden']);
    expect(daemon.body.error.message).toMatch(/home/);
    expect(await inside(['getent', 'passwd', 'daemon'])).toMatch(/^daemon:/);
    expect((await host.debian.exec(['test', '-x', '/usr/sbin/useradd'])).code).toBe(0);
  });

  it('deletes a user with the home directory: getent and the folder are gone', async () => {
    const res = await host.result('user', 'delete', { name: 'alice', removeHome: true });
    expect(res).toEqual({ name: 'alice', homeRemoved: true });
    expect((await host.debian.exec(['getent', 'passwd', 'alice'])).code).not.toBe(0);
    expect((await host.debian.exec(['test', '-e', '/home/alice'])).code).not.toBe(0);
    const again = await host.call('user', 'delete', { name: 'alice' });
    expect([again.status, again.body.error.code]).toEqual([404, 'not-found']);
    // Without the home: the folder stays.
    await host.result('user', 'create', { name: 'carol' });
    await host.result('user', 'delete', { name: 'carol' });
    expect((await host.debian.exec(['getent', 'passwd', 'carol'])).code).not.toBe(0);
    expect(await inside(['stat', '-c', '%F', '/home/carol'])).toBe('directory');
  });
});
