/** The permission codes a role holds, from the module catalogue: what pages use to offer only what is allowed. */
import { moduleContracts } from '../../modules/registry.js';
import { builtInRoleSummaries, consoleActionSummaries, roleAllows, roleIds, roleMay, type ConsoleAction } from './roles.js';

export { consoleActionSummaries };
import type { PermissionCatalogue } from '../../modules/kernel/console-api.js';
import type { RoleId } from './storage/types.js';
import type { RoleBook } from './access/role-book.js';


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

/**
 * Every permission code there is, with its module, risk and sentence: generated, so never out of date. With the
 * role book, `roles` holds the custom roles too (their denied codes are in GET /api/roles).
 */
export function permissionCatalogue(book?: RoleBook): PermissionCatalogue {
  const permissions: PermissionCatalogue['permissions'] = [];
  for (const contract of moduleContracts) {
    for (const [code, spec] of Object.entries(contract.permissions)) {
      permissions.push({ code, module: contract.name, moduleTitle: contract.title, risk: spec.risk, summary: spec.summary });
    }
  }
  for (const action of consoleActions) permissions.push({ code: action, module: 'console', moduleTitle: 'Console', risk: null, summary: consoleActionSummaries[action] });
  return {
    permissions,
    roles: book
      ? book.list().map((role) => ({ id: role.id, summary: role.summary, codes: [...role.allow].sort() }))
      : roleIds.map((role) => ({ id: role, summary: builtInRoleSummaries[role], codes: permissionsOf(role) })),
  };
}
