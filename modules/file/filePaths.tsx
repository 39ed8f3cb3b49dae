/** Path arithmetic for the browser. Only for display and for building the next request; the agent resolves and jails. */

export function joinPath(directory: string, name: string): string {
  return directory.endsWith('/') ? `${directory}${name}` : `${directory}/${name}`;
}

export function parentPath(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  const index = trimmed.lastIndexOf('/');
  return index <= 0 ? '/' : trimmed.slice(0, index);
}

export function baseName(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1) || '/';
}

/** "/etc/nginx" → [{ name: '/', path: '/' }, { name: 'etc', path: '/etc' }, { name: 'nginx', path: '/etc/nginx' }] */
export function pathSegments(path: string): { name: string; path: string }[] {
  const segments = [{ name: '/', path: '/' }];
  let current = '';
  for (const part of path.split('/')) {
    if (part === '') continue;
    current += `/${part}`;
    segments.push({ name: part, path: current });
  }
  return segments;
}

/** Tidy what a person typed: collapse repeated slashes, drop a trailing one. Relative input is not a path. */
export function normalizeTypedPath(text: string): string | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith('/')) return undefined;
  const collapsed = trimmed.replace(/\/{2,}/g, '/');
  return collapsed.length > 1 ? collapsed.replace(/\/$/, '') : collapsed;
}

/** A plain file name: what the contract accepts for new files, folders and renames. */
export function nameProblem(name: string): string | undefined {
  if (name.trim() === '') return 'Enter a name';
  if (name === '.' || name === '..') return 'Not a usable name';
  if (name.includes('/')) return 'A name cannot contain “/”';
  if (name.length > 255) return 'At most 255 characters';
  return undefined;
}
