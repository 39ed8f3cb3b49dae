/**
 * The package module against a real dnf and rpm: the Debian root's `rpm` variant (Debian packages dnf 4.14 and
 * rpm 4.18 with rpmbuild; scripts/debian-root.mjs) booted with systemd-nspawn, an agent inside it, and apt-get
 * and dpkg-query moved aside in that boot so the agent finds dnf, as on Fedora or RHEL. Tiny noarch .rpm
 * packages are built in the test with rpmbuild inside the container and served from a createrepo_c repository
 * there (`baseurl=file:///srv/repo`, with an updateinfo security advisory). Every change is checked with rpm
 * inside the container, not with the agent.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/console.js';
import { debianHostAvailable, startManagedHost, type ManagedHost } from '../support/managed-host.js';
import { readModuleStream } from '../support/module-stream.js';

const available = debianHostAvailable();
const base = 'gatehouse-test-base';
const pkg = 'gatehouse-test-rpm';
const extra = 'gatehouse-test-extra';
const slow = 'gatehouse-test-slow';

function readStream(host: ManagedHost, stream: string, params: unknown, until?: (text: string) => boolean) {
  return readModuleStream(host, 'package', stream, params, { until });
}

describe.skipIf(!available.ok)(`package module on a real dnf/rpm host${available.ok ? '' : ` (skipped: ${available.why})`}`, () => {
  let host: ManagedHost;
  const inside = async (argv: string[]) => (await host.debian.exec(argv)).stdout.trim();
  const installedVersion = async (name: string) => {
    const res = await host.debian.exec(['rpm', '-q', '--queryformat', '%{VERSION}-%{RELEASE}', '--', name]);
    return res.code === 0 ? res.stdout : `not installed (${res.stdout.trim()})`;
  };

  /**
   * Build <name>-<version>-1.noarch.rpm with rpmbuild inside the container into /srv/<folder>: no dependencies,
   * one file /usr/share/gatehouse-test/<file>; `pre` is a %pre scriptlet in rpm's built-in Lua (a shell
   * scriptlet would make the package require /bin/sh, which no rpm package provides on this host).
   */
  async function buildRpm(folder: string, name: string, version: string, file = `${name}.txt`, pre?: string) {
    const specs = join(host.debian.root, 'srv/rpmbuild/SPECS');
    mkdirSync(specs, { recursive: true });
    mkdirSync(join(host.debian.root, 'srv', folder), { recursive: true });
    const spec = [
      `Name: ${name}`,
      `Version: ${version}`,
      'Release: 1',
      `Summary: Gatehouse test package ${version}`,
      'License: MIT',
      `URL: https://example.invalid/${name}`,
      'BuildArch: noarch',
      'AutoReqProv: no',
      '',
      '%description',
      "A tiny package for the package module's tests.",
      '',
      '%install',
      'mkdir -p %{buildroot}/usr/share/gatehouse-test',
      `echo "${name} ${version}" > %{buildroot}/usr/share/gatehouse-test/${file}`,
      '',
      ...(pre ? ['%pre -p <lua>', pre, ''] : []),
      '%files',
      `/usr/share/gatehouse-test/${file}`,
      '',
    ].join('\n');
    writeFileSync(join(specs, `${name}-${version}.spec`), spec);
    const built = await host.debian.exec(['rpmbuild', '-bb', '--quiet', '--define', '_topdir /srv/rpmbuild', `/srv/rpmbuild/SPECS/${name}-${version}.spec`]);
    expect(built.code, built.stderr).toBe(0);
    const moved = await host.debian.exec(['mv', `/srv/rpmbuild/RPMS/noarch/${name}-${version}-1.noarch.rpm`, `/srv/${folder}/`]);
    expect(moved.code, moved.stderr).toBe(0);
    return `/srv/${folder}/${name}-${version}-1.noarch.rpm`;
  }

  /** The repository's metadata, as createrepo_c writes it, with a security advisory for `pkg` 1.1 when asked. */
  async function writeRepo(securityFor?: string) {
    const made = await host.debian.exec(['createrepo_c', '--quiet', '/srv/repo']);
    expect(made.code, made.stderr).toBe(0);
    if (securityFor) {
      writeFileSync(
        join(host.debian.root, 'srv/updateinfo.xml'),
        `<?xml version="1.0" encoding="UTF-8"?>\n<updates>\n <update from="tests@example.invalid" status="stable" type="security" version="1.4">\n` +
          `  <id>GATEHOUSE-2026-0001</id>\n  <title>${securityFor} security update</title>\n  <severity>Important</severity>\n` +
          `  <issued date="2026-01-01 00:00:00"/>\n  <description>A test advisory.</description>\n  <pkglist>\n   <collection short="gatehouse">\n` +
          `    <name>Gatehouse</name>\n    <package name="${securityFor}" version="1.1" release="1" epoch="0" arch="noarch">\n` +
          `     <filename>${securityFor}-1.1-1.noarch.rpm</filename>\n    </package>\n   </collection>\n  </pkglist>\n </update>\n</updates>\n`,
      );
      const added = await host.debian.exec(['modifyrepo_c', '/srv/updateinfo.xml', '/srv/repo/repodata']);
      expect(added.code, added.stderr).toBe(0);
    }
  }

  beforeAll(async () => {
    // The first run on a machine builds the rpm variant of the Debian root (about a minute).
    // Removing and deleting need a second person by default (config `approvals`); test/integration/approvals.test.ts
    // covers that. Here the module itself is under test.
    host = await startManagedHost({ variant: 'rpm', consoleConfig: { approvals: { rules: [] } } });
    // As on an rpm distribution: no apt-get or dpkg-query for the agent to find (dpkg itself stays; nothing runs it).
    for (const program of ['/usr/bin/apt-get', '/usr/bin/dpkg-query']) {
      const hidden = await host.debian.exec(['mv', program, `${program}.hidden-by-test`]);
      expect(hidden.code, hidden.stderr).toBe(0);
    }
    // An rpm package installed before the agent looks, so the list has something rpm -qa also shows.
    const first = await buildRpm('packages', base, '1.0');
    const installed = await host.debian.exec(['dnf', '-y', '-q', 'install', first]);
    expect(installed.code, installed.stderr).toBe(0);
    await buildRpm('packages', pkg, '1.0', 'hello.txt');
    await buildRpm('repo', pkg, '1.1', 'hello.txt');
    await buildRpm('repo', extra, '1.0');
    await writeRepo(pkg);
    writeFileSync(
      join(host.debian.root, 'etc/yum.repos.d/gatehouse-test.repo'),
      '[gatehouse-test]\nname=Gatehouse test repository\nbaseurl=file:///srv/repo\ngpgcheck=0\nenabled=1\n',
    );
  }, 300_000);

  afterAll(async () => {
    await host?.stop();
  }, 60_000);

  it('lists the rpm packages as rpm -qa sees them, with dnf as the manager', async () => {
    const list = await host.result('package', 'list');
    expect(list.manager).toBe('dnf');
    expect(list.needsConfigure).toBe(false);
    const names = (await inside(['rpm', '-qa', '--queryformat', '%{NAME}\n'])).split('\n').filter(Boolean).sort();
    expect(list.packages.map((p: any) => p.name).sort()).toEqual(names);
    expect(list.packages.find((p: any) => p.name === base)).toMatchObject({
      version: '1.0-1',
      architecture: 'noarch',
      sizeBytes: Number(await inside(['rpm', '-q', '--queryformat', '%{SIZE}', base])),
      summary: 'Gatehouse test package 1.0',
      status: 'installed',
    });
    expect(list.packages.some((p: any) => p.name === pkg)).toBe(false);
  });

  it('installs a local .rpm file with its output streamed live, as rpm confirms', async () => {
    const install = await readStream(host, 'installFile', { path: `/srv/packages/${pkg}-1.0-1.noarch.rpm` });
    expect(install.error).toBeUndefined();
    expect(install.end).toMatchObject({ exitCode: 0, cancelled: false, needsConfigure: false });
    expect(install.text).toContain(`$ dnf -y install -- /srv/packages/${pkg}-1.0-1.noarch.rpm`);
    expect(install.text).toMatch(new RegExp(`Installing\\s+: ${pkg}-1.0-1.noarch`));
    expect(install.frames.filter((f) => f.type === 'data').length).toBeGreaterThan(1);
    expect(await installedVersion(pkg)).toBe('1.0-1');
    expect(await inside(['rpm', '-q', pkg])).toBe(`${pkg}-1.0-1.noarch`);
    expect(await inside(['cat', '/usr/share/gatehouse-test/hello.txt'])).toBe(`${pkg} 1.0`);
    const list = await host.result('package', 'list');
    expect(list.packages.find((p: any) => p.name === pkg)).toMatchObject({ version: '1.0-1', architecture: 'noarch', status: 'installed' });
  });

  it('refuses hostile package file paths with clear codes before any program runs', async () => {
    const root = host.debian.root;
    writeFileSync(join(root, 'srv/packages/notes.txt'), 'not a package\n');
    symlinkSync('/etc/passwd', join(root, 'srv/packages/passwd.rpm'));
    mkdirSync(join(root, 'srv/packages/folder.rpm'));
    writeFileSync(join(root, 'srv/packages/tool_1.0_all.deb'), '!<arch>\n');
    const cases: Array<[string, string]> = [
      ['../../etc/passwd', 'invalid-params'],
      ['srv/packages/gatehouse-test-rpm-1.0-1.noarch.rpm', 'invalid-params'],
      ['/dev/zero', 'invalid-params'],
      ['/srv/packages', 'invalid-params'],
      ['/srv/packages/folder.rpm', 'invalid-params'],
      ['/srv/packages/notes.txt', 'invalid-params'],
      ['/srv/packages/passwd.rpm', 'invalid-params'],
      ['/srv/packages/x.rpm\n/etc/passwd', 'invalid-params'],
      ['/srv/packages/missing-1.0-1.noarch.rpm', 'not-found'],
      ['/srv/packages/tool_1.0_all.deb', 'invalid-params'],
      // The stream route refuses params over 8 kB before they reach the agent.
      [`/srv/packages/${'x'.repeat(10_000)}.rpm`, 'too-large'],
    ];
    for (const [path, code] of cases) {
      const refused = await readStream(host, 'installFile', { path });
      expect(refused.error?.code, JSON.stringify(path.slice(0, 40))).toBe(code);
      expect(refused.error?.message.length).toBeGreaterThan(10);
      // The command line is written before the package manager starts; a refusal comes before it.
      expect(refused.frames.filter((f) => f.type === 'data')).toEqual([]);
    }
    const passwd = await readStream(host, 'installFile', { path: '/srv/packages/passwd.rpm' });
    expect(passwd.error?.message).toContain('it leads to /etc/passwd');
    expect(await inside(['rpm', '-qa', '--queryformat', '%{NAME}\n'])).not.toMatch(/passwd|zero|notes/);
  });

  it('refreshes the index with live output, then searches it and shows details', async () => {
    const refresh = await readStream(host, 'refresh', {});
    expect(refresh.error).toBeUndefined();
    expect(refresh.end).toMatchObject({ exitCode: 0, cancelled: false });
    expect(refresh.text).toContain('$ dnf -y makecache --refresh');
    expect(refresh.text).toMatch(/Metadata cache created/);

    const search = await host.result('package', 'search', { query: 'gatehouse-test' });
    const byName = Object.fromEntries(search.results.map((r: any) => [r.name, r]));
    expect(Object.keys(byName).sort()).toEqual([base, extra, pkg].sort());
    expect(byName[pkg]).toMatchObject({ summary: expect.stringContaining('Gatehouse test package'), installed: true });
    expect(byName[extra]).toMatchObject({ summary: 'Gatehouse test package 1.0', installed: false });

    const notInstalled = await host.result('package', 'details', { name: extra });
    expect(notInstalled).toMatchObject({ name: extra, candidateVersion: '1.0-1', architecture: 'noarch', homepage: `https://example.invalid/${extra}` });
    expect(notInstalled.installedVersion).toBeUndefined();
    expect(notInstalled.downloadBytes).toBeGreaterThan(1000);
    const installed = await host.result('package', 'details', { name: pkg });
    expect(installed).toMatchObject({ installedVersion: '1.0-1', candidateVersion: '1.1-1', summary: 'Gatehouse test package 1.0' });
    expect(installed.description).toContain("package module's tests");
    expect(installed.sizeBytes).toBe(Number(await inside(['rpm', '-q', '--queryformat', '%{SIZE}', pkg])));
    const missing = await host.call('package', 'details', { name: 'no-such-package-here' });
    expect(missing.body.error.code).toBe('not-found');
  });

  it('lists upgrades with the security one marked, installs and upgrades by name, then removes', async () => {
    const { manager, upgrades } = await host.result('package', 'upgrades');
    expect(manager).toBe('dnf');
    expect(upgrades).toEqual([
      { name: pkg, current: '1.0-1', available: '1.1-1', architecture: 'noarch', origin: 'gatehouse-test', security: true },
    ]);

    const install = await readStream(host, 'install', { names: [extra] });
    expect(install.error).toBeUndefined();
    expect(await installedVersion(extra)).toBe('1.0-1');

    const upgrade = await readStream(host, 'upgrade', { names: [pkg] });
    expect(upgrade.error).toBeUndefined();
    expect(upgrade.text).toMatch(new RegExp(`Upgrading\\s+: ${pkg}-1.1-1.noarch`));
    expect(await installedVersion(pkg)).toBe('1.1-1');
    expect(await inside(['cat', '/usr/share/gatehouse-test/hello.txt'])).toBe(`${pkg} 1.1`);
    expect((await host.result('package', 'upgrades')).upgrades).toEqual([]);

    const removed = await readStream(host, 'remove', { names: [pkg, extra] });
    expect(removed.error).toBeUndefined();
    expect(removed.text).toMatch(new RegExp(`Erasing\\s+: ${pkg}-1.1-1.noarch`));
    expect(await installedVersion(pkg)).toMatch(/^not installed/);
    expect(await installedVersion(extra)).toMatch(/^not installed/);
    expect((await host.debian.exec(['test', '-e', '/usr/share/gatehouse-test/hello.txt'])).code).toBe(1);
    const list = await host.result('package', 'list');
    expect(list.packages.some((p: any) => p.name === pkg || p.name === extra)).toBe(false);
    const again = await readStream(host, 'remove', { names: [pkg] });
    expect(again.error?.code).toBe('not-found');
  });

  it('refuses to start while another dnf holds its lock, naming it', async () => {
    const file = await buildRpm('packages', slow, '1.0', `${slow}.txt`, 'posix.sleep(600)');
    const held = await host.debian.exec(['systemd-run', '--unit=gatehouse-dnf', '--', 'dnf', '-y', 'install', file]);
    expect(held.code, held.stderr).toBe(0);
    try {
      const pid = await waitFor(
        'the other dnf to hold the rpm database lock',
        async () => {
          const main = Number(await inside(['systemctl', 'show', '--property=MainPID', '--value', 'gatehouse-dnf']));
          const written = await inside(['cat', '/var/lib/dnf/rpmdb_lock.pid']);
          return main > 0 && written === String(main) ? main : false;
        },
        60_000,
      );
      const refused = await readStream(host, 'installFile', { path: `/srv/packages/${pkg}-1.0-1.noarch.rpm` });
      expect(refused.error?.code).toBe('conflict');
      expect(refused.error?.message).toContain(`/var/lib/dnf/rpmdb_lock.pid is held by process ${pid} (dnf)`);
      const byName = await readStream(host, 'install', { names: [extra] });
      expect(byName.error?.code).toBe('conflict');
      expect(await installedVersion(pkg)).toMatch(/^not installed/);
      // Reading still works while the lock is held.
      expect((await host.result('package', 'list')).manager).toBe('dnf');
    } finally {
      await host.debian.exec(['systemctl', 'kill', '--signal=SIGKILL', 'gatehouse-dnf']);
      await host.debian.exec(['systemctl', 'reset-failed', 'gatehouse-dnf']);
    }
    // A lock file left by a process that is gone holds nothing (dnf itself reads it so).
    const after = await readStream(host, 'installFile', { path: `/srv/packages/${pkg}-1.0-1.noarch.rpm` });
    expect(after.error).toBeUndefined();
    expect(await installedVersion(pkg)).toBe('1.0-1');
    expect(await installedVersion(slow)).toMatch(/^not installed/);
  }, 180_000);
});
