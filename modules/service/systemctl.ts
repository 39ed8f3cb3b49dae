/**
 * Talking to systemd through its own tool: `systemctl` with argument arrays (never a shell), `--` before every
 * unit name, and stderr turned into a problem a person can act on.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { GatehouseError } from '../kernel/errors.js';
import { actionsRefusedOnAgentUnit, type ServiceUnit, type UnitAction } from './contract.js';

/** Largest output we take from one systemctl or journalctl run; a full list on a big host is well under. */
const maxOutputBytes = 32 * 1024 * 1024;

export interface RunResult {
  stdout: string;
  stderr: string;
}

/** Run a program with arguments; rejects with the exit code and trimmed stderr in a GatehouseError. */
export function run(program: string, args: readonly string[], signal?: AbortSignal): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(
      program,
      args,
      { encoding: 'utf8', maxBuffer: maxOutputBytes, signal, env: { ...process.env, LC_ALL: 'C.UTF-8', SYSTEMD_PAGER: '', SYSTEMD_COLORS: '0' } },
      (err, stdout, stderr) => {
        if (!err) return resolve({ stdout, stderr });
        const errno = (err as NodeJS.ErrnoException).code;
        if (errno === 'ENOENT') return reject(new GatehouseError('not-supported', `${program} is not installed on this host`));
        if (errno === 'ABORT_ERR') return reject(new GatehouseError('cancelled', `${program} was cancelled`));
        reject(problemFromStderr(program, stderr || err.message));
      },
    );
  });
}

/** systemd's words mapped to problem codes; the tool's message (trimmed) always goes with it. */
export function problemFromStderr(program: string, stderr: string): GatehouseError {
  const text = stderr.trim().split('\n').slice(0, 6).join(' ').slice(0, 600) || `${program} failed`;
  if (/not (been )?booted with systemd|Failed to connect to bus|System has not been booted/i.test(text)) {
    return new GatehouseError('not-supported', `systemd is not running on this host: ${text}`);
  }
  if (/not found|No such file|does not exist|not loaded/i.test(text)) return new GatehouseError('not-found', text);
  if (/Access denied|Interactive authentication required|Permission denied|must be root/i.test(text)) {
    return new GatehouseError('permission-denied', text);
  }
  if (/already exists/i.test(text)) return new GatehouseError('exists', text);
  if (/is masked/i.test(text)) return new GatehouseError('conflict', `${text} Unmask it first.`);
  if (/refuse|not allowed|cannot be/i.test(text)) return new GatehouseError('conflict', text);
  return new GatehouseError('internal-error', text);
}

/** True when systemd is PID 1 (the test sd_booted(3) uses). */
export function systemdRunning(): boolean {
  return existsSync('/run/systemd/system');
}

/** Refuse early, and clearly, on a host without systemd. */
export function requireSystemd(): void {
  if (!systemdRunning()) {
    throw new GatehouseError('not-supported', 'this host does not run systemd; only its /etc/init.d scripts can be listed');
  }
}

/** The names of the SysV init scripts a host without systemd has; read-only. */
export async function initScripts(directory = '/etc/init.d'): Promise<string[]> {
  try {
    const entries = await readdir(directory, { withFileTypes: true });
    return entries
      .filter((e) => (e.isFile() || e.isSymbolicLink()) && !e.name.startsWith('.') && e.name !== 'README' && e.name !== 'skeleton')
      .map((e) => e.name.slice(0, 256))
      .sort();
  } catch {
    return [];
  }
}

interface ListedUnit {
  unit?: unknown;
  load?: unknown;
  active?: unknown;
  sub?: unknown;
  description?: unknown;
}
interface ListedFile {
  unit_file?: unknown;
  state?: unknown;
}

const text = (value: unknown, max: number): string => (typeof value === 'string' ? value.slice(0, max) : '');

/** The last path segment: list-unit-files reports paths in some versions, names in others. */
function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * Merge `list-units --all` (loaded units, with states) and `list-unit-files` (enablement, and the units
 * systemd has not loaded). Templates (`foo@.service`) are left out: they cannot be started without an instance.
 */
export function mergeUnits(listedJson: string, filesJson: string): ServiceUnit[] {
  const listed = JSON.parse(listedJson) as ListedUnit[];
  const files = JSON.parse(filesJson) as ListedFile[];
  const enablement = new Map<string, string>();
  for (const file of Array.isArray(files) ? files : []) {
    const name = baseName(text(file.unit_file, 512));
    if (name) enablement.set(name, text(file.state, 64));
  }
  const units = new Map<string, ServiceUnit>();
  for (const unit of Array.isArray(listed) ? listed : []) {
    const name = text(unit.unit, 512);
    if (!name) continue;
    units.set(name, {
      name,
      load: text(unit.load, 64),
      active: text(unit.active, 64),
      sub: text(unit.sub, 64),
      enabled: enablement.get(name) ?? instanceEnablement(name, enablement),
      // For a unit that is referenced but not installed, systemd repeats the name as its description.
      description: text(unit.description, 1024) === name ? '' : text(unit.description, 1024),
    });
  }
  for (const [name, enabled] of enablement) {
    if (units.has(name) || name.includes('@.')) continue;
    units.set(name, { name, load: 'unloaded', active: 'inactive', sub: 'dead', enabled, description: '' });
  }
  return [...units.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** `getty@tty1.service` is enabled when its template is, unless the instance has its own entry. */
function instanceEnablement(name: string, enablement: Map<string, string>): string {
  const at = name.indexOf('@');
  if (at < 0) return '';
  const template = `${name.slice(0, at + 1)}${name.slice(name.lastIndexOf('.'))}`;
  return enablement.get(template) ?? '';
}

export async function listUnits(signal?: AbortSignal): Promise<ServiceUnit[]> {
  const [listed, files] = await Promise.all([
    run('systemctl', ['list-units', '--all', '--output=json', '--no-pager', '--no-legend'], signal),
    run('systemctl', ['list-unit-files', '--output=json', '--no-pager', '--no-legend'], signal),
  ]);
  const units = mergeUnits(listed.stdout, files.stdout);
  return fillDescriptions(units, signal);
}

/**
 * Descriptions of units systemd has not loaded, by name. Asking means loading each unit file, which is the
 * slow part of a list; unit files rarely change, and a page refreshes its list every few seconds.
 */
const unloadedDescriptions = new Map<string, string>();
const maxRememberedDescriptions = 4096;

/** Units systemd has not loaded have no description in the lists; one `show` call asks for the new ones. */
async function fillDescriptions(units: ServiceUnit[], signal?: AbortSignal): Promise<ServiceUnit[]> {
  const missing = units.filter((u) => u.load === 'unloaded' && u.description === '' && !unloadedDescriptions.has(u.name)).map((u) => u.name);
  if (missing.length > 0) {
    try {
      const { stdout } = await run('systemctl', ['show', '--property=Id,Description', '--', ...missing], signal);
      if (unloadedDescriptions.size + missing.length > maxRememberedDescriptions) unloadedDescriptions.clear();
      for (const name of missing) unloadedDescriptions.set(name, '');
      for (const block of parseShowBlocks(stdout)) {
        if (block.Id && block.Description && block.Description !== block.Id) unloadedDescriptions.set(block.Id, block.Description.slice(0, 1024));
      }
    } catch {
      // Descriptions are a nicety; the list stands without them (and asks again next time).
    }
  }
  return units.map((u) => (u.load === 'unloaded' && u.description === '' ? { ...u, description: unloadedDescriptions.get(u.name) ?? '' } : u));
}

/** `systemctl show` prints `Key=value` lines, one block per unit separated by blank lines. */
export function parseShowBlocks(output: string): Array<Record<string, string>> {
  const blocks: Array<Record<string, string>> = [];
  let current: Record<string, string> = {};
  for (const line of output.split('\n')) {
    if (line === '') {
      if (Object.keys(current).length > 0) blocks.push(current);
      current = {};
      continue;
    }
    const eq = line.indexOf('=');
    if (eq > 0) current[line.slice(0, eq)] = line.slice(eq + 1);
  }
  if (Object.keys(current).length > 0) blocks.push(current);
  return blocks;
}

const detailProperties = [
  'Id',
  'Description',
  'LoadState',
  'ActiveState',
  'SubState',
  'UnitFileState',
  'FragmentPath',
  'MainPID',
  'ActiveEnterTimestamp',
  'MemoryCurrent',
  'Requires',
  'WantedBy',
];

export async function showUnit(unit: string, signal?: AbortSignal): Promise<Record<string, string>> {
  const { stdout } = await run('systemctl', ['show', `--property=${detailProperties.join(',')}`, '--', unit], signal);
  return parseShowBlocks(stdout)[0] ?? {};
}

/** `systemctl show` prints timestamps like `Tue 2026-11-24 04:50:01 UTC`; an empty or unparsable one is ''. */
export function isoFromShowTimestamp(value: string | undefined): string {
  if (!value || value === 'n/a') return '';
  const match = /(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?: (\S+))?/.exec(value);
  if (!match) return '';
  const zone = match[3] === 'UTC' || match[3] === undefined ? 'Z' : '';
  const parsed = new Date(`${match[1]}T${match[2]}${zone}`);
  return Number.isNaN(parsed.getTime()) ? '' : parsed.toISOString();
}

export function unitStateFrom(unit: string, props: Record<string, string>) {
  return {
    unit,
    load: (props.LoadState ?? '').slice(0, 64),
    active: (props.ActiveState ?? '').slice(0, 64),
    sub: (props.SubState ?? '').slice(0, 64),
    enabled: (props.UnitFileState ?? '').slice(0, 64),
  };
}

/** The unit this agent runs in, from its cgroup (e.g. `0::/system.slice/gatehouse-agent.service`). */
export async function ownUnit(cgroupFile = '/proc/self/cgroup'): Promise<string | undefined> {
  try {
    const content = await readFile(cgroupFile, 'utf8');
    for (const line of content.split('\n')) {
      const match = /\/([^/]+\.service)$/.exec(line.trim());
      if (match) return match[1];
    }
  } catch {
    // No cgroup file: not Linux, or a very restricted sandbox; nothing to protect.
  }
  return undefined;
}

/** True when the action would cut the operator off from this host: aimed at the agent's own unit. */
export function refusesOwnUnit(action: UnitAction, unit: string, own: string | undefined): boolean {
  return own !== undefined && unit === own && actionsRefusedOnAgentUnit.has(action);
}

/** Run one unit action; `--no-ask-password` so a missing privilege is an error, not a hang. */
export async function unitAction(action: UnitAction, unit: string, signal?: AbortSignal): Promise<void> {
  await run('systemctl', ['--no-ask-password', action, '--', unit], signal);
}
