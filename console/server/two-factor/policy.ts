/**
 * Which users must log in with a second factor: those holding any role an administrator marked as requiring it
 * (`PUT /api/two-factor/policy`) on any scope: a role that needs a second factor on one site needs it to log in.
 */
import type { RoleId } from '../../../modules/kernel/console-api.js';

/** The roles among `held` (the ids of every role the user holds, on any scope) that require a second factor. */
export function rolesRequiringCheck(held: readonly string[], requiredRoles: readonly RoleId[]): string[] {
  return [...new Set(held)].filter((role) => (requiredRoles as readonly string[]).includes(role));
}

export function mustUseSecondFactor(held: readonly string[], requiredRoles: readonly RoleId[]): boolean {
  return rolesRequiringCheck(held, requiredRoles).length > 0;
}
