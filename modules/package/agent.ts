/**
 * The agent's end of the package module. The dispatcher has already checked params (package names against
 * Debian policy, a package file's path), results and the read-only policy. Programs run with argument arrays,
 * `--` before names, never a shell. apt/dpkg hosts are served here; rpm hosts (dnf, yum) by dnf.ts; long
 * operations for both by operation.ts.
 */
import { GatehouseError } from '../kernel/errors.js';
import { defineHandlers } from '../kernel/handler.js';
import { contract } from './contract.js';
import { detailsRpm, installedRpms, searchRpm, upgradesRpm } from './dnf.js';
import { checkPackageFile } from './local-file.js';
import { dpkgInterrupted } from './locks.js';
import { operation } from './operation.js';
import { dpkgQueryFormat, parseDpkgList, parseSearch, parseSimulatedUpgrades, parseStanza } from './parse.js';
import { detectManager, noManager, run } from './tools.js';

async function installedNames(names: readonly string[], signal: AbortSignal): Promise<Set<string>> {
  if (names.length === 0) return new Set();
  const { stdout } = await run('dpkg-query', ['-W', '-f=${Package}\\t${db:Status-Abbrev}\\n', '--', ...names], signal, [0, 1]);
  return new Set(
    stdout
      .split('\n')
      .map((line) => line.split('\t'))
      .filter(([, status]) => status !== undefined && status[1] !== 'n' && status[1] !== 'c')
      .map(([name]) => name as string),
  );
}

const firstLine = (value: string | undefined) => (value ?? '').split('\n')[0] ?? '';
const kib = (value: string | undefined) => (value && /^\d+$/.test(value) ? Number(value) * 1024 : undefined);
const bytes = (value: string | undefined) => (value && /^\d+$/.test(value) ? Number(value) : undefined);

export const handlers = defineHandlers(contract, {
  methods: {
    async list(_params, context) {
      const manager = detectManager();
      if (manager === 'apt') {
        const { stdout } = await run('dpkg-query', ['-W', `-f=${dpkgQueryFormat}`], context.signal);
        return { manager, packages: parseDpkgList(stdout), needsConfigure: await dpkgInterrupted(context.signal) };
      }
      if (manager === 'dnf' || manager === 'yum') return { manager, packages: await installedRpms(context.signal), needsConfigure: false };
      return { manager, packages: [], needsConfigure: false };
    },

    async search({ query, limit }, context) {
      const manager = detectManager();
      const words = query.split(' ').filter(Boolean);
      if (manager === 'dnf' || manager === 'yum') return searchRpm(manager, words, limit, context.signal);
      if (manager !== 'apt') throw noManager();
      // apt-cache search takes regular expressions: escape the dots and pluses so words match literally.
      const patterns = words.map((w) => w.replace(/[.+]/g, '\\$&'));
      const { stdout } = await run('apt-cache', ['search', '--', ...patterns], context.signal);
      const found = parseSearch(stdout);
      const shown = found.slice(0, limit);
      const installed = await installedNames(shown.map((r) => r.name).filter((n) => /^[a-z0-9][a-z0-9+.-]+$/.test(n)), context.signal);
      return { results: shown.map((r) => ({ ...r, installed: installed.has(r.name) })), truncated: found.length > limit };
    },

    async details({ name }, context) {
      const manager = detectManager();
      if (manager === 'dnf' || manager === 'yum') return detailsRpm(manager, name, context.signal);
      if (manager !== 'apt') throw noManager();
      const installed = await run('dpkg-query', ['-s', '--', name], context.signal, [0, 1]);
      const status = installed.code === 0 ? parseStanza(installed.stdout) : {};
      const isInstalled = /install ok (installed|half|unpacked)/.test(status.Status ?? '');
      const show = await run('apt-cache', ['show', '--no-all-versions', '--', name], context.signal, [0, 100]);
      const index = show.code === 0 ? parseStanza(show.stdout) : {};
      if (!isInstalled && Object.keys(index).length === 0) {
        throw new GatehouseError('not-found', `There is no package ${name} installed or in the package index. Refresh the index if it is new.`, {
          module: 'package',
          name,
        });
      }
      const policy = await run('apt-cache', ['policy', '--', name], context.signal, [0, 100]);
      const candidate = /Candidate: (\S+)/.exec(policy.stdout)?.[1];
      const fields = isInstalled ? { ...index, ...status } : index;
      const description = fields.Description ?? '';
      return {
        name,
        ...(isInstalled && status.Version ? { installedVersion: status.Version.slice(0, 256) } : {}),
        ...(candidate && candidate !== '(none)' ? { candidateVersion: candidate.slice(0, 256) } : {}),
        architecture: (fields.Architecture ?? '').slice(0, 64),
        section: (fields.Section ?? '').slice(0, 256),
        maintainer: (fields.Maintainer ?? '').slice(0, 1024),
        homepage: (fields.Homepage ?? '').slice(0, 2048),
        ...(kib(fields['Installed-Size']) !== undefined ? { sizeBytes: kib(fields['Installed-Size']) } : {}),
        ...(bytes(index.Size) !== undefined ? { downloadBytes: bytes(index.Size) } : {}),
        depends: (fields.Depends ?? '').slice(0, 8192),
        summary: firstLine(description).slice(0, 1024),
        description: description.split('\n').slice(1).join('\n').slice(0, 32 * 1024),
      };
    },

    async upgrades(_params, context) {
      const manager = detectManager();
      if (manager === 'none') return { manager, upgrades: [] };
      if (manager === 'dnf' || manager === 'yum') return { manager, upgrades: await upgradesRpm(manager, context.signal) };
      // A simulation reads the index only; NoLocking lets it answer while another program holds the lock.
      const { stdout } = await run('apt-get', ['-s', '-q', '-o', 'Debug::NoLocking=1', '-o', 'APT::Color=0', 'dist-upgrade'], context.signal);
      return { manager, upgrades: parseSimulatedUpgrades(stdout) };
    },
  },
  streams: {
    refresh: (_params, stream) => operation('refresh', stream),
    install: ({ names }, stream) => operation('install', stream, names),
    upgrade: ({ names }, stream) => operation('upgrade', stream, names ?? []),
    remove: ({ names, purge }, stream) => operation('remove', stream, names, purge),
    async installFile({ path }, stream) {
      const manager = detectManager();
      const real = await checkPackageFile(path, manager);
      return operation('installFile', stream, [real], false, manager);
    },
  },
});
