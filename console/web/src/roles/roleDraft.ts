/**
 * The role editor's state: a name, a summary, and for each catalogue code one of allow / nothing / deny. A code
 * is never both allowed and denied: the choice per code is one value, so the request the editor sends cannot say
 * both either.
 */
import type { CustomRoleRequest, RoleView } from '../../../../modules/kernel/access.js';
import type { PermissionCatalogue } from '../../../../modules/kernel/console-api.js';

export type Permission = PermissionCatalogue['permissions'][number];
export type Choice = 'allow' | 'none' | 'deny';

export interface RoleDraft {
  name: string;
  summary: string;
  /** Only codes allowed or denied are present; absent means "not given" (deny by default). */
  choices: Readonly<Record<string, Exclude<Choice, 'none'>>>;
}

export type RoleDraftAction =
  | { type: 'name'; name: string }
  | { type: 'summary'; summary: string }
  | { type: 'choose'; code: string; choice: Choice }
  /** Allow every read-risk code among `codes` that is not denied: a denial is a deliberate choice, kept. */
  | { type: 'allow-reads'; codes: readonly Permission[] }
  /** Clear the choices of `codes` (a module's "clear"). */
  | { type: 'clear'; codes: readonly string[] }
  /** Replace every choice with a role's; name and summary stay as typed. */
  | { type: 'start-from'; role: Pick<RoleView, 'allow' | 'deny'> };

export const emptyDraft: RoleDraft = { name: '', summary: '', choices: {} };

export function draftFromRole(role: Pick<RoleView, 'name' | 'summary' | 'allow' | 'deny'>): RoleDraft {
  return { name: role.name, summary: role.summary, choices: choicesOf(role) };
}

function choicesOf(role: Pick<RoleView, 'allow' | 'deny'>): Record<string, Exclude<Choice, 'none'>> {
  const choices: Record<string, Exclude<Choice, 'none'>> = {};
  for (const code of role.allow) choices[code] = 'allow';
  // A deny wins over an allow of the same code, as it does on the server.
  for (const code of role.deny) choices[code] = 'deny';
  return choices;
}

export function roleDraftReducer(draft: RoleDraft, action: RoleDraftAction): RoleDraft {
  switch (action.type) {
    case 'name':
      return { ...draft, name: action.name };
    case 'summary':
      return { ...draft, summary: action.summary };
    case 'choose': {
      const choices = { ...draft.choices };
      if (action.choice === 'none') delete choices[action.code];
      else choices[action.code] = action.choice;
      return { ...draft, choices };
    }
    case 'allow-reads': {
      const choices = { ...draft.choices };
      for (const p of action.codes) if (p.risk === 'read' && choices[p.code] !== 'deny') choices[p.code] = 'allow';
      return { ...draft, choices };
    }
    case 'clear': {
      const choices = { ...draft.choices };
      for (const code of action.codes) delete choices[code];
      return { ...draft, choices };
    }
    case 'start-from':
      return { ...draft, choices: choicesOf(action.role) };
  }
}

export function choiceOf(draft: RoleDraft, code: string): Choice {
  return draft.choices[code] ?? 'none';
}

export function countChoices(draft: RoleDraft, codes?: readonly string[]): { allowed: number; denied: number } {
  let allowed = 0;
  let denied = 0;
  for (const code of codes ?? Object.keys(draft.choices)) {
    const choice = draft.choices[code];
    if (choice === 'allow') allowed += 1;
    else if (choice === 'deny') denied += 1;
  }
  return { allowed, denied };
}

/** The body of POST /api/roles and PUT /api/roles/:id, codes sorted so the same role always reads the same. */
export function draftToRequest(draft: RoleDraft): CustomRoleRequest {
  const codes = Object.keys(draft.choices).sort();
  return {
    name: draft.name.trim(),
    summary: draft.summary.trim(),
    allow: codes.filter((code) => draft.choices[code] === 'allow'),
    deny: codes.filter((code) => draft.choices[code] === 'deny'),
  };
}

/** Why the draft cannot be saved yet, in words; null when it can. */
export function draftProblem(draft: RoleDraft): string | null {
  if (!draft.name.trim()) return 'Give the role a name.';
  // A role of denials alone is useful (held beside another grant, it takes codes away), so either will do.
  if (Object.keys(draft.choices).length === 0) return 'Allow or deny at least one permission.';
  return null;
}

export interface ModuleGroup {
  module: string;
  title: string;
  permissions: Permission[];
}

/** The catalogue by module, in the catalogue's order, narrowed to codes matching `filter` (code, module or words). */
export function groupByModule(permissions: readonly Permission[], filter = ''): ModuleGroup[] {
  const needle = filter.trim().toLowerCase();
  const groups = new Map<string, ModuleGroup>();
  for (const p of permissions) {
    if (needle && !`${p.code} ${p.moduleTitle} ${p.module} ${p.summary}`.toLowerCase().includes(needle)) continue;
    let group = groups.get(p.module);
    if (!group) groups.set(p.module, (group = { module: p.module, title: p.moduleTitle, permissions: [] }));
    group.permissions.push(p);
  }
  return [...groups.values()];
}
