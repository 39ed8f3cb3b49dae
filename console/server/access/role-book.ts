/**
 * Every role the console knows, built-in and custom, as sets of permission codes. Built-in roles follow
 * roles.ts (by module and risk, so a new module method lands in the right roles without anyone listing it);
 * custom roles list their codes. Lookups are synchronous: custom roles live in memory, reloaded on each change.
 */
import { moduleContracts } from '../../../modules/registry.js';
import type { Risk } from '../../../modules/kernel/contract.js';
import { roleIds, type RoleId } from '../../../modules/kernel/console-api.js';
import { builtInRoleSummaries, consoleActionSummaries, roleAllows, roleMay, type ConsoleAction } from '../roles.js';

export interface RoleDefinition {
  id: string;
  name: string;
  summary: string;
  builtIn: boolean;
  /** The codes this role allows, sorted. */
  allow: ReadonlySet<string>;
  /** The codes this role denies wherever it holds, whatever another grant of the same person allows. */
  deny: ReadonlySet<string>;
}

/** Every permission code with its risk (null for the console's own actions): the catalogue, generated. */
export function catalogueCodes(): ReadonlyMap<string, Risk | null> {
  const codes = new Map<string, Risk | null>();
  for (const contract of moduleContracts) {
    for (const [code, spec] of Object.entries(contract.permissions)) codes.set(code, spec.risk);
  }
  for (const action of Object.keys(consoleActionSummaries)) codes.set(action, null);
  return codes;
}

/** What people call the built-in roles. */
export const builtInRoleNames: Readonly<Record<RoleId, string>> = {
  administrator: 'Administrator',
  'system-operator': 'System operator',
  'plant-operator': 'Plant operator',
  'on-call': 'On-call',
  auditor: 'Auditor',
  viewer: 'Viewer',
};

function builtInRole(id: RoleId, codes: ReadonlyMap<string, Risk | null>): RoleDefinition {
  const allow = new Set<string>();
  for (const [code, risk] of codes) {
    if (risk === null ? roleMay(id, code as ConsoleAction) : roleAllows(id, code, risk)) allow.add(code);
  }
  return { id, name: builtInRoleNames[id], summary: builtInRoleSummaries[id], builtIn: true, allow, deny: new Set() };
}

export class RoleBook {
  readonly codes = catalogueCodes();
  readonly #builtIn = new Map<string, RoleDefinition>(roleIds.map((id) => [id, builtInRole(id, this.codes)]));
  #custom = new Map<string, RoleDefinition>();

  /** Replace the custom roles (after loading or changing them). */
  setCustom(roles: Iterable<RoleDefinition>): void {
    this.#custom = new Map([...roles].map((role) => [role.id, role]));
  }

  get(id: string): RoleDefinition | undefined {
    return this.#builtIn.get(id) ?? this.#custom.get(id);
  }

  /** Built-in roles first, in their fixed order, then custom ones by name. */
  list(): RoleDefinition[] {
    return [...this.#builtIn.values(), ...[...this.#custom.values()].sort((a, b) => a.name.localeCompare(b.name))];
  }
}
