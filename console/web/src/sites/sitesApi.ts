/**
 * The site pages' data: the console's site routes (shapes in modules/modbus/site-api.ts), kept current by the
 * live socket and, as a safety net for a missed push, a refetch every 10 s.
 */
import { useCallback, useEffect, useRef } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api.js';
import { useLiveStatus, useWatchSite, type SiteTagsLive } from '../live.js';
import type { SetpointResult, SiteSummary, SiteTag, Trend } from '../../../../modules/modbus/site-api.js';
import { mergeReadings } from './tagState.js';

export type { SetpointResult, SiteSummary, SiteTag, Trend };

export const sitePath = (siteId: string, rest = '') => `/api/sites/${encodeURIComponent(siteId)}${rest}`;

export const sitesQueryKey = ['sites'] as const;
export const siteQueryKey = (siteId: string) => ['site', siteId] as const;
export const siteTagsQueryKey = (siteId: string) => ['site', siteId, 'tags'] as const;

/** How often the lists are fetched again whatever the live socket says. */
const safetyNetMs = 10_000;

export function useSites() {
  return useQuery({
    queryKey: sitesQueryKey,
    queryFn: ({ signal }) => api.get<SiteSummary[]>('/api/sites', { signal }),
    refetchInterval: safetyNetMs,
  });
}

export function useSite(siteId: string) {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: siteQueryKey(siteId),
    queryFn: ({ signal }) => api.get<SiteSummary>(sitePath(siteId), { signal }),
    initialData: () => queryClient.getQueryData<SiteSummary[]>(sitesQueryKey)?.find((site) => site.id === siteId),
    refetchInterval: safetyNetMs,
  });
}

/**
 * A site's tags with their latest readings. Live pushes are merged into the cached list; a refetch never puts
 * back a reading older than one already shown (a push can arrive while the fetch is on its way).
 * `live` is false while the socket is down (reconnecting): the page says so rather than let numbers look current.
 */
export function useSiteTags(siteId: string) {
  const queryClient = useQueryClient();
  const status = useLiveStatus();
  const query = useQuery({
    queryKey: siteTagsQueryKey(siteId),
    queryFn: ({ signal }) => api.get<SiteTag[]>(sitePath(siteId, '/tags'), { signal }),
    refetchInterval: safetyNetMs,
    structuralSharing: (previous, next) => {
      if (!Array.isArray(previous) || !Array.isArray(next)) return next;
      // Tags of the fresh list, each with the newer of its two readings; on a tie the console's answer stands.
      return mergeReadings(next as SiteTag[], previous as SiteTag[], 'keep');
    },
  });

  const onLive = useCallback(
    (tags: SiteTagsLive['tags']) => {
      queryClient.setQueryData<SiteTag[]>(siteTagsQueryKey(siteId), (current) => (current ? mergeReadings(current, tags) : current));
    },
    [queryClient, siteId],
  );
  useWatchSite(siteId, onLive);

  // Changes made while the socket was down were never pushed: fetch the list again as soon as it is back.
  const previousStatus = useRef(status);
  const { refetch } = query;
  useEffect(() => {
    if (previousStatus.current === 'reconnecting' && status === 'open') void refetch();
    previousStatus.current = status;
  }, [status, refetch]);

  // While the first connection is being made the values are fresh from the fetch; only a lost one makes them old.
  return { ...query, live: status !== 'reconnecting' };
}

/** A trend over [from, to]; a window that moves with the clock gives a new key, and the last chart stays until it loads. */
export function useTrend(siteId: string, tags: string[], from: number, to: number, maxPoints: number) {
  const search = new URLSearchParams({ tags: tags.join(','), from: String(Math.round(from)), to: String(Math.round(to)), maxPoints: String(maxPoints) });
  return useQuery({
    queryKey: ['site', siteId, 'trend', tags.join(','), Math.round(from), Math.round(to), maxPoints],
    queryFn: ({ signal }) => api.get<Trend>(`${sitePath(siteId, '/trend')}?${search}`, { signal }),
    enabled: tags.length > 0,
    placeholderData: (previous) => previous,
  });
}

/** The CSV of `tags` over [from, to], as a plain link the browser downloads. */
export function exportCsvUrl(siteId: string, tags: string[], from: number, to: number): string {
  const search = new URLSearchParams({ tags: tags.join(','), from: String(Math.round(from)), to: String(Math.round(to)) });
  return `${sitePath(siteId, '/export.csv')}?${search.toString().replace(/%2C/g, ',')}`;
}

/** Write a setpoint; resolves with the gateway's read-back result, rejects with an ApiError carrying its code. */
export function writeSetpoint(siteId: string, tag: string, value: number | boolean, reason: string): Promise<SetpointResult> {
  return api.post<SetpointResult>(sitePath(siteId, `/tags/${encodeURIComponent(tag)}/write`), { value, reason });
}
