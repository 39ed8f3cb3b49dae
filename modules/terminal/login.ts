/**
 * Who a terminal's shell runs as and how it starts: the account from /etc/passwd, its login shell with `-l`,
 * its home as the working directory, a small clean environment, and the account's own groups.
 *
 * Privileges are dropped by util-linux `setpriv`, not by node-pty's uid/gid options: node-pty calls setgid and
 * setuid but never setgroups, so the shell would keep the agent's supplementary groups (root's, under sudo)
 * and miss the user's own (adm, docker, …). setpriv sets all three, and it is Essential on Debian.
 */
import { access, constants, readFile, stat } from 'node:fs/promises';
import { groupEntries, groupPath, passwdEntries, passwdPath, type PasswdEntry } from '../kernel/accounts.js';
import { GatehouseError } from '../kernel/errors.js';

export interface AccountFiles {
  readonly passwd: string;
  readonly group: string;
}

export const hostAccountFiles: AccountFiles = { passwd: passwdPath, group: groupPath };

/** What to spawn in the PTY: never a shell command line, always a program and an argument array. */
export interface LoginPlan {
  readonly account: PasswdEntry;
  readonly file: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
}

/** The shell login(1) uses when passwd names none. */
const fallbackShell = '/bin/sh';
const setprivPaths = ['/usr/bin/setpriv', '/bin/setpriv'];
// Debian's login.defs ENV_SUPATH and ENV_PATH; a login shell's profile usually sets its own on top.
const rootPath = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const userPath = '/usr/local/bin:/usr/bin:/bin:/usr/local/games:/usr/games';

/**
 * Plan a login shell for `unixUser` (already checked against the contract's name pattern). Unknown user:
 * `not-found`. An agent that is not root can only open shells as its own user: `permission-denied`.
 */
export async function planLogin(unixUser: string, files: AccountFiles = hostAccountFiles): Promise<LoginPlan> {
  const account = passwdEntries(await readAccountFile(files.passwd)).find((entry) => entry.name === unixUser);
  if (!account) throw new GatehouseError('not-found', `No such Unix user: ${unixUser}`, { unixUser });
  const shell = account.shell.startsWith('/') ? account.shell : fallbackShell;
  const home = account.home.startsWith('/') ? account.home : '/';
  const env = {
    HOME: home,
    USER: account.name,
    LOGNAME: account.name,
    SHELL: shell,
    TERM: 'xterm-256color',
    LANG: 'C.UTF-8',
    PATH: account.uid === 0 ? rootPath : userPath,
  };
  const cwd = (await isDirectory(home)) ? home : '/';
  const agentUid = process.getuid?.() ?? -1;
  if (account.uid === agentUid) return { account, file: shell, args: ['-l'], cwd, env };
  if (agentUid !== 0) {
    const message = `The agent runs as uid ${agentUid} and can only open shells as its own user, not ${unixUser}`;
    throw new GatehouseError('permission-denied', message, { unixUser });
  }
  const groups = groupEntries(await readAccountFile(files.group))
    .filter((group) => group.members.includes(account.name))
    .map((group) => group.gid);
  const allGroups = [...new Set([account.gid, ...groups])];
  return {
    account,
    file: await setprivPath(),
    // Numbers only before `--`; the shell path comes from passwd, which only root can write.
    args: [`--reuid=${account.uid}`, `--regid=${account.gid}`, `--groups=${allGroups.join(',')}`, '--', shell, '-l'],
    cwd,
    env,
  };
}

async function readAccountFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    // No passwd (a minimal container): every user is unknown, which the caller reports as not-found.
    return '';
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function setprivPath(): Promise<string> {
  for (const path of setprivPaths) {
    try {
      await access(path, constants.X_OK);
      return path;
    } catch {
      // try the next place
    }
  }
  throw new GatehouseError('not-supported', 'Opening a shell as another user needs setpriv (util-linux), which this host lacks');
}
