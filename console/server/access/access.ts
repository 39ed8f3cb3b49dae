/**
 * One person's (or one API token's) grants, asked "may they do this, there?". Deny by default: a code is allowed
 * at a place when a grant covering the place allows it and no grant covering the place denies it. The answer needs
 * only the grants, the role book and where the place is; nothing here reads the database.
 */
import type { Grant, Scope } from '../../../modules/kernel/access.js';
import type { RoleBook, RoleDefinition } from './role-book.js';

/** Where something is, as far as grants care: a host (with its tags and site), a site, or the fleet itself. */
export type Place =
  | { kind: 'fleet' }
  | { kind: 'site'; siteId: string }
  | { kind: 'host'; hostId: string; tags: readonly string[]; siteId: string | null };

export const fleetPlace: Place = { kind: 'fleet' };

/** Does a grant on `scope` hold at `place`? A site holds its gateways; a group every host with its tag. */
export function scopeCovers(scope: Scope, place: Place): boolean {
  switch (scope.kind) {
    case 'fleet':
      return true;
    case 'site':
      return (place.kind === 'site' || place.kind === 'host') && place.siteId === scope.siteId;
    case 'group':
      return place.kind === 'host' && place.tags.includes(scope.tag);
    case 'host':
      return place.kind === 'host' && place.hostId === scope.hostId;
  }
}

/**
 * Does `outer` hold everywhere `inner` does? `innerHost` is where a host scope's host is (needed to tell whether a
 * site or group holds it). Conservative: when it cannot be shown, the answer is no.
 */
export function scopeContains(outer: Scope, inner: Scope, innerHost?: Place): boolean {
  if (outer.kind === 'fleet') return true;
  if (inner.kind === 'fleet') return false;
  if (outer.kind === inner.kind) {
    return JSON.stringify(outer) === JSON.stringify(inner);
  }
  return inner.kind === 'host' && innerHost !== undefined && scopeCovers(outer, innerHost);
}

/**
 * Might `grantScope` and `scope` hold at one same place? Conservative: yes unless they plainly cannot. `scopeHost`
 * is where `scope`'s host is, when `scope` is one host.
 */
function scopesMeet(grantScope: Scope, scope: Scope, scopeHost?: Place): boolean {
  if (grantScope.kind === 'fleet' || scope.kind === 'fleet') return true;
  if (scope.kind === 'host' && scopeHost !== undefined) return scopeCovers(grantScope, scopeHost);
  if (grantScope.kind === scope.kind) return JSON.stringify(grantScope) === JSON.stringify(scope);
  // A host in a site or a group, a group reaching into a site: not known without the places, so assume they meet.
  return true;
}

export class Access {
  readonly grants: readonly Grant[];
  readonly #roles: RoleBook;
  readonly #placeOf: ((hostId: string) => Place) | undefined;

  /** `placeOf` says where a host is, so a grant on its site or group can be seen to hold a one-host scope. */
  constructor(grants: readonly Grant[], roles: RoleBook, placeOf?: (hostId: string) => Place) {
    this.grants = grants;
    this.#roles = roles;
    this.#placeOf = placeOf;
  }

  /** May this person use `code` at `place`? */
  may(code: string, place: Place): boolean {
    let allowed = false;
    for (const grant of this.grants) {
      if (!scopeCovers(grant.scope, place)) continue;
      const role = this.#roles.get(grant.role);
      if (role === undefined) continue; // a deleted or unknown role grants nothing
      if (role.deny.has(code)) return false;
      if (role.allow.has(code)) allowed = true;
    }
    return allowed;
  }

  /** May they use `code` somewhere? For a list they then see filtered place by place. */
  mayAnywhere(code: string): boolean {
    return this.grants.some((grant) => this.#allowsAt(grant, code) && !this.#deniedThroughout(grant.scope, code));
  }

  /** May they use `code` everywhere `scope` holds (to act on a whole site, or to give a grant there)? */
  mayThroughout(code: string, scope: Scope): boolean {
    const hostPlace = scope.kind === 'host' ? this.#placeOf?.(scope.hostId) : undefined;
    if (this.#deniedOn(scope, code, hostPlace)) return false;
    return this.grants.some((grant) => this.#allowsAt(grant, code) && scopeContains(grant.scope, scope, hostPlace));
  }

  /** Does any grant hold at `place`? Such a person sees the host (or site) in lists, whatever they may do there. */
  reaches(place: Place): boolean {
    return this.grants.some((grant) => this.#roles.get(grant.role) !== undefined && scopeCovers(grant.scope, place));
  }

  /** Does this person hold the built-in administrator role where `place` is (and no denials say otherwise)? */
  administers(place: Place): boolean {
    return this.grants.some((grant) => grant.role === 'administrator' && scopeCovers(grant.scope, place));
  }

  /** Every code they may use somewhere: what pages use to offer only what could be allowed. */
  codesAnywhere(): string[] {
    const codes = new Set<string>();
    for (const grant of this.grants) {
      for (const code of this.#role(grant)?.allow ?? []) if (!this.#deniedThroughout(grant.scope, code)) codes.add(code);
    }
    return [...codes].sort();
  }

  /** The role definitions they hold at `place` (for settings keyed by role, such as terminal users). */
  rolesAt(place: Place): RoleDefinition[] {
    return this.grants.filter((grant) => scopeCovers(grant.scope, place)).flatMap((grant) => this.#role(grant) ?? []);
  }

  #role(grant: Grant): RoleDefinition | undefined {
    return this.#roles.get(grant.role);
  }

  #allowsAt(grant: Grant, code: string): boolean {
    return this.#role(grant)?.allow.has(code) ?? false;
  }

  /** Is `code` denied everywhere `scope` holds? */
  #deniedThroughout(scope: Scope, code: string): boolean {
    return this.grants.some((grant) => (this.#role(grant)?.deny.has(code) ?? false) && scopeContains(grant.scope, scope));
  }

  /** Is `code` denied by a grant that might hold somewhere `scope` does? */
  #deniedOn(scope: Scope, code: string, scopeHost?: Place): boolean {
    return this.grants.some((grant) => (this.#role(grant)?.deny.has(code) ?? false) && scopesMeet(grant.scope, scope, scopeHost));
  }
}
