/**
 * The alarm rules API (docs/api.md "Alarms"; shapes in modules/kernel/alarm-api.ts): the list with each rule's
 * standing alarms, saving one rule (PUT, create or replace) and deleting one.
 */
import { useQueries, useQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api.js';
import { sitePath, siteTagsQueryKey, type SiteTag } from '../../sites/sitesApi.js';
import type { AlarmRuleView } from '../../../../../modules/kernel/alarm-api.js';

export type { AlarmRuleView };

export const alarmRulesQueryKey = ['alarm-rules'] as const;

const rulePath = (id: string) => `/api/alarm-rules/${encodeURIComponent(id)}`;

/** Every rule; standing counts move with the alarms, so the list is fetched again every 30 s. */
export function useAlarmRules() {
  return useQuery({
    queryKey: alarmRulesQueryKey,
    queryFn: ({ signal }) => api.get<AlarmRuleView[]>('/api/alarm-rules', { signal }),
    refetchInterval: 30_000,
  });
}

/**
 * Create or replace the rule `id` (the body's id must equal it); rejects with the console's ApiError, whose
 * `invalid-params` message names the field: `Alarm rule: setpoint: …`.
 */
export function useSaveAlarmRule() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, rule }: { id: string; rule: unknown }) => api.put<AlarmRuleView>(rulePath(id), rule),
    onSuccess: (saved) => {
      queryClient.setQueryData<AlarmRuleView[]>(alarmRulesQueryKey, (rules) =>
        rules ? [...rules.filter((r) => r.rule.id !== saved.rule.id), saved] : rules,
      );
      void queryClient.invalidateQueries({ queryKey: alarmRulesQueryKey });
      // A replaced rule's alarms start again from normal.
      void queryClient.invalidateQueries({ queryKey: ['alarms'] });
    },
  });
}

/** Delete a rule; its alarms go with it. */
export function useDeleteAlarmRule() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(rulePath(id)),
    onSuccess: (_result, id) => {
      queryClient.setQueryData<AlarmRuleView[]>(alarmRulesQueryKey, (rules) => rules?.filter((r) => r.rule.id !== id));
      void queryClient.invalidateQueries({ queryKey: alarmRulesQueryKey });
      void queryClient.invalidateQueries({ queryKey: ['alarms'] });
    },
  });
}

const fetchSiteTags = (siteId: string, signal: AbortSignal) => api.get<SiteTag[]>(sitePath(siteId, '/tags'), { signal });

/** A site's tags, for suggestions and units (shares the site page's cache; readings are not needed fresh here). */
export function useSiteTagList(siteId: string | null) {
  return useQuery({
    queryKey: siteTagsQueryKey(siteId ?? ''),
    queryFn: ({ signal }) => fetchSiteTags(siteId ?? '', signal),
    enabled: siteId !== null && siteId !== '',
    staleTime: 60_000,
  });
}

/** The tags of several sites at once (the list's units); a site that fails to answer just gives no units. */
export function useSitesTagLists(siteIds: readonly string[]) {
  return useQueries({
    queries: siteIds.map((siteId) => ({
      queryKey: siteTagsQueryKey(siteId),
      queryFn: ({ signal }: { signal: AbortSignal }) => fetchSiteTags(siteId, signal),
      staleTime: 60_000,
      retry: false,
    })),
  });
}
