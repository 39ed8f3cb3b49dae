/**
 * The agent's end of the group module: /etc/group read directly, changes through groupadd, groupmod, gpasswd
 * and groupdel with argument arrays. Names were checked by the contract before anything here runs.
 */
import { GatehouseError, type ProblemCode } from '../kernel/errors.js';
import { defineHandlers } from '../kernel/handler.js';
import { readAccountDatabase, type AccountDatabase } from '../user/accounts.js';
import { runTool } from '../user/tools.js';
import { contract, type GroupAccount } from './contract.js';

// Exit codes from groupadd(8), groupmod(8), groupdel(8).
const groupExits: Record<number, ProblemCode> = { 2: 'invalid-params', 3: 'invalid-params', 4: 'exists', 6: 'not-found', 8: 'conflict', 9: 'exists' };

function ctx(method: string, name: string) {
  return { module: 'group', method, group: name };
}

function groupAccount(db: AccountDatabase, name: string): GroupAccount | undefined {
  const entry = db.groups.find((g) => g.name === name);
  if (!entry) return undefined;
  return {
    name: entry.name,
    gid: entry.gid,
    members: [...entry.members],
    primaryOf: db.users.filter((u) => u.gid === entry.gid).map((u) => u.name),
    // GID_MIN follows UID_MIN on Debian (both 1000); nogroup (65534) is the system's too.
    system: entry.gid < db.uidMin || entry.name === 'nogroup',
  };
}

async function findGroup(name: string, context: Record<string, string>): Promise<GroupAccount> {
  const group = groupAccount(await readAccountDatabase(), name);
  if (!group) throw new GatehouseError('not-found', `There is no group "${name}" on this host.`, context);
  return group;
}

export const handlers = defineHandlers(contract, {
  methods: {
    list: async () => {
      const db = await readAccountDatabase();
      return {
        groups: db.groups.map((g) => groupAccount(db, g.name)).filter((g): g is GroupAccount => g !== undefined),
        sampledAt: new Date().toISOString(),
      };
    },

    create: async ({ name, gid, system }, { signal }) => {
      const context = ctx('create', name);
      const db = await readAccountDatabase();
      if (db.groups.some((g) => g.name === name)) throw new GatehouseError('exists', `There is already a group "${name}".`, context);
      if (gid !== undefined && db.groups.some((g) => g.gid === gid)) {
        throw new GatehouseError('exists', `gid ${gid} is already used by the group "${db.groups.find((g) => g.gid === gid)?.name}".`, context);
      }
      const args = [...(gid !== undefined ? ['--gid', String(gid)] : []), ...(system ? ['--system'] : [])];
      await runTool({ program: 'groupadd', args: [...args, '--', name], exitCodes: groupExits, signal, context });
      return { group: await findGroup(name, context) };
    },

    rename: async ({ name, newName }, { signal }) => {
      const context = ctx('rename', name);
      await findGroup(name, context);
      if (newName !== name) {
        const db = await readAccountDatabase();
        if (db.groups.some((g) => g.name === newName)) throw new GatehouseError('exists', `There is already a group "${newName}".`, context);
        await runTool({ program: 'groupmod', args: ['--new-name', newName, '--', name], exitCodes: groupExits, signal, context });
      }
      return { group: await findGroup(newName, context) };
    },

    setMembers: async ({ name, members }, { signal }) => {
      const context = ctx('setMembers', name);
      await findGroup(name, context);
      const db = await readAccountDatabase();
      const unknown = members.filter((member) => !db.users.some((u) => u.name === member));
      if (unknown.length > 0) throw new GatehouseError('not-found', `members: there is no user ${unknown.map((u) => `"${u}"`).join(', ')} on this host.`, context);
      const unique = [...new Set(members)];
      await runTool({ program: 'gpasswd', args: ['--members', unique.join(','), '--', name], exitCodes: groupExits, signal, context });
      return { group: await findGroup(name, context) };
    },

    delete: async ({ name }, { signal }) => {
      const context = ctx('delete', name);
      const group = await findGroup(name, context);
      if (group.gid === 0) throw new GatehouseError('forbidden', `Refusing to delete ${name}: gid 0 is root's group.`, context);
      if (group.primaryOf.length > 0) {
        throw new GatehouseError('conflict', `${name} is the primary group of ${group.primaryOf.join(', ')}; give them another primary group first.`, context);
      }
      await runTool({ program: 'groupdel', args: ['--', name], exitCodes: groupExits, signal, context });
      return { name };
    },
  },
});
