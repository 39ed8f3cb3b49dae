// The loopback sshd the SSH tests log into: a real OpenSSH, reached with the real ssh client.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sshBanner, startSshd, type TestSshd } from './sshd.js';

const run = promisify(execFile);
const haveOpenSsh = existsSync('/usr/sbin/sshd') && existsSync('/usr/bin/ssh');

function ssh(sshd: TestSshd, command: string, keyPath = sshd.clientKeyPath) {
  return run('ssh', [
    ...['-p', String(sshd.port), '-i', keyPath, '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', '-o', 'LogLevel=ERROR'],
    ...['-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null'],
    `${sshd.username}@127.0.0.1`,
    command,
  ]);
}

describe.skipIf(!haveOpenSsh)('test sshd (needs openssh-server and openssh-client: npm test installs them as root)', () => {
  let sshd: TestSshd;

  beforeAll(async () => {
    sshd = await startSshd();
  });

  afterAll(async () => {
    await sshd?.stop();
  });

  it('answers with an OpenSSH banner and runs a command for the client key', async () => {
    expect(await sshBanner(sshd.port)).toMatch(/^SSH-2\.0-OpenSSH_/);
    const { stdout } = await ssh(sshd, 'echo hi');
    expect(stdout).toBe('hi\n');
    expect(sshd.clientPrivateKey).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----/);
    expect(sshd.hostKeyFingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it('shows the fingerprint it promises, and a new one after replaceHostKey', async () => {
    // ssh-keyscan sees what a client sees; ssh-keygen -lf turns it into the same SHA256 form.
    const seen = async () => {
      const { stdout } = await run('sh', ['-c', `ssh-keyscan -t ed25519 -p ${sshd.port} 127.0.0.1 2>/dev/null | ssh-keygen -lf -`]);
      return stdout.split(/\s+/)[1];
    };
    const before = sshd.hostKeyFingerprint;
    expect(await seen()).toBe(before);
    const after = await sshd.replaceHostKey();
    expect(after).not.toBe(before);
    expect(sshd.hostKeyFingerprint).toBe(after);
    expect(await seen()).toBe(after);
    expect((await ssh(sshd, 'echo again')).stdout).toBe('again\n');
  });

  it('lets in a key only once it is authorized', async () => {
    const other = await startSshd();
    try {
      // `other`'s client key is unknown to `sshd` until authorized.
      const viaOther = () => ssh(sshd, 'echo in', other.clientKeyPath);
      await expect(viaOther()).rejects.toThrow(/Permission denied/);
      await sshd.authorize(other.clientPublicKey);
      expect((await viaOther()).stdout).toBe('in\n');
    } finally {
      await other.stop();
    }
  });

  it('stop() ends sshd and removes its folder', async () => {
    const extra = await startSshd();
    await extra.stop();
    expect(existsSync(extra.dir)).toBe(false);
    await expect(sshBanner(extra.port)).rejects.toThrow();
  });
});
