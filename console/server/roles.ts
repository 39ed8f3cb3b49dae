/**
 * What each built-in role may do, for now by permission code and risk. The roles-and-scopes issue replaces
 * this with grants on scopes; the ids here are the stable ones it keeps.
 */
import type { Risk } from '../../modules/kernel/contract.js';
import type { RoleId } from './storage/types.js';

export { roleIds } from '../../modules/kernel/console-api.js';

/** May this role use a module method with this permission code and risk? Deny by default. */
export function roleAllows(role: RoleId, permission: string, risk: Risk): boolean {
  const module = permission.split('.')[0] ?? '';
  switch (role) {
    case 'administrator':
      return true;
    case 'system-operator':
      return ['process', 'file'].includes(module) && risk !== 'dangerous';
    case 'on-call':
    case 'auditor':
    case 'viewer':
      return risk === 'read';
    case 'plant-operator':
      return false;
    default:
      return false;
  }
}

/** Console-level actions that are not module methods. */
export type ConsoleAction = 'host.manage' | 'enrollment.manage' | 'audit.read';

export function roleMay(role: RoleId, action: ConsoleAction): boolean {
  if (role === 'administrator') return true;
  return action === 'audit.read' && role === 'auditor';
}
