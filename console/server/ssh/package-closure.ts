/**
 * A package with a native part cannot travel inside the single-file agent, so the installer copies it beside the
 * agent with everything it requires: its dependency closure, each package at the same place under node_modules
 * as in the console's own tree (so Node resolves them the same way there), and of each only what runs — no
 * sources, no build leftovers, no prebuilt binaries for other platforms.
 */
import { existsSync } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PackageFiles {
  /** Where the package lies here. */
  dir: string;
  /** Its path under node_modules (e.g. `@serialport/bindings-cpp`), posix-style. */
  path: string;
  /** Its files to copy, relative to `dir`, posix-style. */
  files: string[];
}

/** Folders a running package never needs. `build` is left out whole but for its compiled `Release/*.node`. */
const skipped = new Set(['node_modules', 'prebuilds', 'test', 'tests', 'example', 'examples', '.github', 'build']);

async function runtimeFiles(dir: string, under = ''): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(join(dir, under))) {
    const path = under ? `${under}/${entry}` : entry;
    if ((await stat(join(dir, path))).isDirectory()) {
      if (!skipped.has(entry) || under !== '') files.push(...(await runtimeFiles(dir, path)));
    } else if (!/\.(ts|map|md|markdown|c|cc|cpp|h|gyp|gypi)$/i.test(entry)) {
      files.push(path);
    }
  }
  return files;
}

async function compiledModules(dir: string): Promise<string[]> {
  try {
    return (await readdir(join(dir, 'build', 'Release'))).filter((name) => name.endsWith('.node')).map((name) => `build/Release/${name}`);
  } catch {
    return [];
  }
}

/**
 * Where `pkg` is found from `from`, by Node's own search path (node_modules folders upwards). Not through
 * `require.resolve('pkg/package.json')`: packages with an `exports` map may not export their package.json.
 */
function manifestOf(pkg: string, from: string): string {
  for (const folder of createRequire(join(from, 'noop.js')).resolve.paths(pkg) ?? []) {
    const manifest = join(folder, pkg, 'package.json');
    if (existsSync(manifest)) return manifest;
  }
  throw new Error(`cannot find the package ${pkg} from ${from}`);
}

/** `name` and every package it requires, as the console itself resolves them. */
export async function packageClosure(name: string): Promise<PackageFiles[]> {
  const top = manifestOf(name, dirname(fileURLToPath(import.meta.url)));
  // The node_modules folder that holds it: everything is placed relative to that.
  const fromDir = top.slice(0, top.lastIndexOf(`${sep}node_modules${sep}`));
  const found = new Map<string, PackageFiles>();
  const visit = async (pkg: string, from: string): Promise<void> => {
    const manifest = manifestOf(pkg, from);
    const dir = dirname(manifest);
    if (found.has(dir)) return;
    const path = relative(join(fromDir, 'node_modules'), dir).split(sep).join('/');
    if (path.startsWith('..')) throw new Error(`${pkg} lies outside ${fromDir}/node_modules`);
    found.set(dir, { dir, path, files: [...(await runtimeFiles(dir)), ...(await compiledModules(dir))] });
    const { dependencies = {} } = JSON.parse(await readFile(manifest, 'utf8')) as { dependencies?: Record<string, string> };
    for (const dependency of Object.keys(dependencies)) await visit(dependency, dir);
  };
  await visit(name, fromDir);
  return [...found.values()];
}
