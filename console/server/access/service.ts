/**
 * Access control for the console: the role book (built-in and custom roles), each account's grants, and where
 * hosts and sites are. Routes ask `of(user)` once per request and then the answer's `may(code, place)`.
 */
import type { Kysely } from 'kysely';
import type { Grant, GrantView, Scope } from '../../../modules/kernel/access.js';
import type { UserRecord } from '../storage/types.js';
import { Access, type Place } from './access.js';
import { GrantStore } from './grant-store.js';
import { RoleBook } from './role-book.js';
import { RoleStore } from './role-store.js';

/** What access needs to know about hosts: their tags and their site, both kept in memory elsewhere. */
export interface HostLocator {
  tags(hostId: string): readonly string[];
  siteOf(hostId: string): string | undefined;
  hostName(hostId: string): string | undefined;
  siteName(siteId: string): string | undefined;
}

export class AccessControl {
  readonly roles = new RoleBook();
  readonly roleStore: RoleStore;
  readonly grants: GrantStore;
  #locator: HostLocator = { tags: () => [], siteOf: () => undefined, hostName: () => undefined, siteName: () => undefined };

  constructor(db: Kysely<any>) {
    this.roleStore = new RoleStore(db, this.roles);
    this.grants = new GrantStore(db);
  }

  async start(locator?: HostLocator): Promise<void> {
    if (locator) this.#locator = locator;
    await this.roleStore.load();
  }

  /** Tell access where hosts are, once the parts that know have started. */
  locate(locator: HostLocator): void {
    this.#locator = locator;
  }

  /** A person's access from their grants. */
  async of(user: Pick<UserRecord, 'id'>): Promise<Access> {
    return new Access(await this.grants.of(user.id), this.roles, this.hostPlace);
  }

  /** Access from a given list of grants (an API token's; the console's own `system` caller). */
  forGrants(grants: readonly Grant[]): Access {
    return new Access(grants, this.roles, this.hostPlace);
  }

  readonly hostPlace = (hostId: string): Place => ({ kind: 'host', hostId, tags: this.#locator.tags(hostId), siteId: this.#locator.siteOf(hostId) ?? null });

  sitePlace(siteId: string): Place {
    return { kind: 'site', siteId };
  }

  /** A grant with the names people read: "Plant operator" on "North plant". */
  describe(grant: Grant): GrantView {
    return { ...grant, roleName: this.roles.get(grant.role)?.name ?? `${grant.role} (no such role)`, scopeName: this.scopeName(grant.scope) };
  }

  /** Why a scope cannot be granted on (no such host or site), or null. Host groups need no host yet. */
  scopeProblem(scope: Scope): string | null {
    if (scope.kind === 'site' && this.#locator.siteName(scope.siteId) === undefined) return `there is no site ${scope.siteId}`;
    if (scope.kind === 'host' && this.#locator.hostName(scope.hostId) === undefined) return `there is no host ${scope.hostId}`;
    return null;
  }

  scopeName(scope: Scope): string {
    switch (scope.kind) {
      case 'fleet':
        return 'the whole fleet';
      case 'site':
        return `site ${this.#locator.siteName(scope.siteId) ?? scope.siteId}`;
      case 'group':
        return `hosts tagged ${scope.tag}`;
      case 'host':
        return `host ${this.#locator.hostName(scope.hostId) ?? scope.hostId}`;
    }
  }
}
