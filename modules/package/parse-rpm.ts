/**
 * Parsers for what rpm and dnf print (dnf 4, as on RHEL 8/9, Fedora, and Debian's dnf 4.14). Pure functions
 * over text, unit-tested with recorded output; everything is bounded because agent data is untrusted.
 */
const cut = (value: string | undefined, max: number) => (value ?? '').slice(0, max);

/** Field names as rpm and dnf print them: words of letters (never `__proto__`). */
const fieldLine = /^([A-Za-z][A-Za-z ]*?)\s*: ?(.*)$/;

/**
 * `rpm -qi NAME`: the first package's fields (`Name        : bash`). Description is the last field and runs
 * over the following lines until the next package starts.
 */
export function parseRpmInfo(stdout: string): Record<string, string> {
  const fields: Record<string, string> = {};
  let description: string[] | undefined;
  for (const line of stdout.split('\n')) {
    const match = fieldLine.exec(line);
    if (description) {
      if (match?.[1] === 'Name') break;
      description.push(line);
      continue;
    }
    if (!match) continue;
    const [, key = '', value = ''] = match;
    if (key === 'Name' && fields.Name !== undefined) break;
    if (key === 'Description') {
      description = value === '' ? [] : [value];
      continue;
    }
    fields[key] = value.trim();
  }
  if (description) fields.Description = description.join('\n').replace(/\s+$/, '');
  return fields;
}

export interface DnfInfo {
  installed: Record<string, string>[];
  available: Record<string, string>[];
}

/**
 * `dnf info NAME`: blocks of `Key : value` under "Installed Packages" and "Available Packages", a value going
 * on over lines that start with `: `.
 */
export function parseDnfInfo(stdout: string): DnfInfo {
  const info: DnfInfo = { installed: [], available: [] };
  let section: Record<string, string>[] | undefined;
  let current: Record<string, string> | undefined;
  let last: string | undefined;
  for (const line of stdout.split('\n')) {
    if (/^Installed Packages\s*$/.test(line)) {
      section = info.installed;
      current = undefined;
      continue;
    }
    if (/^Available (Packages|Upgrades)\s*$/.test(line)) {
      section = info.available;
      current = undefined;
      continue;
    }
    if (!section) continue;
    const continued = /^\s+: ?(.*)$/.exec(line);
    if (continued && current && last) {
      current[last] += `\n${continued[1] ?? ''}`;
      continue;
    }
    const match = fieldLine.exec(line);
    if (!match) continue;
    const [, key = '', value = ''] = match;
    if (key === 'Name') {
      if (section.length >= 100) break;
      current = {};
      section.push(current);
    }
    if (!current || Object.hasOwn(current, key)) continue;
    current[key] = value.trim();
    last = key;
  }
  return info;
}

/** `[epoch:]version-release` from rpm or dnf fields, an epoch of 0 left out as `rpm -q` does. */
export function rpmVersion(fields: Record<string, string>): string | undefined {
  if (!fields.Version) return undefined;
  const epoch = fields.Epoch && fields.Epoch !== '0' && fields.Epoch !== '(none)' ? `${fields.Epoch}:` : '';
  return cut(`${epoch}${fields.Version}${fields.Release ? `-${fields.Release}` : ''}`, 256);
}

/** dnf's sizes: `23`, `6.1 k`, `1.2 M`, `3.4 G` (powers of 1024); undefined when it is not one. */
export function parseHumanSize(text: string | undefined): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([kKMGT]?)$/.exec((text ?? '').trim());
  if (!match) return undefined;
  const power = { '': 0, k: 1, K: 1, M: 2, G: 3, T: 4 }[match[2] as '' | 'k'] ?? 0;
  return Math.round(Number(match[1]) * 1024 ** power);
}

/** `name.arch` → name and arch; the arch is after the last dot (names may have dots: python3.11). */
export function splitNameArch(value: string): { name: string; architecture: string } {
  const dot = value.lastIndexOf('.');
  return dot <= 0 ? { name: value, architecture: '' } : { name: value.slice(0, dot), architecture: value.slice(dot + 1) };
}

/**
 * `dnf search WORDS`: `name.arch : summary` lines under `=== Name Matched: … ===` headings; a package built for
 * two architectures is listed once.
 */
export function parseDnfSearch(stdout: string): { name: string; summary: string }[] {
  const results: { name: string; summary: string }[] = [];
  const seen = new Set<string>();
  let previous: { name: string; summary: string } | undefined;
  for (const line of stdout.split('\n')) {
    const continued = /^\s+: (.*)$/.exec(line);
    if (continued && previous) {
      previous.summary = cut(`${previous.summary} ${continued[1]}`, 1024);
      continue;
    }
    const match = /^(\S+) : (.*)$/.exec(line);
    previous = undefined;
    if (!match || line.startsWith('=')) continue;
    const { name } = splitNameArch(match[1] ?? '');
    if (seen.has(name)) continue;
    seen.add(name);
    previous = { name: cut(name, 256), summary: cut(match[2], 1024) };
    results.push(previous);
  }
  return results;
}

export interface DnfUpdate {
  name: string;
  architecture: string;
  available: string;
  repository: string;
}

/**
 * `dnf check-update` (exit 100 when there are updates): `name.arch  version-release  repo` columns. A long
 * name.arch is printed alone with the rest on the next line. "Obsoleting Packages" and what follows are not
 * updates of installed packages.
 */
export function parseCheckUpdate(stdout: string): DnfUpdate[] {
  const updates: DnfUpdate[] = [];
  let carried = '';
  for (const line of stdout.split('\n')) {
    if (/^Obsoleting Packages/.test(line)) break;
    if (/^(Last metadata expiration check|Security:)/.test(line)) continue;
    const words = `${carried} ${line}`.trim().split(/\s+/).filter(Boolean);
    carried = '';
    if (words.length === 1 && words[0]!.includes('.') && /^\S/.test(line)) {
      carried = words[0]!;
      continue;
    }
    if (words.length !== 3 || !words[0]!.includes('.')) continue;
    const [nameArch = '', available = '', repository = ''] = words;
    const { name, architecture } = splitNameArch(nameArch);
    updates.push({ name: cut(name, 256), architecture: cut(architecture, 64), available: cut(available, 256), repository: cut(repository, 1024) });
  }
  return updates;
}

/**
 * `dnf updateinfo list --security`: `ADVISORY  Severity/Sec.  name-[epoch:]version-release.arch` lines; the
 * names of the packages a security advisory covers.
 */
export function parseSecurityAdvisories(stdout: string): Set<string> {
  const names = new Set<string>();
  for (const line of stdout.split('\n')) {
    const words = line.trim().split(/\s+/);
    if (words.length !== 3) continue;
    const name = /^(.+)-(?:\d+:)?[^-]+-[^-]+\.[^.]+$/.exec(words[2] ?? '')?.[1];
    if (name) names.add(cut(name, 256));
  }
  return names;
}

/** `rpm -qR NAME`: what a package requires, without rpm's own feature markers (`rpmlib(…)`). */
export function parseRpmRequires(stdout: string): string {
  return cut(
    [...new Set(stdout.split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('rpmlib(')))].join(', '),
    8192,
  );
}
