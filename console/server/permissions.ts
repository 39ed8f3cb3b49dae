/** The permission codes a role holds, from the module catalogue: what pages use to offer only what is allowed. */
import { moduleContracts } from '../../modules/registry.js';
import { roleAllows, roleMay, type ConsoleAction } from './roles.js';
import type { RoleId } from './storage/types.js';

const consoleActions: readonly ConsoleAction[] = ['host.manage', 'enrollment.manage', 'audit.read', 'ssh.manage', 'site.read', 'site.manage', 'alarm.read', 'alarm.acknowledge', 'alarm.manage'];

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
