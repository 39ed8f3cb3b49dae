// `npm test`: install what the tests need, build, type-check, then run every test (unit, integration, browser).
// On a fresh Debian machine as root it also installs the Debian packages the tests use (TESTING.md).
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { debianRootUnavailable, ensureDebianRoot } from './debian-root.mjs';
import { build, ensureDependencies, root } from './ready.mjs';

/** Debian packages the tests drive for real, by the binary that shows each is there. */
const debianPackages = [
  { pkg: 'chromium', binary: '/usr/bin/chromium' },
  // A loopback sshd of the tests' own (test/support/sshd.ts), and the client that logs into it.
  { pkg: 'openssh-server', binary: '/usr/sbin/sshd' },
  { pkg: 'openssh-client', binary: '/usr/bin/ssh-keygen' },
  // Managed Debian hosts: a cached root (scripts/debian-root.mjs) booted in nspawn (test/support/nspawn.ts).
  { pkg: 'debootstrap', binary: '/usr/sbin/debootstrap' },
  { pkg: 'systemd-container', binary: '/usr/bin/systemd-nspawn' },
];

function say(message) {
  process.stdout.write(`\x1b[2m[gatehouse test]\x1b[0m ${message}\n`);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  return result.status ?? 1;
}

function ensureDebianPackages() {
  const missing = debianPackages.filter((p) => !existsSync(p.binary)).map((p) => p.pkg);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) {
    say(`missing ${missing.join(', ')}; install them (apt-get install ${missing.join(' ')}) to run every test`);
    return;
  }
  say(`installing Debian packages: ${missing.join(', ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  withoutServiceStarts(() => {
    if (run('apt-get', ['update', '-qq'], { env }) !== 0 || run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env }) !== 0) {
      throw new Error(`apt-get install ${missing.join(' ')} failed`);
    }
  });
  if (missing.includes('openssh-server')) {
    // Debian's own switch that keeps the machine's ssh service from ever starting (at boot too); the tests run
    // /usr/sbin/sshd themselves on loopback ports. A machine that had no sshd before the tests still has none.
    writeFileSync('/etc/ssh/sshd_not_to_be_run', 'Installed by Gatehouse npm test for its own loopback sshd; remove to run the ssh service.\n');
  }
}

/**
 * Run `install` with a policy-rc.d that forbids starting services, so installing packages (openssh-server above
 * all: it would listen on port 22) starts nothing on the machine. Leaves any policy-rc.d that was there as it was.
 */
function withoutServiceStarts(install) {
  const policy = '/usr/sbin/policy-rc.d';
  const before = existsSync(policy) ? { text: readFileSync(policy), mode: statSync(policy).mode & 0o7777 } : undefined;
  writeFileSync(policy, '#!/bin/sh\n# Gatehouse npm test: start no service while packages install.\nexit 101\n');
  chmodSync(policy, 0o755);
  try {
    install();
  } finally {
    if (before) {
      writeFileSync(policy, before.text);
      chmodSync(policy, before.mode);
    } else {
      rmSync(policy, { force: true });
    }
  }
}

/** Build the Debian root the nspawn tests boot (once per machine; cached outside the repo), so no test waits on it. */
function ensureTestDebianRoot() {
  const why = debianRootUnavailable();
  if (why) {
    say(`no Debian root for the managed-host tests (${why}); they will be skipped`);
    return;
  }
  try {
    ensureDebianRoot();
    // The package test's rpm host (dnf and rpm on Debian): a variant of its own, so the common root stays small.
    ensureDebianRoot('rpm');
  } catch (err) {
    // The tests that boot it try again and fail with the reason; every other test still runs.
    say(`could not build the Debian root for the managed-host tests: ${err.message}`);
  }
}

/**
 * The tests open root login shells (terminal tests) on this machine. They must not run the machine's own
 * dotfiles (root's ~/.bashrc may start tools such as pyenv, whose lock a killed shell leaves behind, stalling
 * every later shell for a minute) nor write into root's home. As root, where `unshare` is available, the tests
 * run in a mount namespace of their own with an empty, private home over $HOME; nothing outside sees it.
 */
function withPrivateHome(command, args) {
  const home = process.env.HOME;
  if (process.getuid?.() !== 0 || !home || home === '/' || !existsSync('/usr/bin/unshare')) return [command, args];
  const script = 'mount -t tmpfs -o mode=0700,size=512m gatehouse-test-home "$HOME" && exec "$@"';
  return ['/usr/bin/unshare', ['--mount', '--propagation', 'private', '/bin/sh', '-c', script, 'private-home', command, ...args]];
}

function main() {
  const started = Date.now();
  ensureDependencies();
  ensureDebianPackages();
  ensureTestDebianRoot();
  say('building');
  build();
  say('type-checking');
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  if (run(process.execPath, [tsc, '-p', 'tsconfig.json', '--noEmit']) !== 0) throw new Error('type errors in the server, agent or modules');
  if (run(process.execPath, [tsc, '-p', 'console/web/tsconfig.json', '--noEmit']) !== 0) throw new Error('type errors in the web app');

  say('running the tests');
  const report = join(root, '.test-results.json');
  rmSync(report, { force: true });
  const vitest = join(root, 'node_modules/vitest/vitest.mjs');
  const vitestArgs = [vitest, 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)];
  const status = run(...withPrivateHome(process.execPath, vitestArgs));
  if (existsSync(report)) {
    const r = JSON.parse(readFileSync(report, 'utf8'));
    const seconds = ((Date.now() - started) / 1000).toFixed(0);
    // The plain closing line CI reads, whatever the runner.
    process.stdout.write(`\ntests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped\n`);
    say(`whole run took ${seconds} s`);
  }
  process.exit(status);
}

try {
  main();
} catch (err) {
  process.stderr.write(`gatehouse test: ${err.message}\n`);
  process.exit(1);
}
