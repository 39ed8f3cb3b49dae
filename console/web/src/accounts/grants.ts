/**
 * Grants in words and in the grant editor: "Plant operator · North plant" for lists, "Plant operator on North
 * plant" in sentences, and the editor's rows (a role, a kind of scope, a target) turned into the Grant[] that
 * POST /api/users and PATCH /api/users/:id take.
 */
import { scopeKey, type Grant, type GrantableScopes, type GrantView, type Scope } from '../../../../modules/kernel/access.js';

export type ScopeKind = Scope['kind'];

export const scopeKindLabels: Record<ScopeKind, string> = {
  fleet: 'Whole fleet',
  site: 'Site',
  group: 'Host group',
  host: 'One host',
};

/** Where a grant holds, as a chip says it. */
export function scopeLabel(grant: Pick<GrantView, 'scope' | 'scopeName'>): string {
  return grant.scope.kind === 'fleet' ? 'whole fleet' : grant.scopeName || scopeTarget(grant.scope);
}

/** "Role · Scope", the compact form for lists. */
export function grantLabel(grant: Pick<GrantView, 'scope' | 'scopeName' | 'roleName'>): string {
  return `${grant.roleName} · ${scopeLabel(grant)}`;
}

/** "Role on Scope", for sentences (the user menu). */
export function grantSentence(grant: Pick<GrantView, 'scope' | 'scopeName' | 'roleName'>): string {
  return `${grant.roleName} on ${grant.scope.kind === 'fleet' ? 'the whole fleet' : scopeLabel(grant)}`;
}

function scopeTarget(scope: Scope): string {
  switch (scope.kind) {
    case 'fleet':
      return '';
    case 'site':
      return scope.siteId;
    case 'group':
      return scope.tag;
    case 'host':
      return scope.hostId;
  }
}

/** One row of the grant editor; `target` is the site id, tag or host id (unused for the fleet). */
export interface GrantDraft {
  key: string;
  role: string | null;
  kind: ScopeKind;
  target: string | null;
}

let nextKey = 0;
function newKey(): string {
  nextKey += 1;
  return `g${nextKey}`;
}

/** The kinds of scope the caller may give grants on, in the order people think of them. */
export function allowedKinds(scopes: GrantableScopes): ScopeKind[] {
  const kinds: ScopeKind[] = [];
  if (scopes.fleet) kinds.push('fleet');
  if (scopes.sites.length) kinds.push('site');
  if (scopes.groups.length) kinds.push('group');
  if (scopes.hosts.length) kinds.push('host');
  return kinds;
}

export function emptyGrantDraft(scopes: GrantableScopes | undefined): GrantDraft {
  const kinds = scopes ? allowedKinds(scopes) : [];
  // A delegated administrator has no fleet: their first choice is a site, and if they hold only one, that site.
  const kind = kinds[0] ?? 'site';
  const only = scopes && kind === 'site' && scopes.sites.length === 1 ? scopes.sites[0]!.id : null;
  return { key: newKey(), role: null, kind, target: only };
}

export function grantDraftFrom(grant: Grant): GrantDraft {
  return { key: newKey(), role: grant.role, kind: grant.scope.kind, target: scopeTarget(grant.scope) || null };
}

function scopeOf(draft: GrantDraft): Scope | null {
  if (draft.kind === 'fleet') return { kind: 'fleet' };
  if (!draft.target) return null;
  if (draft.kind === 'site') return { kind: 'site', siteId: draft.target };
  if (draft.kind === 'group') return { kind: 'group', tag: draft.target };
  return { kind: 'host', hostId: draft.target };
}

/** The editor's rows as grants, or what to fix first. Duplicates are refused here, not silently dropped. */
export function draftsToGrants(drafts: readonly GrantDraft[]): { grants: Grant[]; problem: null } | { grants: null; problem: string } {
  if (drafts.length === 0) return { grants: null, problem: 'Give at least one grant.' };
  const grants: Grant[] = [];
  const seen = new Set<string>();
  for (const [index, draft] of drafts.entries()) {
    const say = (what: string) => ({ grants: null, problem: drafts.length > 1 ? `Grant ${index + 1}: ${what}` : what[0]!.toUpperCase() + what.slice(1) });
    if (!draft.role) return say('choose a role.');
    const scope = scopeOf(draft);
    if (!scope) return say(`choose the ${scopeKindLabels[draft.kind].toLowerCase()}.`);
    const key = `${draft.role}@${scopeKey(scope)}`;
    if (seen.has(key)) return say('the same role on the same scope is already given.');
    seen.add(key);
    grants.push({ role: draft.role, scope });
  }
  return { grants, problem: null };
}

export interface Option {
  value: string;
  label: string;
}

/**
 * What the target picker offers for a kind. A grant the account already has but the caller cannot give (another
 * site's) stays shown by the name the server gave it, so editing does not make it look empty.
 */
export function targetOptions(kind: ScopeKind, scopes: GrantableScopes | undefined, keep?: { target: string; name: string }): Option[] {
  let options: Option[] = [];
  if (scopes) {
    if (kind === 'site') options = scopes.sites.map((s) => ({ value: s.id, label: s.name }));
    if (kind === 'group') options = scopes.groups.map((tag) => ({ value: tag, label: tag }));
    if (kind === 'host') {
      const siteNames = new Map(scopes.sites.map((s) => [s.id, s.name]));
      options = scopes.hosts.map((h) => ({ value: h.id, label: h.siteId && siteNames.has(h.siteId) ? `${h.name} (${siteNames.get(h.siteId)})` : h.name }));
    }
  }
  if (keep && kind !== 'fleet' && !options.some((o) => o.value === keep.target)) options.unshift({ value: keep.target, label: keep.name });
  return options;
}
