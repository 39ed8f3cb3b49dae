import { describe, expect, it } from 'vitest';
import { operationCommand } from './agent.js';
import { allLockPids, lockHolders, parseDpkgList, parseRpmList, parseSearch, parseSimulatedUpgrades, parseStanza } from './parse.js';

describe('dpkg-query output', () => {
  it('keeps installed packages with size in bytes and leaves out removed ones', () => {
    const out = [
      'bash\t5.2.15-2+b8\tamd64\t7164\tii \tGNU Bourne Again SHell',
      'gone\t1.0\tall\t12\trc \tremoved, config files left',
      'half\t2.0\tall\t\tiF \tinterrupted while configuring',
      'nginx\t1.22.1-9\tamd64\t1234\thi \tsmall, powerful\tweb server',
      '',
    ].join('\n');
    expect(parseDpkgList(out)).toEqual([
      { name: 'bash', version: '5.2.15-2+b8', architecture: 'amd64', sizeBytes: 7164 * 1024, summary: 'GNU Bourne Again SHell', status: 'ii' },
      { name: 'half', version: '2.0', architecture: 'all', sizeBytes: 0, summary: 'interrupted while configuring', status: 'iF' },
      { name: 'nginx', version: '1.22.1-9', architecture: 'amd64', sizeBytes: 1234 * 1024, summary: 'small, powerful\tweb server', status: 'hi' },
    ]);
  });
});

describe('rpm -qa output (recorded on Fedora; rpm cannot run here)', () => {
  it('parses name, epoch:version-release, arch, size and summary', () => {
    const recorded = [
      'bash\t0:5.2.26-3.fc40\tx86_64\t8245911\tThe GNU Bourne Again shell',
      'openssl-libs\t1:3.2.2-3.fc40\tx86_64\t7779466\tA general purpose cryptography library with TLS implementation',
      'gpg-pubkey\t0:a15b79cc-63d04c2c\t(none)\t0\tFedora (40) <fedora-40-primary@fedoraproject.org> public key',
      '',
    ].join('\n');
    expect(parseRpmList(recorded)).toEqual([
      { name: 'bash', version: '5.2.26-3.fc40', architecture: 'x86_64', sizeBytes: 8245911, summary: 'The GNU Bourne Again shell', status: 'installed' },
      {
        name: 'openssl-libs',
        version: '1:3.2.2-3.fc40',
        architecture: 'x86_64',
        sizeBytes: 7779466,
        summary: 'A general purpose cryptography library with TLS implementation',
        status: 'installed',
      },
      { name: 'gpg-pubkey', version: 'a15b79cc-63d04c2c', architecture: '', sizeBytes: 0, summary: 'Fedora (40) <fedora-40-primary@fedoraproject.org> public key', status: 'installed' },
    ]);
  });

  it('builds dnf commands with -- before names', () => {
    expect(operationCommand('dnf', 'install', ['nginx'])).toEqual({ program: 'dnf', args: ['-y', 'install', '--', 'nginx'] });
    expect(operationCommand('yum', 'upgrade')).toEqual({ program: 'yum', args: ['-y', 'upgrade'] });
  });
});

describe('apt output', () => {
  it('reads upgrades from a simulated dist-upgrade and marks security ones (recorded on Debian 12)', () => {
    const recorded = [
      'Reading package lists...',
      'Inst base-files [12.4+deb12u11] (12.4+deb12u15 Debian:12.15/oldstable [amd64])',
      'Inst libgcrypt20 [1.10.1-3] (1.10.1-3+deb12u1 Debian:12.15/oldstable, Debian-Security:12/oldstable-security [amd64])',
      'Inst liblzma-dev [5.4.1-1] (5.4.1-1+deb12u2 Debian-Security:12/oldstable-security [amd64]) []',
      'Inst newdep (1.0 Debian:12.15/oldstable [amd64])',
      'Inst gatehouse-test-pkg [1.0] (1.1 Gatehouse:bookworm-security [all])',
      'Conf base-files (12.4+deb12u15 Debian:12.15/oldstable [amd64])',
    ].join('\n');
    const upgrades = parseSimulatedUpgrades(recorded);
    expect(upgrades.map((u) => [u.name, u.current, u.available, u.architecture, u.security])).toEqual([
      ['base-files', '12.4+deb12u11', '12.4+deb12u15', 'amd64', false],
      ['libgcrypt20', '1.10.1-3', '1.10.1-3+deb12u1', 'amd64', true],
      ['liblzma-dev', '5.4.1-1', '5.4.1-1+deb12u2', 'amd64', true],
      ['gatehouse-test-pkg', '1.0', '1.1', 'all', true],
    ]);
    expect(upgrades[1]?.origin).toBe('Debian:12.15/oldstable, Debian-Security:12/oldstable-security');
  });

  it('reads search results and deb822 stanzas', () => {
    expect(parseSearch('hello - example package based on GNU hello\nhello-traditional - example - not using helpers\n')).toEqual([
      { name: 'hello', summary: 'example package based on GNU hello' },
      { name: 'hello-traditional', summary: 'example - not using helpers' },
    ]);
    const stanza = parseStanza('Package: hello\nVersion: 2.10-3\nDescription: example package\n It prints.\n .\n More.\n__proto__: x\n\nPackage: other\n');
    expect(stanza).toEqual({ Package: 'hello', Version: '2.10-3', Description: 'example package\nIt prints.\n\nMore.' });
  });

  it('puts -- before every name and never a shell word', () => {
    expect(operationCommand('apt', 'install', ['nginx', 'g++']).args.slice(-4)).toEqual(['install', '--', 'nginx', 'g++']);
    expect(operationCommand('apt', 'remove', ['nginx'], true).args.slice(-3)).toEqual(['purge', '--', 'nginx']);
    expect(operationCommand('apt', 'upgrade', ['nginx']).args.slice(-4)).toEqual(['install', '--only-upgrade', '--', 'nginx']);
    expect(operationCommand('apt', 'upgrade').args.at(-1)).toBe('dist-upgrade');
    expect(operationCommand('apt', 'install', ['x']).args).toContain('Dpkg::Use-Pty=0');
  });
});

describe('/proc/locks', () => {
  const recorded = [
    '1: FLOCK  ADVISORY  WRITE 4242 00:2e:1311 0 EOF',
    '1: -> FLOCK  ADVISORY  WRITE 5151 00:2e:1311 0 EOF',
    '2: POSIX  ADVISORY  WRITE 777 08:01:99 0 EOF',
    '3: OFDLCK ADVISORY  READ  -1 08:01:12 0 EOF',
    '',
  ].join('\n');

  it('finds the holder of an inode, not the waiter', () => {
    expect(lockHolders(recorded, 1311)).toEqual([4242]);
    expect(lockHolders(recorded, 99)).toEqual([777]);
    expect(lockHolders(recorded, 5)).toEqual([]);
    expect(allLockPids(recorded)).toEqual([4242, 777]);
  });
});
