import type { ReactNode } from 'react';
import { Anchor, Box, Group, Paper, SimpleGrid, Skeleton, Stack, Text } from '@mantine/core';
import { LabelledValue } from '../LabelledValue.js';
import { Link } from 'react-router';
import { formatDuration } from '../../format.js';
import type { Host } from '../../types.js';
import { HostStatusBadge } from '../HostStatusBadge.js';
import { HostApprovalActions } from './HostApprovalActions.js';
import { hostAddress, liveStatus } from './hostColumns.js';
import { HostTags } from './HostTags.js';
import { CpuUsage, MemoryUsage } from './HostMetrics.js';
import { HostLastSeen } from './HostsTable.js';

function HostCard({ host, canAdminister, onTag }: { host: Host; canAdminister: boolean; onTag?: (tag: string) => void }) {
  const live = liveStatus(host);
  return (
    <Paper withBorder p="sm" radius="md" data-host-id={host.id}>
      <Group justify="space-between" wrap="nowrap" align="flex-start" gap="xs">
        <Stack gap={0} style={{ minWidth: 0 }}>
          <Anchor component={Link} to={`/hosts/${encodeURIComponent(host.id)}`} fw={600} className="gh-break">
            {host.name}
          </Anchor>
          {host.connection === 'ssh' ? (
            <Text size="xs" c="dimmed" ff="monospace" className="gh-truncate" title={hostAddress(host) ?? undefined}>
              {hostAddress(host)}
            </Text>
          ) : (
            <Text size="xs" c="dimmed" className="gh-truncate">
              {host.status?.os ?? 'No report yet'}
            </Text>
          )}
        </Stack>
        <HostStatusBadge host={host} size="sm" />
      </Group>
      {host.tags.length > 0 && (
        <Box mt={6}>
          <HostTags tags={host.tags} size="xs" max={4} onTag={onTag} />
        </Box>
      )}
      {host.connection === 'ssh' ? (
        <Text size="sm" c="dimmed" mt={6}>
          No agent: no live figures
        </Text>
      ) : live ? (
        <SimpleGrid cols={2} spacing="xs" verticalSpacing={6} mt="xs">
          <LabelledValue label="CPU">
            <CpuUsage status={live} />
          </LabelledValue>
          <LabelledValue label="Memory">
            <MemoryUsage status={live} />
          </LabelledValue>
          <LabelledValue label="Uptime">
            <Text size="sm">{formatDuration(live.uptimeSeconds)}</Text>
          </LabelledValue>
          <LabelledValue label="Last seen">
            <HostLastSeen host={host} />
          </LabelledValue>
        </SimpleGrid>
      ) : (
        <Group gap={6} mt={6}>
          <Text size="sm" c="dimmed">
            Last seen
          </Text>
          <HostLastSeen host={host} />
        </Group>
      )}
      {canAdminister && host.state === 'pending' && (
        <Group mt="sm">
          <HostApprovalActions host={host} size="sm" />
        </Group>
      )}
    </Paper>
  );
}

/** The host list on a phone: one card per host, the figures an on-call person checks first. */
export function HostCardList({
  hosts,
  loading,
  canAdminister,
  empty,
  onTag,
}: {
  hosts: Host[];
  loading: boolean;
  canAdminister: boolean;
  empty: ReactNode;
  /** A tag was tapped: show the hosts with it. */
  onTag?: (tag: string) => void;
}) {
  if (loading) {
    return (
      <Stack gap="sm" aria-busy="true">
        {[0, 1, 2].map((i) => (
          <Skeleton key={i} height={120} radius="md" />
        ))}
      </Stack>
    );
  }
  if (hosts.length === 0) return <>{empty}</>;
  return (
    <Stack gap="sm">
      {hosts.map((host) => (
        <HostCard key={host.id} host={host} canAdminister={canAdminister} onTag={onTag} />
      ))}
    </Stack>
  );
}
