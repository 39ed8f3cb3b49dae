/**
 * The fleet at a glance: every host's CPU, memory, fullest disk, load and status from its latest metrics
 * sample, worst first (offline, then critical, then warning), sortable and filterable.
 */
import { useMemo, useState } from 'react';
import { Anchor, Badge, Group, Skeleton, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import type { FleetHealth, FleetMetricsRow } from '../../../../modules/metrics/series.js';
import { api } from '../api.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { FilterInput } from '../components/FilterInput.js';
import { NoFilterMatch } from '../components/NoFilterMatch.js';
import { SortableTh, sortRows, type SortState } from '../components/SortableTh.js';
import { TableFrame } from '../components/TableFrame.js';
import { UsageBar } from '../components/UsageBar.js';
import { formatPercent, formatRelative } from '../format.js';
import { useNow } from '../hooks/useNow.js';

type SortKey = 'health' | 'name' | 'cpu' | 'memory' | 'diskWorst' | 'load';

const healthLook: Record<FleetHealth, { color: string; label: string }> = {
  offline: { color: 'red', label: 'offline' },
  critical: { color: 'red', label: 'critical' },
  warning: { color: 'orange', label: 'warning' },
  ok: { color: 'teal', label: 'ok' },
  'no-data': { color: 'gray', label: 'no data yet' },
  pending: { color: 'yellow', label: 'pending approval' },
};

function Figure({ value }: { value: number | null }) {
  if (value === null) {
    return (
      <Text size="sm" c="dimmed">
        —
      </Text>
    );
  }
  return <UsageBar percent={value} label={formatPercent(value)} width={64} />;
}

export function OverviewPage() {
  const now = useNow(10_000);
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<SortState<SortKey>>({ key: 'health', descending: false });
  const fleet = useQuery({
    queryKey: ['fleet', 'metrics'],
    queryFn: ({ signal }) => api.get<{ hosts: FleetMetricsRow[] }>('/api/fleet/metrics', { signal }),
    refetchInterval: 10_000,
  });

  const rows = useMemo(() => {
    const all = fleet.data?.hosts ?? [];
    const needle = filter.trim().toLowerCase();
    const matching = needle === '' ? all : all.filter((r) => r.name.toLowerCase().includes(needle) || r.health.includes(needle));
    // The server's order is worst first; "health" keeps it (reversed on request).
    const rank = new Map(all.map((r, i) => [r.hostId, i]));
    const value = (r: FleetMetricsRow): string | number | null => {
      switch (sort.key) {
        case 'health':
          return rank.get(r.hostId) ?? 0;
        case 'name':
          return r.name.toLowerCase();
        case 'load':
          return r.load1 === null ? null : r.load1 / Math.max(1, r.cpuCount ?? 1);
        default:
          return r[sort.key];
      }
    };
    return sortRows(matching, value, sort.descending);
  }, [fleet.data, filter, sort]);

  const counts = (fleet.data?.hosts ?? []).reduce<Partial<Record<FleetHealth, number>>>((acc, r) => ({ ...acc, [r.health]: (acc[r.health] ?? 0) + 1 }), {});
  const th = (column: SortKey, label: string, firstDescending = true) => (
    <SortableTh column={column} sort={sort} onSort={setSort} firstDescending={firstDescending}>
      {label}
    </SortableTh>
  );

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <Stack gap={2}>
          <Title order={2}>Overview</Title>
          <Text size="sm" c="dimmed">
            {fleet.data
              ? (['offline', 'critical', 'warning', 'ok', 'no-data', 'pending'] as FleetHealth[])
                  .filter((h) => counts[h])
                  .map((h) => `${counts[h]} ${healthLook[h].label}`)
                  .join(' · ') || 'No hosts yet'
              : 'Every host, worst first'}
          </Text>
        </Stack>
        <FilterInput value={filter} onChange={setFilter} label="Filter hosts" placeholder="Filter by name or status" w={260} />
      </Group>

      {fleet.isError && <ErrorAlert error={fleet.error} title="Could not load the fleet's figures" onRetry={() => void fleet.refetch()} />}
      {fleet.isPending ? (
        <Skeleton height={160} radius="md" aria-label="Loading the fleet's figures" />
      ) : rows.length === 0 && filter !== '' ? (
        <NoFilterMatch title="No host matches" description={`Nothing matches “${filter}”.`} onClear={() => setFilter("")} />
      ) : (
        <TableFrame minWidth={820}>
          <Table highlightOnHover verticalSpacing="xs" aria-label="Hosts, worst first">
            <Table.Thead>
              <Table.Tr>
                {th('name', 'Host', false)}
                {th('health', 'Status', false)}
                {th('cpu', 'CPU')}
                {th('memory', 'Memory')}
                {th('diskWorst', 'Fullest disk')}
                {th('load', 'Load')}
                <Table.Th>Last sample</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((row) => (
                <Table.Tr key={row.hostId}>
                  <Table.Td>
                    <Anchor component={Link} to={`/hosts/${encodeURIComponent(row.hostId)}/metrics`} fw={600} size="sm" style={{ whiteSpace: 'nowrap' }}>
                      {row.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <Badge color={healthLook[row.health].color} variant={row.health === 'ok' ? 'light' : 'filled'} size="sm" style={{ overflow: 'visible' }} miw="max-content">
                      {healthLook[row.health].label}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Figure value={row.cpu} />
                  </Table.Td>
                  <Table.Td>
                    <Figure value={row.memory} />
                  </Table.Td>
                  <Table.Td>
                    <Group gap={6} wrap="nowrap">
                      <Figure value={row.diskWorst} />
                      {row.diskWorstMount && (
                        <Text size="xs" c="dimmed" ff="monospace" truncate="end" maw={140} title={row.diskWorstMount}>
                          {row.diskWorstMount}
                        </Text>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    {row.load1 === null ? (
                      <Text size="sm" c="dimmed">
                        —
                      </Text>
                    ) : (
                      <Tooltip label={`1-minute load on ${row.cpuCount ?? '?'} cores`}>
                        <Text size="sm" ff="monospace" c={row.cpuCount && row.load1 > row.cpuCount ? 'orange' : undefined}>
                          {row.load1.toFixed(2)}
                          {row.cpuCount ? <Text span size="xs" c="dimmed">{` / ${row.cpuCount}`}</Text> : null}
                        </Text>
                      </Tooltip>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" c={row.at && now - Date.parse(row.at) > 60_000 ? 'orange' : 'dimmed'}>
                      {row.at ? formatRelative(row.at, now) : 'never'}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableFrame>
      )}
    </Stack>
  );
}
