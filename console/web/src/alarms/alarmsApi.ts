/**
 * The alarm pages' data: the console's alarm routes (shapes in modules/kernel/alarm-api.ts), kept current by the
 * live socket and, as a safety net for a missed push, a refetch every 15 s. Every list in the cache — the fleet,
 * a site's card, the header bell — takes each alarm's news the moment it arrives or an action returns it.
 */
import { useCallback, useEffect, useMemo, useRef } from 'react';
import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { api } from '../api.js';
import { useHosts } from '../hooks/useHosts.js';
import { useLiveAlarm, useLiveAlarmFlood, useLiveStatus } from '../live.js';
import { sitesQueryKey, type SiteSummary } from '../sites/sitesApi.js';
import { isAdministrator } from '../session.js';
import type { User } from '../types.js';
import type { Alarm } from '../../../../modules/kernel/alarm-model.js';
import type { AcknowledgeManyResult, AlarmDetail, FloodView } from '../../../../modules/kernel/alarm-api.js';
import { inScope, upsertAlarm } from './alarmFormat.js';

export type { AcknowledgeManyResult, Alarm, AlarmDetail, FloodView };

export interface AlarmScope {
  siteId?: string;
  hostId?: string;
}

export const alarmsQueryKey = ['alarms'] as const;
export const alarmListQueryKey = (scope: AlarmScope = {}) => ['alarms', 'list', scope.siteId ?? '', scope.hostId ?? ''] as const;
export const alarmDetailQueryKey = (alarmId: string) => ['alarms', 'detail', alarmId] as const;
export const alarmFloodsQueryKey = ['alarms', 'floods'] as const;

/** How often the lists are fetched again whatever the live socket says. */
const safetyNetMs = 15_000;

const alarmPath = (alarmId: string, rest = '') => `/api/alarms/${encodeURIComponent(alarmId)}${rest}`;

/** What the signed-in user may do with alarms; the page offers only these actions. */
export function alarmPermissions(user: User): { read: boolean; acknowledge: boolean; manage: boolean } {
  const has = (code: string) => isAdministrator(user) || user.permissions.includes(code);
  return { read: has('alarm.read'), acknowledge: has('alarm.acknowledge'), manage: has('alarm.manage') };
}

/** One list with one alarm's news in it: upserted when the alarm belongs to the list's scope. */
function listWith(list: Alarm[] | undefined, alarm: Alarm, scope: AlarmScope): Alarm[] | undefined {
  if (!list) return list;
  return inScope(alarm, scope) ? upsertAlarm(list, alarm) : list;
}

/** Put one alarm's news (an action's answer) into every cached list it belongs to, and into its detail. */
export function storeAlarm(queryClient: QueryClient, alarm: Alarm): void {
  for (const query of queryClient.getQueryCache().findAll({ queryKey: ['alarms', 'list'] })) {
    const [, , siteId, hostId] = query.queryKey as ReturnType<typeof alarmListQueryKey>;
    queryClient.setQueryData<Alarm[]>(query.queryKey, (list) => listWith(list, alarm, { siteId, hostId }));
  }
  queryClient.setQueryData<AlarmDetail>(alarmDetailQueryKey(alarm.id), (detail) => (detail ? { ...detail, alarm } : detail));
  // The history gained a transition the answer does not carry.
  void queryClient.invalidateQueries({ queryKey: alarmDetailQueryKey(alarm.id) });
}

/** Changes made while the socket was down were never pushed: fetch again as soon as it is back. */
function useRefetchOnReconnect(refetch: () => unknown): void {
  const status = useLiveStatus();
  const previous = useRef(status);
  useEffect(() => {
    if (previous.current === 'reconnecting' && status === 'open') void refetch();
    previous.current = status;
  }, [status, refetch]);
}

/**
 * The alarms not normal, in the console's order (unacknowledged first, then priority, newest first), for the whole
 * fleet or one site or host. `enabled` false for users without `alarm.read`.
 */
export function useAlarms(scope: AlarmScope = {}, enabled = true) {
  const queryClient = useQueryClient();
  const search = new URLSearchParams();
  if (scope.siteId) search.set('site', scope.siteId);
  if (scope.hostId) search.set('host', scope.hostId);
  const query = useQuery({
    queryKey: alarmListQueryKey(scope),
    queryFn: ({ signal }) => api.get<Alarm[]>(`/api/alarms${search.size ? `?${search}` : ''}`, { signal }),
    refetchInterval: safetyNetMs,
    enabled,
  });
  // Each list takes the news into itself only; several components showing the same list store it twice, harmlessly.
  const { siteId, hostId } = scope;
  useLiveAlarm(
    useCallback(
      (alarm: Alarm) => queryClient.setQueryData<Alarm[]>(alarmListQueryKey({ siteId, hostId }), (list) => listWith(list, alarm, { siteId, hostId })),
      [queryClient, siteId, hostId],
    ),
  );
  useRefetchOnReconnect(query.refetch);
  return query;
}

/** One alarm with its rule, history and notification attempts; null id: nothing asked for. */
export function useAlarmDetail(alarmId: string | null) {
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey: alarmDetailQueryKey(alarmId ?? ''),
    queryFn: ({ signal }) => api.get<AlarmDetail>(alarmPath(alarmId ?? ''), { signal }),
    enabled: alarmId !== null,
    refetchInterval: safetyNetMs,
  });
  useLiveAlarm(
    useCallback(
      (alarm: Alarm) => {
        if (alarm.id !== alarmId) return;
        queryClient.setQueryData<AlarmDetail>(alarmDetailQueryKey(alarm.id), (detail) => (detail ? { ...detail, alarm } : detail));
        void queryClient.invalidateQueries({ queryKey: alarmDetailQueryKey(alarm.id) });
      },
      [queryClient, alarmId],
    ),
  );
  return query;
}

/** Floods (more than 10 alarms at a site within 10 minutes); the open ones have no `endedAt`. */
export function useAlarmFloods(enabled = true) {
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey: alarmFloodsQueryKey,
    queryFn: ({ signal }) => api.get<FloodView[]>('/api/alarms/floods', { signal }),
    refetchInterval: safetyNetMs,
    enabled,
  });
  useLiveAlarmFlood(
    useCallback(
      (flood: FloodView) =>
        queryClient.setQueryData<FloodView[]>(alarmFloodsQueryKey, (floods) => [
          ...(floods ?? []).filter((f) => !(f.siteId === flood.siteId && f.startedAt === flood.startedAt)),
          flood,
        ]),
      [queryClient],
    ),
  );
  return query;
}

/** Host names by id, from the hosts list the live socket keeps current. */
export function useHostNames(): ReadonlyMap<string, string> {
  const hosts = useHosts();
  return useMemo(() => new Map((hosts.data ?? []).map((host) => [host.id, host.name])), [hosts.data]);
}

/** Site names for the filter and the source column; nothing for users who may not read sites. */
export function useSiteNames(enabled: boolean): ReadonlyMap<string, string> {
  const sites = useQuery({
    queryKey: sitesQueryKey,
    queryFn: ({ signal }) => api.get<SiteSummary[]>('/api/sites', { signal }),
    enabled,
    staleTime: 60_000,
  });
  return useMemo(() => new Map((sites.data ?? []).map((site) => [site.id, site.name])), [sites.data]);
}

// ---- actions: each resolves with the alarm as it is now and puts it into every list at once ----

function useAlarmAction<Variables>(send: (variables: Variables) => Promise<Alarm>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: send, onSuccess: (alarm) => storeAlarm(queryClient, alarm) });
}

export function useAcknowledge() {
  return useAlarmAction(({ alarmId, comment }: { alarmId: string; comment?: string }) => api.post<Alarm>(alarmPath(alarmId, '/acknowledge'), { comment }));
}

/** Acknowledge several; one refusal does not undo the others, so the lists are fetched again afterwards. */
export function useAcknowledgeMany() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ ids, comment }: { ids: string[]; comment?: string }) => api.post<AcknowledgeManyResult>('/api/alarms/acknowledge', { ids, comment }),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: alarmsQueryKey }),
  });
}

export type ShelveDuration = { minutes: number } | { oneShot: true };

export function useShelve() {
  return useAlarmAction(({ alarmId, reason, duration }: { alarmId: string; reason: string; duration: ShelveDuration }) =>
    api.post<Alarm>(alarmPath(alarmId, '/shelve'), { reason, ...duration }),
  );
}

/** The actions that take an optional comment; `remove-from-service` takes a required one, sent as `reason`. */
export type CommentAction = 'unshelve' | 'reset' | 'return-to-service';

export function useCommentAction(action: CommentAction) {
  return useAlarmAction(({ alarmId, comment }: { alarmId: string; comment?: string }) => api.post<Alarm>(alarmPath(alarmId, `/${action}`), { comment }));
}

export function useRemoveFromService() {
  return useAlarmAction(({ alarmId, reason }: { alarmId: string; reason: string }) => api.post<Alarm>(alarmPath(alarmId, '/remove-from-service'), { reason }));
}

/** An empty comment is left out rather than sent as "" (the console trims it anyway). */
export function optionalComment(text: string): string | undefined {
  const trimmed = text.trim();
  return trimmed === '' ? undefined : trimmed;
}
