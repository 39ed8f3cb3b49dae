import type { ReactNode } from 'react';
import { Anchor, Box, Stack, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import { formatDuration } from '../../format.js';
import type { Host } from '../../types.js';
import { HostStatusBadge } from '../HostStatusBadge.js';
import { RelativeTime } from '../RelativeTime.js';
import { SortableTh, type SortState } from '../SortableTh.js';
import { TableSkeleton } from '../TableSkeleton.js';
import { HostApprovalActions } from './HostApprovalActions.js';
import { HostTags } from './HostTags.js';
import { hostAddress, liveStatus, type HostSortKey } from './hostColumns.js';
import { CpuUsage, LoadAverage, MemoryUsage, NoFigure } from './HostMetrics.js';
import { TableFrame, useStickyHeader } from '../TableFrame.js';

export function HostLastSeen({ host }: { host: Host }) {
  // A host reached over SSH is not "seen" between terminals; "never" would read as a fault.
  if (host.connection === 'ssh' && !host.lastSeenAt) return <NoFigure />;
  if (host.online)
    return (
      <Text size="sm" c="teal.8" fw={500}>
        now
      </Text>
    );
  return <RelativeTime iso={host.lastSeenAt} />;
}

/** Tags named in a row before "+N": more would wrap and make the row taller than the figures beside it. */
export const tagsShownInTable = 2;

function HostRow({ host, canApprove, onTag }: { host: Host; canApprove: boolean; onTag?: (tag: string) => void }) {
  const live = liveStatus(host);
  return (
    <Table.Tr data-host-id={host.id}>
      <Table.Td>
        <HostStatusBadge host={host} size="sm" />
        {canApprove && host.state === 'pending' && (
          <Box mt={6}>
            <HostApprovalActions host={host} compact />
          </Box>
        )}
      </Table.Td>
      <Table.Td maw={260}>
        <Anchor component={Link} to={`/hosts/${encodeURIComponent(host.id)}`} fw={600} size="sm" className="gh-break">
          {host.name}
        </Anchor>
        {host.connection === 'ssh' ? (
          // Where the console signs in, in ssh's own notation.
          <Text size="xs" c="dimmed" ff="monospace" className="gh-truncate" title={hostAddress(host) ?? undefined}>
            {hostAddress(host)}
          </Text>
        ) : (
          host.status &&
          host.status.hostname !== host.name && (
            <Text size="xs" c="dimmed" className="gh-truncate" title={host.status.hostname}>
              {host.status.hostname}
            </Text>
          )
        )}
        {host.tags.length > 0 && (
          <Box mt={4}>
            <HostTags tags={host.tags} size="xs" max={tagsShownInTable} onTag={onTag} />
          </Box>
        )}
      </Table.Td>
      {host.connection === 'ssh' ? (
        // No agent, no figures: one quiet cell instead of five dashes.
        <Table.Td colSpan={5}>
          <Text size="sm" c="dimmed">
            No agent: no live figures
          </Text>
        </Table.Td>
      ) : (
        <>
          <Table.Td maw={200}>
            {host.status ? (
              <Text size="sm" className="gh-truncate" title={`${host.status.os} · ${host.status.arch}`}>
                {host.status.os}
              </Text>
            ) : (
              <NoFigure />
            )}
          </Table.Td>
          <Table.Td>
            {live ? (
              <Text size="sm" className="gh-num" style={{ whiteSpace: 'nowrap' }}>
                {formatDuration(live.uptimeSeconds)}
              </Text>
            ) : (
              <NoFigure />
            )}
          </Table.Td>
          <Table.Td>
            <CpuUsage status={live} />
          </Table.Td>
          <Table.Td>
            <MemoryUsage status={live} />
          </Table.Td>
          <Table.Td>
            <LoadAverage status={live} />
          </Table.Td>
        </>
      )}
      <Table.Td>
        <HostLastSeen host={host} />
      </Table.Td>
      <Table.Td>
        <Text size="sm" ff="monospace" c={host.status ? undefined : 'dimmed'}>
          {host.status?.agentVersion ?? '—'}
        </Text>
      </Table.Td>
    </Table.Tr>
  );
}

export function HostsTable({
  hosts,
  loading,
  sort,
  onSort,
  canAdminister,
  empty,
  onTag,
}: {
  hosts: Host[];
  loading: boolean;
  sort: SortState<HostSortKey>;
  onSort: (sort: SortState<HostSortKey>) => void;
  canAdminister: boolean;
  empty: ReactNode;
  /** A tag was clicked: show the hosts with it. */
  onTag?: (tag: string) => void;
}) {
  const header = (column: HostSortKey, label: string, firstDescending = false) => (
    <SortableTh column={column} sort={sort} onSort={onSort} firstDescending={firstDescending}>
      {label}
    </SortableTh>
  );
  const columns = 9;
  const minWidth = 1100;
  const sticky = useStickyHeader(minWidth);
  return (
    <TableFrame minWidth={minWidth}>
      <Table striped highlightOnHover {...sticky} verticalSpacing={8} horizontalSpacing="xs" aria-label="Hosts">
        <Table.Thead>
          <Table.Tr>
            {header('status', 'Status')}
            {header('name', 'Name')}
            {header('os', 'OS')}
            {header('uptime', 'Uptime', true)}
            {header('cpu', 'CPU', true)}
            {header('memory', 'Memory', true)}
            {header('load', 'Load', true)}
            {header('lastSeen', 'Last seen', true)}
            {header('version', 'Agent')}
          </Table.Tr>
        </Table.Thead>
        {loading ? (
          <TableSkeleton columns={columns} rows={5} />
        ) : (
          <Table.Tbody>
            {hosts.map((host) => (
              <HostRow key={host.id} host={host} canApprove={canAdminister} onTag={onTag} />
            ))}
            {hosts.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={columns}>
                  <Stack py="lg">{empty}</Stack>
                </Table.Td>
              </Table.Tr>
            )}
          </Table.Tbody>
        )}
      </Table>
    </TableFrame>
  );
}
