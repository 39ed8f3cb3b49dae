/**
 * Whether a person may approve an action on a host: they must be allowed to do it there themselves, by the same
 * grants the relay checks (access/access.ts). One place, so the rule changes in one file if the relay's does.
 */
import type { Access, Place } from '../access/access.js';

export function mayApprove(access: Access, place: Place, permission: string): boolean {
  return access.may(permission, place);
}
