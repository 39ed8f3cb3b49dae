/**
 * The agent's end of the user module. The dispatcher has already checked params against the contract (names
 * match the system's rules) and refused changes on a read-only agent; here each change looks the account up
 * first, then runs the shadow tool with an argument array, and answers with the account as it is afterwards.
 */
import { GatehouseError, type ProblemCode } from '../kernel/errors.js';
import { defineHandlers } from '../kernel/handler.js';
import { allowedShells, findUser, listUsers, readAccountDatabase, requireGroups, requireShell } from './accounts.js';
import { addAuthorizedKey, listAuthorizedKeys, removeAuthorizedKey } from './authorized-keys.js';
import { contract } from './contract.js';
import { runTool } from './tools.js';

// Exit codes from useradd(8), usermod(8), userdel(8).
const useraddExits: Record<number, ProblemCode> = { 2: 'invalid-params', 3: 'invalid-params', 4: 'exists', 6: 'not-found', 9: 'exists' };
const usermodExits: Record<number, ProblemCode> = { 2: 'invalid-params', 3: 'invalid-params', 4: 'exists', 6: 'not-found', 8: 'conflict', 9: 'exists', 16: 'exists' };
const userdelExits: Record<number, ProblemCode> = { 2: 'invalid-params', 6: 'not-found', 8: 'conflict' };
const chageExits: Record<number, ProblemCode> = { 2: 'invalid-params', 3: 'invalid-params' };

/** Top-level trees a home directory may sit in but never be, nor lie under, when userdel -r deletes it. */
const systemTrees = ['/bin', '/boot', '/dev', '/etc', '/lib', '/lib32', '/lib64', '/proc', '/run', '/sbin', '/sys', '/usr'];

function ctx(method: string, name: string) {
  return { module: 'user', method, user: name };
}

/** Why removing this home would hurt something other than the user, or undefined. */
export function homeRemovalRefusal(home: string, otherHomes: readonly string[]): string | undefined {
  const parts = home.split('/').filter((part) => part !== '');
  if (!home.startsWith('/') || parts.length < 2) return `its home ${home || '(none)'} is too close to / to delete`;
  if (systemTrees.some((tree) => home === tree || home.startsWith(`${tree}/`))) return `its home ${home} is a system directory`;
  const shared = otherHomes.find((other) => other === home || other.startsWith(`${home}/`));
  if (shared) return `another account's home (${shared}) is ${shared === home ? 'the same directory' : 'inside it'}`;
  return undefined;
}

export const handlers = defineHandlers(contract, {
  methods: {
    list: async () => ({ users: await listUsers(), sampledAt: new Date().toISOString() }),

    shells: async () => ({ shells: await allowedShells() }),

    create: async (params, { signal }) => {
      const context = ctx('create', params.name);
      const db = await readAccountDatabase();
      if (db.users.some((u) => u.name === params.name)) {
        throw new GatehouseError('exists', `There is already a user "${params.name}".`, context);
      }
      // useradd -U makes a group of the user's name; say so plainly instead of useradd's terse exit 9.
      if (!params.primaryGroup && db.groups.some((g) => g.name === params.name)) {
        throw new GatehouseError('exists', `There is already a group "${params.name}"; choose it as the primary group, or another name.`, context);
      }
      requireGroups(db, params.primaryGroup ? [params.primaryGroup] : [], 'primaryGroup', context);
      requireGroups(db, params.groups, 'groups', context);
      if (params.shell) await requireShell(params.shell, context);
      const args = [params.createHome ? '--create-home' : '--no-create-home'];
      if (params.comment !== undefined) args.push('--comment', params.comment);
      if (params.home) args.push('--home-dir', params.home);
      if (params.shell) args.push('--shell', params.shell);
      if (params.uid !== undefined) args.push('--uid', String(params.uid));
      if (params.primaryGroup) args.push('--gid', params.primaryGroup);
      else args.push('--user-group');
      if (params.groups.length > 0) args.push('--groups', params.groups.join(','));
      if (params.system) args.push('--system');
      await runTool({ program: 'useradd', args: [...args, '--', params.name], exitCodes: useraddExits, signal, context });
      return { user: await findUser(params.name, context) };
    },

    modify: async (params, { signal }) => {
      const context = ctx('modify', params.name);
      const before = await findUser(params.name, context);
      const db = await readAccountDatabase();
      requireGroups(db, params.primaryGroup ? [params.primaryGroup] : [], 'primaryGroup', context);
      requireGroups(db, params.groups ?? [], 'groups', context);
      if (params.shell !== undefined && params.shell !== before.shell) await requireShell(params.shell, context);
      const args: string[] = [];
      if (params.comment !== undefined) args.push('--comment', params.comment);
      if (params.shell !== undefined) args.push('--shell', params.shell);
      if (params.home !== undefined && params.home !== before.home) {
        args.push('--home', params.home);
        if (params.moveHome) args.push('--move-home');
      }
      if (params.primaryGroup !== undefined) args.push('--gid', params.primaryGroup);
      // An empty list is how usermod is told "no supplementary groups".
      if (params.groups !== undefined) args.push('--groups', params.groups.join(','));
      if (args.length > 0) {
        await runTool({ program: 'usermod', args: [...args, '--', params.name], exitCodes: usermodExits, signal, context });
      }
      return { user: await findUser(params.name, context) };
    },

    lock: async ({ name }, { signal }) => {
      const context = ctx('lock', name);
      await findUser(name, context);
      await runTool({ program: 'usermod', args: ['--lock', '--', name], exitCodes: usermodExits, signal, context });
      return { user: await findUser(name, context) };
    },

    unlock: async ({ name }, { signal }) => {
      const context = ctx('unlock', name);
      const user = await findUser(name, context);
      if (!user.locked) return { user };
      // usermod -U refuses to leave an account with an empty password; say what to do instead.
      if ((await readAccountDatabase()).shadow.get(name)?.hashSet === false) {
        throw new GatehouseError('conflict', `${name} has no password to unlock; set a password instead, which also unlocks it.`, context);
      }
      await runTool({ program: 'usermod', args: ['--unlock', '--', name], exitCodes: usermodExits, signal, context });
      return { user: await findUser(name, context) };
    },

    expire: async (params, { signal }) => {
      const context = ctx('expire', params.name);
      await findUser(params.name, context);
      if (params.accountExpiresOn !== undefined) {
        // chage -E takes a date, 0 (expired since 1970: "now") or -1 (never).
        const value = params.accountExpiresOn === null ? '-1' : params.accountExpiresOn === 'now' ? '0' : params.accountExpiresOn;
        await runTool({ program: 'chage', args: ['--expiredate', value, '--', params.name], exitCodes: chageExits, signal, context });
      }
      if (params.forcePasswordChange) {
        await runTool({ program: 'chage', args: ['--lastday', '0', '--', params.name], exitCodes: chageExits, signal, context });
      }
      return { user: await findUser(params.name, context) };
    },

    setPassword: async ({ name, password }, { signal }) => {
      const context = ctx('setPassword', name);
      await findUser(name, context);
      await runTool({ program: 'chpasswd', args: [], input: `${name}:${password}\n`, secrets: [password], signal, context });
      return { user: await findUser(name, context) };
    },

    delete: async ({ name, removeHome }, { signal }) => {
      const context = ctx('delete', name);
      const db = await readAccountDatabase();
      const entry = db.users.find((u) => u.name === name);
      if (!entry) throw new GatehouseError('not-found', `There is no user "${name}" on this host.`, context);
      if (entry.uid === 0) throw new GatehouseError('forbidden', `Refusing to delete ${name}: uid 0 is the superuser.`, context);
      if (entry.uid === process.getuid?.()) {
        throw new GatehouseError('forbidden', `Refusing to delete ${name}: the Gatehouse agent runs as this user.`, context);
      }
      if (removeHome) {
        const others = db.users.filter((u) => u.name !== name).map((u) => u.home);
        const refusal = homeRemovalRefusal(entry.home, others);
        if (refusal) throw new GatehouseError('forbidden', `Refusing to delete ${name} with its home: ${refusal}. Delete the account alone.`, context);
      }
      await runTool({
        program: 'userdel',
        args: removeHome ? ['--remove', '--', name] : ['--', name],
        // userdel -r exits 12 when the home or mail spool was missing; the account is gone all the same.
        exitCodes: userdelExits,
        signal,
        context,
      }).catch(async (err: unknown) => {
        const stillThere = (await readAccountDatabase()).users.some((u) => u.name === name);
        if (stillThere || !(err instanceof GatehouseError) || !/exit 12/.test(err.message)) throw err;
      });
      return { name, homeRemoved: removeHome };
    },

    keys: async ({ name }) => {
      const context = ctx('keys', name);
      return listAuthorizedKeys(await findUser(name, context), context);
    },

    addKey: async ({ name, key }) => {
      const context = ctx('addKey', name);
      return { key: await addAuthorizedKey(await findUser(name, context), key, context) };
    },

    removeKey: async ({ name, fingerprint }) => {
      const context = ctx('removeKey', name);
      return { removed: await removeAuthorizedKey(await findUser(name, context), fingerprint, context) };
    },
  },
});
