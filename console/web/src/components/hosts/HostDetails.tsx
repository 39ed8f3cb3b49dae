import { SimpleGrid, Text } from '@mantine/core';
import { formatBytes, formatDuration, formatUsedOfTotal } from '../../format.js';
import type { Host } from '../../types.js';
import { RelativeTime } from '../RelativeTime.js';
import { HostFact } from './HostFact.js';
import { SshHostDetails } from '../ssh/SshHostDetails.js';
import { HostLastSeen } from './HostsTable.js';
import { liveStatus } from './hostColumns.js';

/** The facts about a host an operator checks before touching it. Live figures only while it reports. */
export function HostDetails({ host }: { host: Host }) {
  // Without an agent nothing reports the machine's figures; show how the console reaches it instead.
  if (host.connection === 'ssh' && host.ssh) return <SshHostDetails host={host} ssh={host.ssh} />;
  const status = host.status;
  const live = liveStatus(host);
  const dash = '—';
  return (
    <SimpleGrid cols={{ base: 2, sm: 3, lg: 5 }} spacing="md" verticalSpacing="sm">
      <HostFact label="OS">{status?.os ?? dash}</HostFact>
      <HostFact label="Kernel" mono>
        {status ? `${status.kernel} (${status.arch})` : dash}
      </HostFact>
      <HostFact label="CPU">{status ? `${status.cpuModel} × ${status.cpuCount}` : dash}</HostFact>
      <HostFact label="Uptime">{live ? formatDuration(live.uptimeSeconds) : dash}</HostFact>
      <HostFact label="Memory" mono>
        {live
          ? formatUsedOfTotal(live.memoryUsedBytes, live.memoryTotalBytes)
          : status
            ? `${formatBytes(status.memoryTotalBytes)} total`
            : dash}
      </HostFact>
      <HostFact label="Load (1, 5, 15 min)" mono>
        {live ? live.load.map((value) => value.toFixed(2)).join(' ') : dash}
      </HostFact>
      <HostFact label="Agent version" mono>
        {status?.agentVersion ?? dash}
      </HostFact>
      <HostFact label="Last seen">
        <HostLastSeen host={host} />
      </HostFact>
      <HostFact label="Address" mono>
        {host.address ?? dash}
      </HostFact>
      <HostFact label="Enrolled">
        <RelativeTime iso={host.enrolledAt} />
      </HostFact>
    </SimpleGrid>
  );
}

/** One line for when the details are folded away: what the host runs and how busy it is. */
export function HostSummaryLine({ host }: { host: Host }) {
  if (host.connection === 'ssh') {
    return (
      <Text size="sm" c="dimmed" className="gh-break">
        Reached over SSH, no agent{host.ssh ? ` · registered by ${host.ssh.registeredBy}` : ''}
      </Text>
    );
  }
  const live = liveStatus(host);
  const parts = [host.status?.os];
  if (live) {
    parts.push(`up ${formatDuration(live.uptimeSeconds)}`);
    parts.push(`CPU ${live.cpuPercent.toFixed(0)} %`);
    parts.push(`memory ${formatUsedOfTotal(live.memoryUsedBytes, live.memoryTotalBytes)}`);
  }
  return (
    <Text size="sm" c="dimmed" className="gh-break">
      {parts.filter(Boolean).join(' · ') || 'No report from this host yet'}
    </Text>
  );
}
