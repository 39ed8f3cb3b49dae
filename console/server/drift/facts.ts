/**
 * What a gateway owner means by "nobody changes the IP or opens a port without approval": a host's identifying
 * facts (hostname, interfaces with their MACs and addresses, listening ports, local users, installed packages),
 * gathered through the host's own modules and compared with the last approved baseline.
 *
 * Each fact is a keyed line: the key names the thing (a package, a port), the value what it is (its version, the
 * process behind it). Comparing two sets gives what was added, removed and changed, per category.
 */
import { z } from 'zod';

export const factCategories = ['hostname', 'interfaces', 'listening', 'users', 'packages'] as const;
export type FactCategory = (typeof factCategories)[number];

/** key → value within one category. */
export type FactSet = Record<string, string>;

export const hostFactsSchema = z.object({
  collectedAt: z.string(),
  /** Categories present were read; a category absent could not be (module disabled by policy, or failed). */
  facts: z.partialRecord(z.enum(factCategories), z.record(z.string(), z.string())),
});
export type HostFacts = z.infer<typeof hostFactsSchema>;

export interface FactChange {
  key: string;
  before: string | null;
  after: string | null;
}

export interface CategoryDrift {
  added: FactChange[];
  removed: FactChange[];
  changed: FactChange[];
}

export type Drift = Partial<Record<FactCategory, CategoryDrift>>;

/** Turn module results into fact sets; each reader takes the module's result as the contract returns it. */
export const factReaders: Record<FactCategory, { module: string; method: string; read: (result: any) => FactSet }> = {
  hostname: {
    module: 'network',
    method: 'hostname',
    read: (result: { hostname?: string } | string) => ({ hostname: typeof result === 'string' ? result : String(result.hostname ?? '') }),
  },
  interfaces: {
    module: 'network',
    method: 'interfaces',
    read: (result: { interfaces: Array<{ name: string; mac?: string | null; addresses?: Array<{ address: string; prefix?: number }> }> }) =>
      Object.fromEntries(
        result.interfaces
          // Loopback never drifts in a way that matters, and its counters would only add noise.
          .filter((i) => i.name !== 'lo')
          .map((i) => [
            i.name,
            [`mac ${i.mac ?? 'none'}`, ...(i.addresses ?? []).map((a) => `${a.address}${a.prefix !== undefined ? `/${a.prefix}` : ''}`).sort()].join(', '),
          ]),
      ),
  },
  listening: {
    module: 'network',
    method: 'listening',
    read: (result: { sockets: Array<{ protocol: string; address: string; port: number; process?: string | null }> }) =>
      Object.fromEntries(result.sockets.map((s) => [`${s.protocol} ${s.address}:${s.port}`, s.process ?? 'unknown process'])),
  },
  users: {
    module: 'user',
    method: 'list',
    read: (result: { users: Array<{ name: string; uid: number; shell: string; home?: string }> }) =>
      Object.fromEntries(result.users.map((u) => [u.name, `uid ${u.uid}, shell ${u.shell}`])),
  },
  packages: {
    module: 'package',
    method: 'list',
    read: (result: { packages: Array<{ name: string; version: string; architecture?: string }> }) =>
      Object.fromEntries(result.packages.map((p) => [p.architecture ? `${p.name}:${p.architecture}` : p.name, p.version])),
  },
};

/** What changed from `baseline` to `current`, for the categories both have. */
export function compareFacts(baseline: HostFacts['facts'], current: HostFacts['facts']): Drift {
  const drift: Drift = {};
  for (const category of factCategories) {
    const before = baseline[category];
    const after = current[category];
    if (!before || !after) continue;
    const changes: CategoryDrift = { added: [], removed: [], changed: [] };
    for (const [key, value] of Object.entries(after)) {
      if (!(key in before)) changes.added.push({ key, before: null, after: value });
      else if (before[key] !== value) changes.changed.push({ key, before: before[key] ?? null, after: value });
    }
    for (const [key, value] of Object.entries(before)) if (!(key in after)) changes.removed.push({ key, before: value, after: null });
    for (const list of [changes.added, changes.removed, changes.changed]) list.sort((a, b) => a.key.localeCompare(b.key));
    drift[category] = changes;
  }
  return drift;
}

export function driftCount(drift: Drift): number {
  return Object.values(drift).reduce((sum, c) => sum + c.added.length + c.removed.length + c.changed.length, 0);
}
