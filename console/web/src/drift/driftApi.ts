/**
 * Drift from the approved baseline (docs/api.md, "Drift from the approved baseline"): the live report and the
 * approval. Shapes come from the console's own drift code; only types cross over, so zod stays out of the bundle.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, hostPath } from '../api.js';
import type { DriftReport } from '../../../server/drift/baselines.js';
import type { CategoryDrift, FactCategory, FactChange } from '../../../server/drift/facts.js';

export type { CategoryDrift, DriftReport, FactCategory, FactChange };

/** The categories in the order the page shows them, in the operator's words. */
export const categoryOrder: readonly FactCategory[] = ['hostname', 'interfaces', 'listening', 'users', 'packages'];

export const categoryLabel: Record<FactCategory, string> = {
  hostname: 'Hostname',
  interfaces: 'Network interfaces',
  listening: 'Listening ports',
  users: 'Users',
  packages: 'Packages',
};

/** What one item of a category is called, for counts: "3 ports", "1 user". */
export const categoryNoun: Record<FactCategory, [one: string, many: string]> = {
  hostname: ['name', 'names'],
  interfaces: ['interface', 'interfaces'],
  listening: ['port', 'ports'],
  users: ['user', 'users'],
  packages: ['package', 'packages'],
};

export function countOf(category: FactCategory, n: number): string {
  const [one, many] = categoryNoun[category];
  return `${n} ${n === 1 ? one : many}`;
}

export function driftQueryKey(hostId: string) {
  return ['host', hostId, 'drift'] as const;
}

/**
 * The live report. Reading the facts takes the host a few seconds, so it is read when the tab opens and on
 * Refresh, not on every window focus; while it is re-read the previous report stays on screen.
 */
export function useDriftReport(hostId: string, enabled: boolean) {
  return useQuery({
    queryKey: driftQueryKey(hostId),
    queryFn: ({ signal }) => api.get<DriftReport>(hostPath(hostId, '/drift'), { signal }),
    enabled,
    staleTime: 60_000,
    refetchOnWindowFocus: false,
  });
}

/** Approve the state the operator reviewed: the report's digest makes the console refuse a state they did not see. */
export function useApproveBaseline(hostId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (digest: string) => api.post<DriftReport>(hostPath(hostId, '/drift/approve'), { digest }),
    onSuccess: (report) => queryClient.setQueryData(driftQueryKey(hostId), report),
  });
}

export interface CategoryCounts {
  added: number;
  removed: number;
  changed: number;
}

export function countsOf(drift: CategoryDrift | undefined): CategoryCounts {
  return { added: drift?.added.length ?? 0, removed: drift?.removed.length ?? 0, changed: drift?.changed.length ?? 0 };
}

/**
 * How a category stands in a report: compared with the baseline, not in the baseline (it could not be read when
 * the baseline was approved), unreadable now, or there is no baseline at all.
 */
export type CategoryState =
  | { kind: 'unavailable'; code: string; message: string }
  | { kind: 'unwatched'; items: Record<string, string> }
  | { kind: 'new-category'; items: Record<string, string> }
  | { kind: 'compared'; items: Record<string, string>; drift: CategoryDrift; changes: number };

export function categoryState(report: DriftReport, category: FactCategory): CategoryState {
  const problem = report.unavailable.find((u) => u.category === category);
  const items = report.current.facts[category];
  if (problem || !items) return { kind: 'unavailable', code: problem?.code ?? 'unavailable', message: problem?.message ?? 'not reported' };
  if (!report.baseline) return { kind: 'unwatched', items };
  const drift = report.drift[category];
  if (!drift) return { kind: 'new-category', items };
  return { kind: 'compared', items, drift, changes: drift.added.length + drift.removed.length + drift.changed.length };
}

/** Whether approving now would change the baseline at all. */
export function hasSomethingToApprove(report: DriftReport): boolean {
  if (!report.baseline) return true;
  return report.changes > 0 || categoryOrder.some((c) => categoryState(report, c).kind === 'new-category');
}
