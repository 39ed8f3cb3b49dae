import type { Host } from './types.js';

/** What an operator needs to know first about a host: can I reach it, and if not, why not. */
export type HostCondition = 'online' | 'offline' | 'pending' | 'revoked';

export function hostCondition(host: Host): HostCondition {
  if (host.state === 'revoked') return 'revoked';
  if (host.state === 'pending') return 'pending';
  return host.online ? 'online' : 'offline';
}

export const hostConditionLabel: Record<HostCondition, string> = {
  online: 'Online',
  offline: 'Offline',
  pending: 'Pending approval',
  revoked: 'Revoked',
};

export const hostConditionColor: Record<HostCondition, string> = {
  online: 'teal',
  offline: 'red',
  pending: 'yellow',
  revoked: 'gray',
};
