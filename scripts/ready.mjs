// Making a fresh clone runnable with nothing but Node.js: install the locked dependencies when node_modules
// does not match package-lock.json, and build when the sources are newer than the last build.
// Node built-ins only: this runs before anything is installed.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lockStamp = join(root, 'node_modules', '.gatehouse-lock-sha256');
const buildStamp = join(root, 'dist', '.build-stamp');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function say(message) {
  process.stdout.write(`\x1b[2m[gatehouse]\x1b[0m ${message}\n`);
}

function run(command, args, env = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed with ${result.status ?? result.signal}`);
  }
}

function lockHash() {
  return createHash('sha256').update(readFileSync(join(root, 'package-lock.json'))).digest('hex');
}

/** Install exactly the locked dependencies unless node_modules already matches the lock file. */
export function ensureDependencies() {
  const want = lockHash();
  const have = existsSync(lockStamp) ? readFileSync(lockStamp, 'utf8').trim() : '';
  if (have === want && existsSync(join(root, 'node_modules'))) return false;
  say('installing dependencies (npm ci); native modules are compiled here, which takes a minute or two…');
  // Native modules build from source with node-gyp; nothing is downloaded from outside the npm registry.
  run(npm, ['ci', '--no-audit', '--no-fund'], { npm_config_build_from_source: 'true' });
  writeFileSync(lockStamp, `${want}\n`);
  return true;
}

const sourceDirs = ['agent', 'console/server', 'console/web/src', 'modules', 'scripts', 'bench'];
const sourceFiles = ['package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'console/web/index.html', 'console/web/vite.config.ts', 'agent/bundle.config.ts'];

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    newest = Math.max(newest, newestMtime(join(path, entry.name)));
  }
  return newest;
}

/** Build the console, the agent and the web app when any source is newer than the last build. */
export function ensureBuilt({ force = false } = {}) {
  const newest = Math.max(...sourceDirs.map((d) => newestMtime(join(root, d))), ...sourceFiles.map((f) => newestMtime(join(root, f))));
  const built = existsSync(buildStamp) ? statSync(buildStamp).mtimeMs : 0;
  if (!force && built >= newest && existsSync(join(root, 'console/web/dist/index.html'))) return false;
  say('building the console, the agent and the web app…');
  build();
  return true;
}

export function build() {
  run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json']);
  run(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'console/web/vite.config.ts', '--logLevel', 'warn']);
  run(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'agent/bundle.config.ts']);
  writeFileSync(buildStamp, `${new Date().toISOString()}\n`);
}
