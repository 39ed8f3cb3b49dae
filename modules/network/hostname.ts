/**
 * Setting the host name: through systemd-hostnamed (`hostnamectl`) where it runs, else by writing
 * /etc/hostname (temporary file, then rename) and telling the kernel with the `hostname` tool. The name has
 * already passed hostnameSchema; `--` keeps it an operand all the same.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { GatehouseError } from '../kernel/errors.js';
import { readHostname } from './read.js';

function run(program: string, args: readonly string[], signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(program, args, { encoding: 'utf8', timeout: 30_000, signal, env: { ...process.env, LC_ALL: 'C.UTF-8', SYSTEMD_PAGER: '' } }, (err, _stdout, stderr) => {
      if (!err) return resolve();
      const errno = (err as NodeJS.ErrnoException).code;
      if (errno === 'ENOENT') return reject(new GatehouseError('not-supported', `${program} is not installed on this host`));
      if (errno === 'ABORT_ERR') return reject(new GatehouseError('cancelled', `${program} was cancelled`));
      const text = (stderr || err.message).trim().split('\n').slice(0, 6).join(' ').slice(0, 600);
      if (/Access denied|Permission denied|not permitted|must be root/i.test(text)) return reject(new GatehouseError('permission-denied', `${program}: ${text}`));
      reject(new GatehouseError('internal-error', `${program} failed: ${text}`));
    });
  });
}

function hostnamedUsable(): boolean {
  // hostnamectl needs systemd as init and the D-Bus system bus to reach systemd-hostnamed.
  return existsSync('/run/systemd/system') && existsSync('/run/dbus/system_bus_socket') && existsSync('/usr/bin/hostnamectl');
}

export async function setHostname(name: string, signal: AbortSignal) {
  let method: 'hostnamectl' | 'hostname';
  if (hostnamedUsable()) {
    await run('hostnamectl', ['set-hostname', '--', name], signal);
    method = 'hostnamectl';
  } else {
    const temporary = `/etc/.hostname.gatehouse-${process.pid}`;
    try {
      await writeFile(temporary, `${name}\n`, { mode: 0o644 });
      await rename(temporary, '/etc/hostname');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new GatehouseError(code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? 'permission-denied' : 'internal-error', `Could not write /etc/hostname: ${(err as Error).message}`);
    }
    await run('hostname', ['--', name], signal);
    method = 'hostname';
  }
  const now = await readHostname();
  if (now.hostname !== name) {
    throw new GatehouseError('internal-error', `${method} reported success but the kernel still says "${now.hostname}".`);
  }
  return { ...now, method };
}
