/**
 * Who may give which grant, and manage whose account. Nobody gives more than they hold: every code of the role
 * must be theirs throughout the scope. A delegated administrator (account.manage on a site) manages only accounts
 * whose every grant lies inside their reach, so they can never touch a fleet administrator's password.
 */
import { scopeKey, type Grant } from '../../../modules/kernel/access.js';
import type { Access } from './access.js';
import type { RoleBook } from './role-book.js';

/** Why `actor` may not put `grant` on someone (or on a token); null when they may. */
export function grantRefusal(actor: Access, grant: Grant, roles: RoleBook, options: { asAccountManager: boolean }): string | null {
  const role = roles.get(grant.role);
  if (role === undefined) return `there is no role ${grant.role}`;
  const where = scopeKey(grant.scope);
  if (options.asAccountManager && !actor.mayThroughout('account.manage', grant.scope)) {
    return `you may not manage accounts on ${where}`;
  }
  const missing = [...role.allow].filter((code) => !actor.mayThroughout(code, grant.scope));
  if (missing.length > 0) {
    return `the role ${role.name} allows ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ` and ${missing.length - 3} more` : ''}, which you do not hold on ${where}`;
  }
  return null;
}

/** May `actor` change or disable the account holding `grants`? Only if each of them lies within the actor's reach. */
export function mayManageAccount(actor: Access, grants: readonly Grant[]): boolean {
  if (grants.length === 0) return actor.mayThroughout('account.manage', { kind: 'fleet' });
  return grants.every((grant) => actor.mayThroughout('account.manage', grant.scope));
}

/** May `actor` see the account holding `grants` in lists? When any of them lies within their reach. */
export function maySeeAccount(actor: Access, grants: readonly Grant[]): boolean {
  if (actor.mayThroughout('account.manage', { kind: 'fleet' })) return true;
  return grants.some((grant) => actor.mayThroughout('account.manage', grant.scope));
}
