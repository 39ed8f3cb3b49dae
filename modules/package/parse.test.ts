import { describe, expect, it } from 'vitest';
import { operationCommand } from './operation.js';
import {
  parseCheckUpdate,
  parseDnfInfo,
  parseDnfSearch,
  parseHumanSize,
  parseRpmInfo,
  parseRpmRequires,
  parseSecurityAdvisories,
  rpmVersion,
  splitNameArch,
} from './parse-rpm.js';
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
    expect(operationCommand('dnf', 'refresh')).toEqual({ program: 'dnf', args: ['-y', 'makecache', '--refresh'] });
    expect(operationCommand('dnf', 'installFile', ['/root/x-1.0-1.noarch.rpm'])).toEqual({ program: 'dnf', args: ['-y', 'install', '--', '/root/x-1.0-1.noarch.rpm'] });
    expect(operationCommand('apt', 'installFile', ['/root/x_1.0_all.deb']).args.slice(-3)).toEqual(['install', '--', '/root/x_1.0_all.deb']);
    expect(() => operationCommand('none', 'install', ['x'])).toThrow(/No supported package manager/);
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

// Recorded with Debian 12's dnf 4.14 and rpm 4.18 against a createrepo_c repository of test packages (the same
// programs test/integration/package-rpm.test.ts drives); lines that are not say so.
describe('rpm -qi output', () => {
  const recorded = [
    'Name        : gatehouse-test-extra',
    'Version     : 1.0',
    'Release     : 1',
    'Architecture: noarch',
    'Install Date: Tue Nov 24 07:04:38 2026',
    'Group       : Unspecified',
    'Size        : 25',
    'License     : MIT',
    'Signature   : (none)',
    'Source RPM  : gatehouse-test-extra-1.0-1.src.rpm',
    'Build Date  : Tue Nov 24 06:59:40 2026',
    'Build Host  : vm',
    'URL         : https://example.invalid/gatehouse-test-extra',
    'Summary     : Gatehouse extra test package',
    'Description :',
    "A tiny package for the package module's tests.",
    'Second line of the description.',
    'Name        : gatehouse-test-rpm',
    'Version     : 1.0',
    'Release     : 1',
    '',
  ].join('\n');

  it('reads the first package, its description running to the next one', () => {
    const info = parseRpmInfo(recorded);
    expect(info).toMatchObject({
      Name: 'gatehouse-test-extra',
      Version: '1.0',
      Release: '1',
      Architecture: 'noarch',
      'Install Date': 'Tue Nov 24 07:04:38 2026',
      Size: '25',
      URL: 'https://example.invalid/gatehouse-test-extra',
      Summary: 'Gatehouse extra test package',
      Description: "A tiny package for the package module's tests.\nSecond line of the description.",
    });
    expect(rpmVersion(info)).toBe('1.0-1');
    expect(rpmVersion({ ...info, Epoch: '2' })).toBe('2:1.0-1');
    expect(parseRpmInfo('package nosuch is not installed\n')).toEqual({});
    expect(parseRpmInfo('__proto__ : x\nName : a\n').Name).toBe('a');
  });

  it('reads what a package requires without rpmlib markers', () => {
    const requires = ['/bin/sh', 'libc.so.6()(64bit)', 'rpmlib(CompressedFileNames) <= 3.0.4-1', 'rpmlib(FileDigests) <= 4.6.0-1', '/bin/sh', ''].join('\n');
    expect(parseRpmRequires(requires)).toBe('/bin/sh, libc.so.6()(64bit)');
  });
});

describe('dnf info output', () => {
  const recorded = [
    'Installed Packages',
    'Name         : gatehouse-test-rpm',
    'Version      : 1.0',
    'Release      : 1',
    'Architecture : noarch',
    'Size         : 23  ',
    'Source       : gatehouse-test-rpm-1.0-1.src.rpm',
    'Repository   : @System',
    'From repo    : @commandline',
    'Summary      : Gatehouse test package',
    'License      : MIT',
    "Description  : A tiny package for the package module's tests.",
    '',
    'Available Packages',
    'Name         : gatehouse-test-rpm',
    'Version      : 1.1',
    'Release      : 1',
    'Architecture : noarch',
    'Size         : 6.1 k',
    'Source       : gatehouse-test-rpm-1.1-1.src.rpm',
    'Repository   : gatehouse-test',
    'Summary      : Gatehouse test package',
    'URL          : https://example.invalid/gatehouse-test-rpm',
    'License      : MIT',
    "Description  : A tiny package for the package module's tests.",
    '             : Second line of the description.',
    '',
  ].join('\n');

  it('reads installed and available blocks with continued values', () => {
    const info = parseDnfInfo(recorded);
    expect(info.installed).toHaveLength(1);
    expect(info.installed[0]).toMatchObject({ Name: 'gatehouse-test-rpm', Version: '1.0', Size: '23', 'From repo': '@commandline' });
    expect(info.available).toHaveLength(1);
    expect(info.available[0]).toMatchObject({
      Version: '1.1',
      Repository: 'gatehouse-test',
      URL: 'https://example.invalid/gatehouse-test-rpm',
      Description: "A tiny package for the package module's tests.\nSecond line of the description.",
    });
    expect(rpmVersion(info.available[0]!)).toBe('1.1-1');
  });

  it('reads the "Available Upgrades" heading of dnf info --upgrades, and nothing from an error', () => {
    const upgrades = parseDnfInfo('Available Upgrades\nName         : gatehouse-test-rpm\nEpoch        : 1\nVersion      : 1.1\nRelease      : 1\n\n');
    expect(upgrades.available.map(rpmVersion)).toEqual(['1:1.1-1']);
    expect(parseDnfInfo('Error: No matching Packages to list\n')).toEqual({ installed: [], available: [] });
  });

  it('reads dnf sizes in bytes', () => {
    expect(parseHumanSize('23  ')).toBe(23);
    expect(parseHumanSize('6.1 k')).toBe(6246);
    expect(parseHumanSize('1.5 M')).toBe(1572864);
    expect(parseHumanSize('2 G')).toBe(2 * 1024 ** 3);
    expect(parseHumanSize('lots')).toBeUndefined();
    expect(parseHumanSize(undefined)).toBeUndefined();
  });
});

describe('dnf search output', () => {
  it('reads name.arch : summary lines under their headings, each name once', () => {
    const recorded = [
      '========================= Name Matched: gatehouse-test =========================',
      'gatehouse-test-extra.noarch : Gatehouse extra test package',
      'gatehouse-test-rpm.noarch : Gatehouse test package',
      // Not recorded: written by hand in the shape dnf prints on Fedora (a dotted name, two architectures, a
      // summary wrapped onto the next line), which the test repository cannot produce.
      '=================== Name & Summary Matched: python3.12 =========================',
      'python3.12.x86_64 : Version 3.12 of the Python interpreter',
      'python3.12.i686 : Version 3.12 of the Python interpreter',
      'python3.12-libs.x86_64 : Python runtime libraries',
      'gatehouse-test-long.noarch : A summary long enough that dnf wraps it onto',
      '                           : the next line',
      '',
    ].join('\n');
    expect(parseDnfSearch(recorded)).toEqual([
      { name: 'gatehouse-test-extra', summary: 'Gatehouse extra test package' },
      { name: 'gatehouse-test-rpm', summary: 'Gatehouse test package' },
      { name: 'python3.12', summary: 'Version 3.12 of the Python interpreter' },
      { name: 'python3.12-libs', summary: 'Python runtime libraries' },
      { name: 'gatehouse-test-long', summary: 'A summary long enough that dnf wraps it onto the next line' },
    ]);
    expect(parseDnfSearch('No matches found.\n')).toEqual([]);
    expect(splitNameArch('python3.12-libs.x86_64')).toEqual({ name: 'python3.12-libs', architecture: 'x86_64' });
  });
});

describe('dnf check-update and updateinfo output', () => {
  it('reads updates, joining a long name.arch wrapped onto its own line, and stops at obsoletes', () => {
    const recorded = [
      '',
      'gatehouse-test-rpm.noarch                  1.1-1                  gatehouse-test',
      // The rest written by hand in the shape Fedora's dnf prints: an epoch, a name.arch too long for its
      // column, a security note, obsoletes.
      'openssl-libs.x86_64                1:3.2.2-3.fc40                       updates',
      'texlive-collection-latexrecommended.noarch',
      '                                   11:svn65512-70.fc40                  updates',
      'Security: kernel-core-6.9.4-200.fc40.x86_64 is an installed security update',
      'Obsoleting Packages',
      'grub2-tools-efi.x86_64             1:2.06-121.fc40                      updates',
      '    grub2-tools-efi.x86_64         1:2.06-120.fc40                      @updates',
    ].join('\n');
    expect(parseCheckUpdate(recorded)).toEqual([
      { name: 'gatehouse-test-rpm', architecture: 'noarch', available: '1.1-1', repository: 'gatehouse-test' },
      { name: 'openssl-libs', architecture: 'x86_64', available: '1:3.2.2-3.fc40', repository: 'updates' },
      { name: 'texlive-collection-latexrecommended', architecture: 'noarch', available: '11:svn65512-70.fc40', repository: 'updates' },
    ]);
    expect(parseCheckUpdate('')).toEqual([]);
  });

  it('reads the packages security advisories cover', () => {
    const recorded = [
      'GATEHOUSE-2026-0001 Important/Sec. gatehouse-test-rpm-1.1-1.noarch',
      // Written by hand in the shape of Fedora's advisories: an epoch in the NEVRA, a dotted name.
      'FEDORA-2024-7a2a1bd1a8 Moderate/Sec.  openssl-libs-1:3.2.2-3.fc40.x86_64',
      'FEDORA-2024-5b1e3f9b8f Low/Sec.       python3.12-3.12.4-1.fc40.x86_64',
      '',
    ].join('\n');
    expect([...parseSecurityAdvisories(recorded)]).toEqual(['gatehouse-test-rpm', 'openssl-libs', 'python3.12']);
    expect(parseSecurityAdvisories('').size).toBe(0);
  });
});
