// `npm test`: install what the tests need, build, type-check, then run every test (unit, integration, browser).
// On a fresh Debian machine as root it also installs the Debian packages the tests use (TESTING.md).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build, ensureDependencies, root } from './ready.mjs';

/** Debian packages the tests drive for real, by the binary that shows each is there. */
const debianPackages = [{ pkg: 'chromium', binary: '/usr/bin/chromium' }];

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
  if (run('apt-get', ['update', '-qq'], { env }) !== 0 || run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env }) !== 0) {
    throw new Error(`apt-get install ${missing.join(' ')} failed`);
  }
}

function main() {
  const started = Date.now();
  ensureDependencies();
  ensureDebianPackages();
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
  const status = run(process.execPath, [vitest, 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)]);
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
