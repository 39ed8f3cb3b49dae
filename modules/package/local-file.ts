/**
 * A package file on the host to install (SECURITY.md rule 2): the path is resolved to its real path first and
 * only what that names is checked and handed to the package manager, so a symlink cannot smuggle in a device,
 * a directory or a file of the other kind.
 */
import { realpath, stat } from 'node:fs/promises';
import { GatehouseError } from '../kernel/errors.js';
import { noManager, type Manager } from './tools.js';

/** What each manager installs from a file. */
export const packageFileExtension: Partial<Record<Manager, string>> = { apt: '.deb', dnf: '.rpm', yum: '.rpm' };

const controlCharacters = /[\u0000-\u001f\u007f]/;

/** The real path of a package file this host's manager can install, or a problem naming what is wrong with it. */
export async function checkPackageFile(requested: string, manager: Manager): Promise<string> {
  const context = { module: 'package', path: requested.slice(0, 256) };
  const extension = packageFileExtension[manager];
  if (extension === undefined) throw noManager();
  // The contract refuses these already; checked again because this is what reaches the package manager.
  if (!requested.startsWith('/')) throw new GatehouseError('invalid-params', 'The path must be absolute (start with /).', context);
  if (controlCharacters.test(requested)) {
    throw new GatehouseError('invalid-params', 'The path must not contain NUL, newlines or other control characters.', context);
  }
  let real: string;
  try {
    real = await realpath(requested);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new GatehouseError('not-found', `There is no file ${requested} on this host.`, context);
    if (code === 'EACCES') throw new GatehouseError('permission-denied', `The agent may not read ${requested}.`, context);
    throw new GatehouseError('invalid-params', `The path ${requested} cannot be resolved (${code ?? 'error'}).`, context);
  }
  // A symlink's target may hold what the request could not.
  if (controlCharacters.test(real)) throw new GatehouseError('invalid-params', 'The file’s real path contains control characters.', context);
  const info = await stat(real).catch(() => undefined);
  if (info === undefined) throw new GatehouseError('not-found', `There is no file ${requested} on this host.`, context);
  if (info.isDirectory()) throw new GatehouseError('invalid-params', `${requested} is a directory, not a package file.`, context);
  if (!info.isFile()) throw new GatehouseError('invalid-params', `${requested} is not a regular file (a device, socket or pipe).`, context);
  if (!real.endsWith(extension) || real.length === extension.length + 1) {
    const was = real === requested ? '' : ` (it leads to ${real})`;
    throw new GatehouseError(
      'invalid-params',
      `${requested}${was} is not a ${extension} file; this host's package manager (${manager}) installs ${extension} files.`,
      context,
    );
  }
  return real;
}
