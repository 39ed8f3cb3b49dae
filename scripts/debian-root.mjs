// The Debian root that tests boot with systemd-nspawn (test/support/nspawn.ts): built once with debootstrap and
// cached outside the repo, because it takes a minute or two and never changes between runs.
// `npm test` builds it before vitest starts; `node scripts/debian-root.mjs` builds it (if needed) and prints its path.
// `node scripts/debian-root.mjs --variant rpm` does the same for a variant root that a few tests boot instead.
// Node built-ins only: this runs before anything is installed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Bump when the recipe below changes: a new name means a new build, and a root in use is never replaced under a
// running container.
const recipe = 'bookworm-ssh-v2';
const packages = ['systemd', 'systemd-sysv', 'dbus', 'openssh-server', 'ca-certificates'];

/**
 * Roots built on the same recipe with more packages, for the few tests that need them; each has its own version
 * (bump it when its part changes). `rpm`: rpm, rpmbuild, dnf and createrepo_c, so the package module's dnf side
 * runs for real (test/integration/package-rpm.test.ts). A variant, not the common root: it doubles the root's
 * size (221 MB → 423 MB) and adds about 20 s to its build, which every other test would pay for nothing.
 */
const variants = {
  rpm: { version: 'v1', packages: ['rpm', 'dnf', 'createrepo-c'], prepare: prepareRpm },
};

function variantOf(name) {
  if (name === undefined) return undefined;
  if (!Object.hasOwn(variants, name)) throw new Error(`no Debian root variant "${name}" (known: ${Object.keys(variants).join(', ')})`);
  return variants[name];
}

/** Where the finished root (or a variant of it) lives (GATEHOUSE_TEST_CACHE overrides the cache folder). */
export function debianRootPath(variant) {
  const name = variant === undefined ? recipe : `${recipe}-${variant}-${variantOf(variant).version}`;
  return join(process.env.GATEHOUSE_TEST_CACHE ?? '/var/cache/gatehouse-test', name);
}

/** Why this machine cannot build or boot the root, or undefined when it can. */
export function debianRootUnavailable() {
  if (process.platform !== 'linux') return 'needs Linux';
  if (process.getuid?.() !== 0) return 'needs root (debootstrap and systemd-nspawn)';
  if (!existsSync('/usr/sbin/debootstrap')) return 'needs /usr/sbin/debootstrap (apt-get install debootstrap)';
  if (!existsSync('/usr/bin/systemd-nspawn')) return 'needs /usr/bin/systemd-nspawn (apt-get install systemd-container)';
  if (!existsSync('/usr/bin/flock')) return 'needs /usr/bin/flock (util-linux)';
  return undefined;
}

/** The Debian mirror apt on this machine uses for bookworm (the only one reachable here), or GATEHOUSE_DEBIAN_MIRROR. */
export function debianMirror() {
  if (process.env.GATEHOUSE_DEBIAN_MIRROR) return process.env.GATEHOUSE_DEBIAN_MIRROR;
  const candidates = [];
  const dir = '/etc/apt/sources.list.d';
  const files = ['/etc/apt/sources.list', ...(existsSync(dir) ? readdirSync(dir).map((f) => join(dir, f)) : [])];
  for (const file of files) {
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    if (file.endsWith('.sources')) {
      // deb822 stanzas: Types, URIs, Suites.
      for (const stanza of text.split(/\n\s*\n/)) {
        const field = (name) => stanza.match(new RegExp(`^${name}:\\s*(.+)$`, 'mi'))?.[1]?.trim().split(/\s+/) ?? [];
        if (field('Types').includes('deb') && field('Suites').includes('bookworm') && field('Enabled')[0] !== 'no') candidates.push(...field('URIs'));
      }
    } else if (file.endsWith('.list')) {
      for (const line of text.split('\n')) {
        const m = line.match(/^\s*deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+bookworm\s/);
        if (m) candidates.push(m[1]);
      }
    }
  }
  return candidates.find((uri) => /^https?:\/\//.test(uri)) ?? 'http://deb.debian.org/debian';
}

function run(command, args) {
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed with ${result.status ?? result.signal}`);
}

/** Make a finished root at debianRootPath(variant) unless one is there; returns its path. Needs root. */
export function ensureDebianRoot(variant) {
  const target = debianRootPath(variant);
  if (existsSync(target)) return target;
  const why = debianRootUnavailable();
  if (why) throw new Error(`cannot build the test Debian root: ${why}`);
  const cache = join(target, '..');
  mkdirSync(cache, { recursive: true });
  // flock(1), not a lock directory: the kernel drops the lock when a builder dies, so a killed run never leaves
  // the next one waiting on a stale lock.
  const self = fileURLToPath(import.meta.url);
  const lock = join(cache, `.${basename(target)}.lock`);
  run('/usr/bin/flock', [lock, process.execPath, self, '--locked', ...(variant === undefined ? [] : [variant])]);
  if (!existsSync(target)) throw new Error(`building ${target} finished without the root`);
  return target;
}

/** The build itself, run with the lock held. Builds beside the target and renames, so a half-built root is never used. */
function buildLocked(variant) {
  const extra = variantOf(variant);
  const target = debianRootPath(variant);
  if (existsSync(target)) return;
  const building = `${target}.building`;
  rmSync(building, { recursive: true, force: true });
  const mirror = debianMirror();
  const started = Date.now();
  process.stderr.write(`[gatehouse test] debootstrap bookworm from ${mirror} into ${building} (once; cached)…\n`);
  const include = [...packages, ...(extra?.packages ?? [])];
  run('/usr/sbin/debootstrap', ['--variant=minbase', `--include=${include.join(',')}`, 'bookworm', building, mirror]);
  prepare(building);
  extra?.prepare(building);
  renameSync(building, target);
  process.stderr.write(`[gatehouse test] Debian root ready in ${((Date.now() - started) / 1000).toFixed(0)} s: ${target}\n`);
}

/** What every boot shares. What differs per boot (port, keys, machine id, passwords) is written by nspawn.ts. */
function prepare(root) {
  // Each boot gets its own host key and machine id, so two booted hosts are told apart as real ones are.
  for (const name of readdirSync(join(root, 'etc/ssh'))) {
    if (name.startsWith('ssh_host_')) rmSync(join(root, 'etc/ssh', name));
  }
  writeFileSync(join(root, 'etc/machine-id'), '');
  rmSync(join(root, 'var/lib/dbus/machine-id'), { force: true });
  symlinkSync('/etc/machine-id', join(root, 'var/lib/dbus/machine-id'));
  rmSync(join(root, 'etc/hostname'), { force: true });
  // Timers that would reach the network or the machine's disks mid-test (apt's daily update holds the dpkg lock
  // a test may want), and a boot job for LVM that has nothing to do in a container.
  for (const unit of ['apt-daily.timer', 'apt-daily-upgrade.timer', 'e2scrub_all.timer', 'fstrim.timer', 'e2scrub_reap.service']) {
    for (const wants of ['timers.target.wants', 'multi-user.target.wants']) rmSync(join(root, 'etc/systemd/system', wants, unit), { force: true });
    symlinkSync('/dev/null', join(root, 'etc/systemd/system', unit));
  }
  // The container shares the host's network: without the per-boot config (Port, ListenAddress 127.0.0.1) sshd
  // would take port 22 of the machine itself, so it does not start at all.
  mkdirSync(join(root, 'etc/systemd/system/ssh.service.d'), { recursive: true });
  writeFileSync(
    join(root, 'etc/systemd/system/ssh.service.d/gatehouse-test.conf'),
    '[Unit]\nConditionPathExists=/etc/ssh/sshd_config.d/gatehouse-test.conf\n',
  );
  for (const name of readdirSync(join(root, 'var/cache/apt/archives'))) {
    if (name.endsWith('.deb')) rmSync(join(root, 'var/cache/apt/archives', name));
  }
}

/**
 * The rpm variant set up as on Fedora or RHEL: one system rpm database in /var/lib/rpm (Debian's rpm keeps one
 * per user in ~/.rpmdb, so it never looks like the system's package manager), and the folder for .repo files.
 */
function prepareRpm(root) {
  mkdirSync(join(root, 'etc/rpm'), { recursive: true });
  writeFileSync(join(root, 'etc/rpm/macros'), '# Gatehouse test root: the system rpm database, as on Fedora/RHEL.\n%_dbpath /var/lib/rpm\n');
  mkdirSync(join(root, 'etc/yum.repos.d'), { recursive: true });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const args = process.argv.slice(2);
    if (args[0] === '--locked') buildLocked(args[1]);
    else if (args[0] === '--variant') process.stdout.write(`${ensureDebianRoot(args[1])}\n`);
    else if (args.length === 0) process.stdout.write(`${ensureDebianRoot()}\n`);
    else throw new Error('usage: node scripts/debian-root.mjs [--variant NAME]');
  } catch (err) {
    process.stderr.write(`gatehouse: ${err.message}\n`);
    process.exit(1);
  }
}
