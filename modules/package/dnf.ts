/**
 * The read side of the package module on rpm hosts (dnf, or yum): search, details and upgrades from dnf's
 * metadata as of the last refresh (`-C`, so a read never reaches the network), installed facts from rpm.
 */
import { GatehouseError } from '../kernel/errors.js';
import type { InstalledPackage, PackageUpgrade } from './contract.js';
import { parseRpmList, rpmQueryFormat } from './parse.js';
import {
  parseCheckUpdate,
  parseDnfInfo,
  parseDnfSearch,
  parseHumanSize,
  parseRpmInfo,
  parseRpmRequires,
  parseSecurityAdvisories,
  rpmVersion,
} from './parse-rpm.js';
import { run } from './tools.js';

type RpmManager = 'dnf' | 'yum';

/**
 * Quiet, from the cache only; dnf (not yum 3) is told to fail at once, naming the holder, rather than wait
 * while another dnf holds its lock.
 */
const readOptions = (manager: RpmManager) => ['-q', '-C', ...(manager === 'dnf' ? ['--setopt=exit_on_lock=True'] : [])];

export async function installedRpms(signal: AbortSignal): Promise<InstalledPackage[]> {
  const { stdout } = await run('rpm', ['-qa', '--queryformat', rpmQueryFormat], signal);
  return parseRpmList(stdout);
}

async function installedRpmNames(names: readonly string[], signal: AbortSignal): Promise<Set<string>> {
  if (names.length === 0) return new Set();
  const counts = Array.from({ length: Math.min(names.length, 255) + 1 }, (_, i) => i);
  const { stdout } = await run('rpm', ['-q', '--queryformat', '%{NAME}\\n', '--', ...names], signal, counts);
  return new Set(stdout.split('\n').filter((line) => line !== '' && !line.startsWith('package ')));
}

export async function searchRpm(manager: RpmManager, words: readonly string[], limit: number, signal: AbortSignal) {
  // dnf search matches words literally (as substrings), so nothing needs escaping; `--` keeps them names.
  const { stdout } = await run(manager, [...readOptions(manager), 'search', '--', ...words], signal, [0, 1]);
  const found = parseDnfSearch(stdout);
  const shown = found.slice(0, limit);
  const installed = await installedRpmNames(
    shown.map((r) => r.name).filter((n) => /^[A-Za-z0-9][A-Za-z0-9+._-]*$/.test(n)),
    signal,
  );
  return { results: shown.map((r) => ({ ...r, installed: installed.has(r.name) })), truncated: found.length > limit };
}

export async function detailsRpm(manager: RpmManager, name: string, signal: AbortSignal) {
  const installed = await run('rpm', ['-qi', '--', name], signal, [0, 1]);
  const rpm = installed.code === 0 ? parseRpmInfo(installed.stdout) : {};
  const isInstalled = rpm.Name !== undefined;
  // The candidate an install (or, when installed, an upgrade) would take; dnf exits 1 when there is none.
  const which = isInstalled ? '--upgrades' : '--available';
  const index = await run(manager, [...readOptions(manager), 'info', which, '--', name], signal, [0, 1]);
  const available = parseDnfInfo(index.stdout).available;
  const candidate = available.at(-1);
  if (!isInstalled && candidate === undefined) {
    throw new GatehouseError('not-found', `There is no package ${name} installed or in the package index. Refresh the index if it is new.`, {
      module: 'package',
      name,
    });
  }
  const requires = isInstalled ? parseRpmRequires((await run('rpm', ['-qR', '--', name], signal, [0, 1])).stdout) : '';
  const fields = isInstalled ? rpm : (candidate ?? {});
  const installedVersion = isInstalled ? rpmVersion(rpm) : undefined;
  const candidateVersion = (candidate ? rpmVersion(candidate) : undefined) ?? installedVersion;
  const sizeBytes = isInstalled ? parseHumanSize(rpm.Size) : undefined;
  const downloadBytes = candidate ? parseHumanSize(candidate.Size) : undefined;
  return {
    name,
    ...(installedVersion ? { installedVersion } : {}),
    ...(candidateVersion ? { candidateVersion } : {}),
    architecture: (fields.Architecture ?? '').slice(0, 64),
    section: (fields.Group && fields.Group !== 'Unspecified' ? fields.Group : (candidate?.Repository ?? '')).slice(0, 256),
    maintainer: (fields.Packager ?? fields.Vendor ?? '').slice(0, 1024),
    homepage: (fields.URL ?? '').slice(0, 2048),
    ...(sizeBytes !== undefined ? { sizeBytes } : {}),
    ...(downloadBytes !== undefined ? { downloadBytes } : {}),
    depends: requires,
    summary: (fields.Summary ?? '').slice(0, 1024),
    description: (fields.Description ?? '').slice(0, 32 * 1024),
  };
}

export async function upgradesRpm(manager: RpmManager, signal: AbortSignal): Promise<PackageUpgrade[]> {
  // check-update exits 100 when there are updates, 0 when there are none.
  const check = await run(manager, [...readOptions(manager), 'check-update'], signal, [0, 100]);
  const updates = parseCheckUpdate(check.stdout);
  if (updates.length === 0) return [];
  // Security marking needs updateinfo in the repositories; where it is missing or the command fails, none is marked.
  const advisories = await run(manager, [...readOptions(manager), 'updateinfo', 'list', '--security'], signal)
    .then((r) => parseSecurityAdvisories(r.stdout))
    .catch(() => new Set<string>());
  const installed = await installedRpms(signal);
  return updates.map((u) => {
    const current = installed.find((p) => p.name === u.name && p.architecture === u.architecture) ?? installed.find((p) => p.name === u.name);
    return {
      name: u.name,
      current: current?.version ?? '',
      available: u.available,
      architecture: u.architecture,
      origin: u.repository,
      security: advisories.has(u.name),
    };
  });
}
