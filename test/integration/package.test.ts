/**
 * The package module against a real apt/dpkg: a Debian host booted with systemd-nspawn (offline), an agent
 * inside it, and tiny .deb packages built in the test with dpkg-deb and served from file repositories inside the
 * container (`deb [trusted=yes] file:/srv/repo ./`; a second one whose Release says Suite: bookworm-security).
 * Every change is checked with dpkg-query inside the container, not with the agent.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostilePackageNames } from '../../modules/package/test-support.js';
import { waitFor } from '../support/console.js';
import { debianHostAvailable, startManagedHost, type ManagedHost } from '../support/managed-host.js';
import { readModuleStream } from '../support/module-stream.js';
import { userWithRole } from '../support/users.js';

const available = debianHostAvailable();
const pkg = 'gatehouse-test-pkg';
const extra = 'gatehouse-test-extra';
const slow = 'gatehouse-test-slow';

/** The package module's streams through the console's generic stream route. */
function readStream(host: ManagedHost, stream: string, params: unknown, until?: (text: string) => boolean, api = host.api) {
  return readModuleStream(host, 'package', stream, params, { until, api });
}

describe.skipIf(!available.ok)(`package module on a real apt/dpkg host${available.ok ? '' : ` (skipped: ${available.why})`}`, () => {
  let host: ManagedHost;
  const inside = async (argv: string[]) => (await host.debian.exec(argv)).stdout.trim();
  const installedVersion = async (name: string) => {
    const res = await host.debian.exec(['dpkg-query', '-W', '-f=${db:Status-Abbrev}|${Version}', '--', name]);
    const [status, version] = res.stdout.split('|');
    return res.code === 0 && status?.startsWith('ii') ? version : `not installed (${status?.trim() || res.stderr.trim()})`;
  };

  /** Build name_version_all.deb with dpkg-deb inside the container, into /srv/<repo>. */
  async function buildDeb(repo: string, name: string, version: string, postinst?: string) {
    const dir = join(host.debian.root, 'srv/build', `${name}-${version}`);
    mkdirSync(join(dir, 'DEBIAN'), { recursive: true });
    mkdirSync(join(dir, 'usr/share/gatehouse-test'), { recursive: true });
    mkdirSync(join(host.debian.root, 'srv', repo), { recursive: true });
    writeFileSync(join(dir, 'usr/share/gatehouse-test', `${name}.txt`), `${name} ${version}\n`);
    writeFileSync(
      join(dir, 'DEBIAN/control'),
      `Package: ${name}\nVersion: ${version}\nArchitecture: all\nMaintainer: Gatehouse Tests <tests@example.invalid>\nInstalled-Size: 4\nSection: misc\nPriority: optional\nDescription: Gatehouse test package ${version}\n A tiny package for the package module's tests.\n`,
    );
    if (postinst) writeFileSync(join(dir, 'DEBIAN/postinst'), postinst, { mode: 0o755 });
    const built = await host.debian.exec(['dpkg-deb', '--root-owner-group', '--build', `/srv/build/${name}-${version}`, `/srv/${repo}/${name}_${version}_all.deb`]);
    expect(built.code, built.stderr).toBe(0);
  }

  /** Write the Packages index of /srv/<repo> (and a Release naming the suite, when given) as dpkg-scanpackages would. */
  async function writeIndex(repo: string, suite?: string) {
    const base = join(host.debian.root, 'srv', repo);
    const stanzas: string[] = [];
    for (const file of readdirSync(base).filter((f) => f.endsWith('.deb')).sort()) {
      const fields = await inside(['dpkg-deb', '-f', `/srv/${repo}/${file}`, 'Package', 'Version', 'Architecture', 'Maintainer', 'Installed-Size', 'Section']);
      const data = readFileSync(join(base, file));
      stanzas.push(
        `${fields}\nFilename: ./${file}\nSize: ${statSync(join(base, file)).size}\nSHA256: ${createHash('sha256').update(data).digest('hex')}\n` +
          `Description: Gatehouse test package\n A tiny package for the package module's tests.\n`,
      );
    }
    const packages = stanzas.join('\n');
    writeFileSync(join(base, 'Packages'), packages);
    if (suite) {
      const sha = createHash('sha256').update(packages).digest('hex');
      writeFileSync(
        join(base, 'Release'),
        `Origin: Gatehouse\nLabel: Gatehouse-Security\nSuite: ${suite}\nCodename: ${suite}\nDate: ${new Date().toUTCString()}\nSHA256:\n ${sha} ${Buffer.byteLength(packages)} Packages\n`,
      );
    }
  }

  beforeAll(async () => {
    // Removing and deleting need a second person by default (config `approvals`); test/integration/approvals.test.ts
    // covers that. Here the module itself is under test.
    host = await startManagedHost({ consoleConfig: { approvals: { rules: [] } } });
    // Offline: only the test's own repositories.
    rmSync(join(host.debian.root, 'etc/apt/sources.list'), { force: true });
    for (const file of readdirSync(join(host.debian.root, 'etc/apt/sources.list.d'))) rmSync(join(host.debian.root, 'etc/apt/sources.list.d', file));
    writeFileSync(join(host.debian.root, 'etc/apt/sources.list.d/gatehouse-test.list'), 'deb [trusted=yes] file:/srv/repo ./\n');
    await buildDeb('repo', pkg, '1.0');
    await buildDeb('repo', extra, '1.0');
    await buildDeb(
      'repo',
      slow,
      '1.0',
      '#!/bin/sh\nif [ "$1" = configure ] && [ -e /tmp/gh-slow ]; then echo "postinst waiting"; sleep 300; fi\nexit 0\n',
    );
    await writeIndex('repo');
  }, 180_000);

  afterAll(async () => {
    await host?.stop();
  }, 60_000);

  it('lists the installed packages as dpkg-query sees them', async () => {
    const list = await host.result('package', 'list');
    expect(list.manager).toBe('apt');
    expect(list.needsConfigure).toBe(false);
    const dpkg = list.packages.find((p: any) => p.name === 'dpkg');
    expect(dpkg.version).toBe(await inside(['dpkg-query', '-W', '-f=${Version}', 'dpkg']));
    expect(dpkg.sizeBytes).toBeGreaterThan(1024 * 1024);
    expect(dpkg.summary).toMatch(/Debian package management/i);
    const count = (await inside(['dpkg-query', '-W', '-f=${db:Status-Abbrev}\n'])).split('\n').filter((s) => s.startsWith('ii')).length;
    expect(list.packages.filter((p: any) => p.status === 'ii').length).toBe(count);
  });

  it('refreshes the index with live output, then searches it and shows details', async () => {
    const refresh = await readStream(host, 'refresh', {});
    expect(refresh.error).toBeUndefined();
    expect(refresh.end).toMatchObject({ exitCode: 0, cancelled: false, needsConfigure: false });
    expect(refresh.text).toContain('apt-get');
    expect(refresh.text).toMatch(/file:\/srv\/repo/);

    const search = await host.result('package', 'search', { query: 'gatehouse-test' });
    expect(search.results.map((r: any) => r.name).sort()).toEqual([extra, pkg, slow]);
    expect(search.results.every((r: any) => r.installed === false)).toBe(true);

    const details = await host.result('package', 'details', { name: pkg });
    expect(details).toMatchObject({ name: pkg, candidateVersion: '1.0', architecture: 'all', section: 'misc', summary: 'Gatehouse test package' });
    expect(details.installedVersion).toBeUndefined();
    const missing = await host.call('package', 'details', { name: 'no-such-package-here' });
    expect(missing.body.error.code).toBe('not-found');
  });

  it('installs a package with its output streamed live, as dpkg-query confirms', async () => {
    const install = await readStream(host, 'install', { names: [pkg, extra] });
    expect(install.error).toBeUndefined();
    expect(install.end).toMatchObject({ exitCode: 0, cancelled: false, needsConfigure: false });
    expect(install.text).toContain(`Setting up ${pkg} (1.0)`);
    expect(install.frames.filter((f) => f.type === 'data').length).toBeGreaterThan(1);
    expect(await installedVersion(pkg)).toBe('1.0');
    expect(await installedVersion(extra)).toBe('1.0');
    expect(await inside(['cat', `/usr/share/gatehouse-test/${pkg}.txt`])).toBe(`${pkg} 1.0`);
    const list = await host.result('package', 'list');
    expect(list.packages.find((p: any) => p.name === pkg)).toMatchObject({ version: '1.0', architecture: 'all', sizeBytes: 4096 });
    expect((await host.result('package', 'details', { name: pkg })).installedVersion).toBe('1.0');
  });

  it('lists upgrades with the security one marked, upgrades one, then all', async () => {
    await buildDeb('repo-sec', pkg, '1.1');
    await writeIndex('repo-sec', 'bookworm-security');
    await buildDeb('repo', extra, '1.1');
    await writeIndex('repo');
    writeFileSync(
      join(host.debian.root, 'etc/apt/sources.list.d/gatehouse-test.list'),
      'deb [trusted=yes] file:/srv/repo ./\ndeb [trusted=yes] file:/srv/repo-sec ./\n',
    );
    const refresh = await readStream(host, 'refresh', {});
    expect(refresh.error).toBeUndefined();

    const { upgrades } = await host.result('package', 'upgrades');
    const byName = Object.fromEntries(upgrades.map((u: any) => [u.name, u]));
    expect(byName[pkg]).toMatchObject({ current: '1.0', available: '1.1', architecture: 'all', security: true });
    expect(byName[pkg].origin).toContain('bookworm-security');
    expect(byName[extra]).toMatchObject({ current: '1.0', available: '1.1', security: false });

    const one = await readStream(host, 'upgrade', { names: [pkg] });
    expect(one.error).toBeUndefined();
    expect(one.text).toContain(`Unpacking ${pkg} (1.1) over (1.0)`);
    expect(await installedVersion(pkg)).toBe('1.1');
    expect(await installedVersion(extra)).toBe('1.0');

    const all = await readStream(host, 'upgrade', {});
    expect(all.error).toBeUndefined();
    expect(all.end).toMatchObject({ exitCode: 0, cancelled: false });
    expect(await installedVersion(extra)).toBe('1.1');
    expect((await host.result('package', 'upgrades')).upgrades).toEqual([]);
  });

  it('removes a package', async () => {
    const removed = await readStream(host, 'remove', { names: [extra] });
    expect(removed.error).toBeUndefined();
    expect(removed.text).toContain(`Removing ${extra} (1.1)`);
    expect(await installedVersion(extra)).toMatch(/^not installed/);
    const list = await host.result('package', 'list');
    expect(list.packages.some((p: any) => p.name === extra)).toBe(false);
    const again = await readStream(host, 'remove', { names: ['no-such-package-here'] });
    expect(again.error?.code).toBe('not-found');
  });

  it('refuses to start while another program holds the dpkg lock, naming it', async () => {
    const held = await host.debian.exec(['systemd-run', '--unit=gatehouse-lock', '--', 'flock', '/var/lib/dpkg/lock-frontend', 'sleep', '600']);
    expect(held.code, held.stderr).toBe(0);
    try {
      const pid = await waitFor('flock to hold the lock', async () => {
        const main = Number(await inside(['systemctl', 'show', '--property=MainPID', '--value', 'gatehouse-lock']));
        return main > 0 && (await inside(['cat', '/proc/locks'])).includes(` ${main} `) ? main : false;
      });
      const refused = await readStream(host, 'install', { names: [slow] });
      const error = refused.error;
      expect(error?.code).toBe('conflict');
      expect(error?.message).toContain(`/var/lib/dpkg/lock-frontend is held by process ${pid} (flock)`);
      expect(await installedVersion(slow)).toMatch(/^not installed/);
      // Reading still works while the lock is held.
      expect((await host.result('package', 'upgrades')).upgrades).toEqual([]);
    } finally {
      await host.debian.exec(['systemctl', 'stop', 'gatehouse-lock']);
    }
  });

  it('cancels an install mid-configure: apt-get and dpkg stop, and the page is told dpkg --configure -a is due', async () => {
    writeFileSync(join(host.debian.root, 'tmp/gh-slow'), '');
    const cancelled = await readStream(host, 'install', { names: [slow] }, (text) => text.includes('postinst waiting'));
    expect(cancelled.text).toContain('postinst waiting');
    await waitFor(
      'apt-get and dpkg to stop',
      async () => (await host.debian.exec(['pgrep', '-x', 'apt-get|dpkg|sleep'])).code === 1,
      30_000,
    );
    expect(await inside(['dpkg', '--audit'])).toContain(slow);
    const list = await host.result('package', 'list');
    expect(list.needsConfigure).toBe(true);
    expect(list.packages.find((p: any) => p.name === slow)?.status).toMatch(/^i[FU]/);

    rmSync(join(host.debian.root, 'tmp/gh-slow'));
    const fixed = await host.debian.exec(['dpkg', '--configure', '-a']);
    expect(fixed.code, fixed.stderr).toBe(0);
    expect((await host.result('package', 'list')).needsConfigure).toBe(false);
    expect(await installedVersion(slow)).toBe('1.0');
  });

  it('refuses hostile names through the real API before any program runs', async () => {
    for (const name of hostilePackageNames) {
      const details = await host.call('package', 'details', { name });
      expect(details.body.error.code, JSON.stringify(name.slice(0, 30))).toBe('invalid-params');
      expect(details.body.error.message).toMatch(/^name/);
      const install = await readStream(host, 'install', { names: [name] });
      if (name.length > 8000) {
        // The stream route refuses params over 8 kB before they reach the agent.
        expect(install.error?.code).toBe('too-large');
        continue;
      }
      expect(install.error?.code).toBe('invalid-params');
      expect(install.error?.message).toMatch(/^names/);
    }
    const search = await host.call('package', 'search', { query: '$(reboot)' });
    expect(search.body.error.code).toBe('invalid-params');
    expect(await inside(['ls', '/srv/repo'])).not.toContain('reboot');
  });

  it('lets a system operator install but not remove, and a viewer only read', async () => {
    const operator = await userWithRole(host.console, 'olga', 'system-operator');
    const viewer = await userWithRole(host.console, 'victor', 'viewer');
    const removed = await readStream(host, 'remove', { names: [slow] }, undefined, operator);
    expect(removed.status).toBe(403);
    expect(removed.error?.code).toBe('forbidden');
    expect(await installedVersion(slow)).toBe('1.0');
    const refused = await readStream(host, 'install', { names: [extra] }, undefined, viewer);
    expect(refused.error?.code).toBe('forbidden');
    expect((await viewer.call(host.hostId, 'package', 'list')).status).toBe(200);
    const installed = await readStream(host, 'install', { names: [extra] }, undefined, operator);
    expect(installed.error).toBeUndefined();
    expect(await installedVersion(extra)).toBe('1.1');
  });

  it('installs a local .deb file with its output streamed live, and refuses what is not one', async () => {
    const local = 'gatehouse-test-local';
    await buildDeb('files', local, '1.0');
    const path = `/srv/files/${local}_1.0_all.deb`;
    const install = await readStream(host, 'installFile', { path });
    expect(install.error).toBeUndefined();
    expect(install.end).toMatchObject({ exitCode: 0, cancelled: false, needsConfigure: false });
    expect(install.text).toContain(`install -- ${path}`);
    expect(install.text).toContain(`Setting up ${local} (1.0)`);
    expect(await installedVersion(local)).toBe('1.0');
    expect(await inside(['cat', `/usr/share/gatehouse-test/${local}.txt`])).toBe(`${local} 1.0`);
    expect((await host.result('package', 'list')).packages.find((p: any) => p.name === local)).toMatchObject({ version: '1.0', status: 'ii' });

    writeFileSync(join(host.debian.root, 'srv/files/tool-1.0-1.noarch.rpm'), 'not a deb');
    const refusals: Array<[string, string]> = [
      ['/srv/files/tool-1.0-1.noarch.rpm', 'invalid-params'],
      ['/dev/zero', 'invalid-params'],
      ['/srv/files', 'invalid-params'],
      ['srv/files/x.deb', 'invalid-params'],
      ['/srv/files/x.deb\n/etc/passwd', 'invalid-params'],
      ['/srv/files/missing_1.0_all.deb', 'not-found'],
    ];
    for (const [bad, code] of refusals) {
      const refused = await readStream(host, 'installFile', { path: bad });
      expect(refused.error?.code, JSON.stringify(bad)).toBe(code);
      // Nothing ran: the command line is the first thing written once the checks pass.
      expect(refused.frames.filter((f) => f.type === 'data')).toEqual([]);
    }
  });
});
