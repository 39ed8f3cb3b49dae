import type { Host } from './types.js';

/**
 * What an operator needs to know first about a host: can I reach it, and if not, why not. A host reached over
 * SSH has no live connection to report, so it is neither online nor offline: it is `ssh`, reached on demand.
 */
export type HostCondition = 'online' | 'offline' | 'ssh' | 'pending' | 'revoked';

export function hostCondition(host: Host): HostCondition {
  if (host.state === 'revoked') return 'revoked';
  if (host.state === 'pending') return 'pending';
  if (host.connection === 'ssh') return 'ssh';
  return host.online ? 'online' : 'offline';
}

export const hostConditionLabel: Record<HostCondition, string> = {
  online: 'Online',
  offline: 'Offline',
  ssh: 'SSH',
  pending: 'Pending approval',
  revoked: 'Revoked',
};

export const hostConditionColor: Record<HostCondition, string> = {
  online: 'teal',
  offline: 'red',
  ssh: 'blue',
  pending: 'yellow',
  revoked: 'gray',
};

/** `root@10.0.0.5:22` for a host reached over SSH; null for the others. */
export function sshTarget(host: Host): string | null {
  if (!host.ssh) return null;
  const { username, address, port } = host.ssh;
  // An IPv6 address needs brackets before the port, as in ssh's own notation.
  const shown = address.includes(':') ? `[${address}]` : address;
  return `${username}@${shown}:${port}`;
}
