import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { api, hostPath } from '../api.js';
import { describeError } from '../components/ErrorAlert.js';
import { hostQueryKey, hostsQueryKey, storeHost } from '../live.js';
import type { Host } from '../types.js';

/** Every host, kept current by the live socket between fetches. */
export function useHosts() {
  return useQuery({ queryKey: hostsQueryKey, queryFn: ({ signal }) => api.get<Host[]>('/api/hosts', { signal }) });
}

export function useHost(hostId: string) {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: hostQueryKey(hostId),
    queryFn: ({ signal }) => api.get<Host>(hostPath(hostId), { signal }),
    initialData: () => queryClient.getQueryData<Host[]>(hostsQueryKey)?.find((host) => host.id === hostId),
  });
}

type HostAction = 'approve' | 'revoke';

const done: Record<HostAction, string> = { approve: 'approved', revoke: 'revoked' };

/** Approve or revoke a host (administrators), updating every view of it and saying what happened. */
export function useHostAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ host, action }: { host: Host; action: HostAction }) => api.post<Host>(hostPath(host.id, `/${action}`)),
    onSuccess: (host, { action }) => {
      storeHost(queryClient, host);
      notifications.show({ color: action === 'approve' ? 'teal' : 'gray', message: `${host.name} ${done[action]}.` });
    },
    onError: (error, { host, action }) => {
      const { code, message } = describeError(error);
      notifications.show({ color: 'red', title: `Could not ${action} ${host.name}`, message: `${message} (${code})` });
    },
  });
}

export function useRenameHost() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ host, name }: { host: Host; name: string }) => api.patch<Host>(hostPath(host.id), { name }),
    onSuccess: (host) => {
      storeHost(queryClient, host);
      notifications.show({ color: 'teal', message: `Renamed to ${host.name}.` });
    },
  });
}

/** Replace a host's tags (`host.manage`); the page shows a refusal itself, in place. */
export function useSetHostTags() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ host, tags }: { host: Host; tags: string[] }) => api.patch<Host>(hostPath(host.id), { tags }),
    onSuccess: (host) => {
      storeHost(queryClient, host);
      notifications.show({ color: 'teal', message: host.tags.length ? `Tags of ${host.name} saved.` : `Tags of ${host.name} removed.` });
    },
  });
}
