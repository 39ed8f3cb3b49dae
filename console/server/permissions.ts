/** The permission codes a role holds, from the module catalogue: what pages use to offer only what is allowed. */
import { moduleContracts } from '../../modules/registry.js';
import { builtInRoleSummaries, roleAllows, roleIds, roleMay, type ConsoleAction } from './roles.js';
import type { PermissionCatalogue } from '../../modules/kernel/console-api.js';
import type { RoleId } from './storage/types.js';

/** The console's own permission codes (not module methods), each with what it lets a person do, in plain words. */
export const consoleActionSummaries: Readonly<Record<ConsoleAction, string>> = {
  'host.manage': 'Approve, rename, tag, revoke and remove hosts',
  'enrollment.manage': 'Make one-time tokens that enroll new machines',
  'audit.read': 'Read the audit log and replay terminal recordings',
  'ssh.manage': 'Register hosts reached over SSH, trust changed host keys, install the agent over SSH',
  'site.read': 'See sites, their live readings, trends and exports',
  'site.manage': 'Create sites and give gateways their device profiles',
  'alarm.read': 'See alarms, their history and notifications, and the alarm report',
  'alarm.acknowledge': 'Acknowledge, shelve, unshelve and reset alarms',
  'alarm.manage': 'Write alarm rules, take alarms out of service, schedule maintenance windows',
  'account.manage': 'Create console accounts, give them roles, disable them and set their passwords',
};

const consoleActions = Object.keys(consoleActionSummaries) as ConsoleAction[];

export function permissionsOf(role: RoleId): string[] {
  const codes = new Set<string>();
  for (const contract of moduleContracts) {
    for (const [code, spec] of Object.entries(contract.permissions)) {
      if (roleAllows(role, code, spec.risk)) codes.add(code);
    }
  }
  for (const action of consoleActions) if (roleMay(role, action)) codes.add(action);
  return [...codes].sort();
}

/** Every permission code there is, with its module, risk and sentence: generated, so never out of date. */
export function permissionCatalogue(): PermissionCatalogue {
  const permissions: PermissionCatalogue['permissions'] = [];
  for (const contract of moduleContracts) {
    for (const [code, spec] of Object.entries(contract.permissions)) {
      permissions.push({ code, module: contract.name, moduleTitle: contract.title, risk: spec.risk, summary: spec.summary });
    }
  }
  for (const action of consoleActions) permissions.push({ code: action, module: 'console', moduleTitle: 'Console', risk: null, summary: consoleActionSummaries[action] });
  return {
    permissions,
    roles: roleIds.map((role) => ({ id: role, summary: builtInRoleSummaries[role], codes: permissionsOf(role) })),
  };
}
