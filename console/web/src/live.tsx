/**
 * The one live WebSocket (`/api/live`). Host messages go straight into the React Query cache, so every screen
 * that shows a host updates by itself; audit entries go to whoever subscribed. When the socket drops it comes
 * back with exponential backoff, and the header shows a quiet "reconnecting…" until it does.
 */
import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { api } from './api.js';
import type { AuditEntry, Host, LiveMessage } from './types.js';
import type { z } from 'zod';
import type { siteTagsLiveSchema } from '../../../modules/modbus/site-api.js';
import type { Alarm } from '../../../modules/kernel/alarm-model.js';
import type { FloodView } from '../../../modules/kernel/alarm-api.js';

export type LiveStatus = 'connecting' | 'open' | 'reconnecting';

/** Changed tags of a watched site, as the console pushes them. */
export type SiteTagsLive = z.infer<typeof siteTagsLiveSchema>;
export type SiteTagsListener = (tags: SiteTagsLive['tags']) => void;

interface LiveContextValue {
  status: LiveStatus;
  subscribeAudit(listener: (entry: AuditEntry) => void): () => void;
  /** Alarm changes (any state; `normal` means it left the list) and floods, until the returned function is called. */
  subscribeAlarms(listener: (alarm: Alarm) => void): () => void;
  subscribeFloods(listener: (flood: FloodView) => void): () => void;
  /** Receive a site's changed tags until the returned function is called; survives reconnects. */
  watchSite(siteId: string, listener: SiteTagsListener): () => void;
}

const LiveContext = createContext<LiveContextValue | null>(null);

export const hostsQueryKey = ['hosts'] as const;
export const hostQueryKey = (id: string) => ['host', id] as const;

/** Put one host into both the list and its own entry, keeping the list sorted by name like the API does. */
export function storeHost(queryClient: QueryClient, host: Host): void {
  queryClient.setQueryData<Host[]>(hostsQueryKey, (hosts) => {
    if (!hosts) return hosts;
    const others = hosts.filter((h) => h.id !== host.id);
    return [...others, host].sort((a, b) => a.name.localeCompare(b.name));
  });
  queryClient.setQueryData(hostQueryKey(host.id), host);
}

function storeHosts(queryClient: QueryClient, hosts: Host[]): void {
  queryClient.setQueryData(hostsQueryKey, hosts);
  for (const host of hosts) queryClient.setQueryData(hostQueryKey(host.id), host);
}

function liveUrl(): string {
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${window.location.host}/api/live`;
}

/** 1 s, 2 s, 4 s … capped at 30 s, with jitter so a restarted console is not hit by every browser at once. */
function backoffMs(attempt: number): number {
  const base = Math.min(30_000, 1000 * 2 ** attempt);
  return base / 2 + Math.random() * (base / 2);
}

export function LiveProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<LiveStatus>('connecting');
  const auditListeners = useRef(new Set<(entry: AuditEntry) => void>());
  const alarmListeners = useRef(new Set<(alarm: Alarm) => void>());
  const floodListeners = useRef(new Set<(flood: FloodView) => void>());
  const siteListeners = useRef(new Map<string, Set<SiteTagsListener>>());
  // The socket of the moment, for watchSite to speak on; null while there is none open.
  const sendRef = useRef<((message: object) => void) | null>(null);

  useEffect(() => {
    let socket: WebSocket | undefined;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let pingTimer: ReturnType<typeof setInterval> | undefined;
    let attempt = 0;
    let stopped = false;

    const handle = (message: LiveMessage | SiteTagsLive) => {
      switch (message.type) {
        case 'site-tags':
          for (const listener of siteListeners.current.get(message.siteId) ?? []) listener(message.tags);
          break;
        case 'hosts':
          storeHosts(queryClient, message.hosts);
          break;
        case 'host':
          storeHost(queryClient, message.host);
          break;
        case 'audit':
          for (const listener of auditListeners.current) listener(message.entry);
          break;
        case 'alarm':
          for (const listener of alarmListeners.current) listener(message.alarm);
          break;
        case 'alarm-flood':
          for (const listener of floodListeners.current) listener(message.flood);
          break;
        case 'approvals-changed':
          // The Approvals page (and any "request approval" form) asks again; the list is filtered per person there.
          void queryClient.invalidateQueries({ queryKey: ['approvals'] });
          break;
        default:
          break;
      }
    };

    const connect = () => {
      socket = new WebSocket(liveUrl());
      socket.onopen = () => {
        attempt = 0;
        const open = socket;
        sendRef.current = (message) => open?.readyState === WebSocket.OPEN && open.send(JSON.stringify(message));
        // A new socket knows nothing of what the page watched on the old one.
        for (const siteId of siteListeners.current.keys()) sendRef.current({ type: 'watch-site', siteId });
        setStatus('open');
        // Some proxies close idle sockets; a ping every 25 s keeps the path warm.
        pingTimer = setInterval(() => socket?.readyState === WebSocket.OPEN && socket.send('{"type":"ping"}'), 25_000);
      };
      socket.onmessage = (event) => {
        if (typeof event.data !== 'string') return;
        try {
          handle(JSON.parse(event.data) as LiveMessage);
        } catch (error) {
          console.warn('Unreadable live message', error);
        }
      };
      socket.onclose = () => {
        clearInterval(pingTimer);
        sendRef.current = null;
        if (stopped) return;
        setStatus('reconnecting');
        // A refused upgrade looks like any other close; asking for the session tells a dead session
        // (which the session layer turns into a trip to the login page) from a dead network.
        void api.get('/api/session').catch(() => undefined);
        retryTimer = setTimeout(connect, backoffMs(attempt));
        attempt += 1;
      };
    };

    connect();
    return () => {
      stopped = true;
      sendRef.current = null;
      clearTimeout(retryTimer);
      clearInterval(pingTimer);
      socket?.close();
    };
  }, [queryClient]);

  const value = useRef<Omit<LiveContextValue, 'status'>>({
    subscribeAudit(listener) {
      auditListeners.current.add(listener);
      return () => {
        auditListeners.current.delete(listener);
      };
    },
    subscribeAlarms(listener) {
      alarmListeners.current.add(listener);
      return () => {
        alarmListeners.current.delete(listener);
      };
    },
    subscribeFloods(listener) {
      floodListeners.current.add(listener);
      return () => {
        floodListeners.current.delete(listener);
      };
    },
    watchSite(siteId, listener) {
      let listeners = siteListeners.current.get(siteId);
      if (!listeners) {
        listeners = new Set();
        siteListeners.current.set(siteId, listeners);
        sendRef.current?.({ type: 'watch-site', siteId });
      }
      listeners.add(listener);
      return () => {
        const current = siteListeners.current.get(siteId);
        if (!current?.delete(listener) || current.size > 0) return;
        siteListeners.current.delete(siteId);
        sendRef.current?.({ type: 'unwatch-site' });
        // The console keeps one watched site per socket; another page still watching asks again.
        for (const other of siteListeners.current.keys()) sendRef.current?.({ type: 'watch-site', siteId: other });
      };
    },
  });

  return <LiveContext.Provider value={{ status, ...value.current }}>{children}</LiveContext.Provider>;
}

export function useLiveStatus(): LiveStatus {
  return useContext(LiveContext)?.status ?? 'connecting';
}

/**
 * Receive the changed tags of `siteId` while the component is mounted: sends `watch-site` (again after every
 * reconnect) and `unwatch-site` when the last watcher leaves.
 */
export function useWatchSite(siteId: string, listener: SiteTagsListener): void {
  const watchSite = useContext(LiveContext)?.watchSite;
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => watchSite?.(siteId, (tags) => latest.current(tags)), [watchSite, siteId]);
}

/** Run `listener` for every new audit entry the console announces while the component is mounted. */
export function useLiveAudit(listener: (entry: AuditEntry) => void): void {
  const subscribe = useContext(LiveContext)?.subscribeAudit;
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => subscribe?.((entry) => latest.current(entry)), [subscribe]);
}

/** Run `listener` for every alarm change the console announces while the component is mounted. */
export function useLiveAlarm(listener: (alarm: Alarm) => void): void {
  const subscribe = useContext(LiveContext)?.subscribeAlarms;
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => subscribe?.((alarm) => latest.current(alarm)), [subscribe]);
}

/** Run `listener` when a flood starts at a site. */
export function useLiveAlarmFlood(listener: (flood: FloodView) => void): void {
  const subscribe = useContext(LiveContext)?.subscribeFloods;
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => subscribe?.((flood) => latest.current(flood)), [subscribe]);
}
