import { hostCondition, hostConditionLabel, sshTarget, type HostCondition } from '../../hostStatus.js';
import { parseTagFilter } from '../../hostTags.js';
import type { Host } from '../../types.js';

export type HostSortKey = 'status' | 'name' | 'os' | 'uptime' | 'cpu' | 'memory' | 'load' | 'lastSeen' | 'version';

// Sorting by status puts what needs attention first.
const conditionRank: Record<HostCondition, number> = { offline: 0, pending: 1, online: 2, ssh: 3, revoked: 4 };

/** Live figures only mean something while the agent reports; an offline host's last numbers are history. */
export function liveStatus(host: Host) {
  return host.online && host.state === 'approved' ? host.status : null;
}

export function hostSortValue(host: Host, key: HostSortKey): string | number | null {
  const live = liveStatus(host);
  switch (key) {
    case 'status':
      return conditionRank[hostCondition(host)];
    case 'name':
      return host.name;
    case 'os':
      return host.status?.os ?? null;
    case 'uptime':
      return live?.uptimeSeconds ?? null;
    case 'cpu':
      return live?.cpuPercent ?? null;
    case 'memory':
      return live && live.memoryTotalBytes > 0 ? live.memoryUsedBytes / live.memoryTotalBytes : null;
    case 'load':
      return live?.load[0] ?? null;
    case 'lastSeen':
      return host.online ? Number.MAX_SAFE_INTEGER : host.lastSeenAt ? Date.parse(host.lastSeenAt) : null;
    case 'version':
      return host.status?.agentVersion ?? null;
  }
}

/** Where the host is: `user@address:port` for a host reached over SSH, else the address its agent connects from. */
export function hostAddress(host: Host): string | null {
  return host.connection === 'ssh' ? sshTarget(host) : host.address;
}

/**
 * Does the host match what the operator typed? Name, tags, hostname, OS, address (or SSH target), status word,
 * agent version; `tag:NAME` (what clicking a tag puts in the filter) matches that tag only.
 */
export function hostMatches(host: Host, filter: string): boolean {
  const needle = filter.trim().toLowerCase();
  if (needle === '') return true;
  const tag = parseTagFilter(needle);
  if (tag !== null) return tag === '' || host.tags.includes(tag);
  const haystack = [
    ...host.tags,
    host.name,
    host.status?.hostname,
    host.status?.os,
    host.status?.arch,
    host.address,
    sshTarget(host),
    host.status?.agentVersion,
    hostConditionLabel[hostCondition(host)],
  ];
  return haystack.some((value) => value?.toLowerCase().includes(needle));
}
