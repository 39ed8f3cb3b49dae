/**
 * Hosts reached over SSH, without an agent (docs/api.md): reading a server's host key, registering the host,
 * pinning a new key after a deliberate change, forgetting the host. Types only from the kernel, so zod stays
 * out of the main bundle; the install stream, which checks each line with the schema, is in installStream.ts.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, hostPath } from '../api.js';
import { hostQueryKey, hostsQueryKey, storeHost } from '../live.js';
import type { Host, SshRegisterRequest, SshScanResult, User } from '../types.js';

/** Registering, re-pinning, installing the agent and forgetting SSH hosts: administrators. */
export function canManageSsh(user: User): boolean {
  return user.permissions.includes('ssh.manage');
}

/** Connect, read the key the server presents, disconnect: for the administrator to compare before trusting it. */
export function scanHostKey(target: { address: string; port: number }, signal?: AbortSignal): Promise<SshScanResult> {
  return api.post<SshScanResult>('/api/ssh/scan', target, { signal });
}

export async function registerSshHost(request: SshRegisterRequest): Promise<Host> {
  const { host } = await api.post<{ host: Host }>('/api/ssh-hosts', request);
  return host;
}

/**
 * The file on the server whose fingerprint the administrator compares, by key type as OpenSSH names it
 * (`ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa`, `rsa-sha2-512`).
 */
export function hostKeyFile(hostKeyType: string): string {
  const type = hostKeyType.toLowerCase();
  const kind = type.includes('ed25519') ? 'ed25519' : type.includes('ecdsa') ? 'ecdsa' : type.includes('rsa') ? 'rsa' : 'ed25519';
  return `/etc/ssh/ssh_host_${kind}_key.pub`;
}

/** "ED25519", "ECDSA", "RSA": how `ssh-keygen -l` names the type at the end of its line. */
export function hostKeyTypeLabel(hostKeyType: string): string {
  const type = hostKeyType.toLowerCase();
  if (type.includes('ed25519')) return 'ED25519';
  if (type.includes('ecdsa')) return 'ECDSA';
  if (type.includes('rsa')) return 'RSA';
  return hostKeyType;
}

/** Pin the key the host presents now (after the administrator compared it); updates every view of the host. */
export function useTrustHostKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ host, hostKeyFingerprint }: { host: Host; hostKeyFingerprint: string }) => {
      const result = await api.post<{ host: Host }>(hostPath(host.id, '/ssh/host-key'), { hostKeyFingerprint });
      return result.host;
    },
    onSuccess: (host) => storeHost(queryClient, host),
  });
}

/**
 * Forget an SSH host: one without an agent is removed; one whose agent now runs loses only its SSH credentials
 * (the agent stays), so its entry is fetched again rather than dropped.
 */
export function useForgetSshHost() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (host: Host) => api.delete(`/api/ssh-hosts/${encodeURIComponent(host.id)}`),
    onSuccess: (_nothing, host) => {
      if (host.connection === 'ssh') {
        queryClient.setQueryData<Host[]>(hostsQueryKey, (hosts) => hosts?.filter((h) => h.id !== host.id));
        queryClient.removeQueries({ queryKey: hostQueryKey(host.id), exact: true });
      } else {
        void queryClient.invalidateQueries({ queryKey: hostQueryKey(host.id), exact: true });
      }
      void queryClient.invalidateQueries({ queryKey: hostsQueryKey, exact: true });
    },
  });
}
