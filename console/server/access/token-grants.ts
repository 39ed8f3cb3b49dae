/** API tokens and grants: a token holds only what its owner could give it, now as when it was made. */
import type { Grant } from '../../../modules/kernel/access.js';
import { grantRefusal } from './authority.js';
import type { AccessControl } from './service.js';

/** Does the owner still hold everything the token may do? (An owner since demoted cannot keep a stronger token.) */
export function ownerStillHolds(control: AccessControl): (owner: { id: string }, grants: readonly Grant[]) => Promise<boolean> {
  return async (owner, grants) => {
    const held = await control.of(owner);
    return grants.every((grant) => grantRefusal(held, grant, control.roles, { asAccountManager: false }) === null);
  };
}
