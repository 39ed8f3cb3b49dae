import { Badge, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import { TableFrame } from '../../console/web/src/components/TableFrame.js';
import { TableSkeleton } from '../../console/web/src/components/TableSkeleton.js';
import type { Route } from './contract.js';

export function RoutesTable({ routes, loading }: { routes: Route[] | undefined; loading: boolean }) {
  return (
    <TableFrame minWidth={560}>
      <Table verticalSpacing={4} highlightOnHover aria-label="Routes">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Destination</Table.Th>
            <Table.Th>Gateway</Table.Th>
            <Table.Th>Interface</Table.Th>
            <Table.Th ta="right">Metric</Table.Th>
          </Table.Tr>
        </Table.Thead>
        {loading && !routes ? (
          <TableSkeleton columns={4} rows={3} />
        ) : (
          <Table.Tbody>
            {(routes ?? []).map((r) => (
              <Table.Tr key={`${r.family} ${r.destination} ${r.gateway ?? ''} ${r.interface} ${r.metric}`}>
                <Table.Td>
                  <Group gap={6} wrap="nowrap">
                    {r.destination === 'default' ? (
                      <Badge size="sm" variant="light" color="blue">
                        default
                      </Badge>
                    ) : (
                      <Text size="sm" ff="monospace" style={{ wordBreak: 'break-all' }}>
                        {r.destination}
                      </Text>
                    )}
                    <Text size="xs" c="dimmed">
                      {r.family === 'inet' ? 'IPv4' : 'IPv6'}
                    </Text>
                  </Group>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" ff="monospace" c={r.gateway ? undefined : 'dimmed'}>
                    {r.gateway ?? 'directly connected'}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" ff="monospace">
                    {r.interface}
                  </Text>
                </Table.Td>
                <Table.Td ta="right">
                  <Text size="sm">{r.metric}</Text>
                </Table.Td>
              </Table.Tr>
            ))}
            {routes && routes.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={4}>
                  <Text size="sm" c="dimmed">
                    No routes: this host reaches nothing beyond itself.
                  </Text>
                </Table.Td>
              </Table.Tr>
            )}
          </Table.Tbody>
        )}
      </Table>
    </TableFrame>
  );
}

export interface DnsView {
  nameservers: string[];
  search: string[];
  source: string;
  upstream: string[] | null;
}

export function DnsCard({ dns }: { dns: DnsView | undefined }) {
  return (
    <Card withBorder padding="sm" radius="md">
      <Title order={4} size="h5" mb={6}>
        DNS resolvers
      </Title>
      {!dns ? (
        <Text size="sm" c="dimmed">
          Loading…
        </Text>
      ) : (
        <Stack gap={4}>
          {dns.nameservers.length === 0 ? (
            <Text size="sm" c="orange.8">
              No nameserver configured: names will not resolve.
            </Text>
          ) : (
            dns.nameservers.map((ns) => (
              <Text key={ns} size="sm" ff="monospace">
                {ns}
              </Text>
            ))
          )}
          {dns.upstream && (
            <Text size="xs" c="dimmed">
              systemd-resolved forwards to: {dns.upstream.length ? dns.upstream.join(', ') : 'no upstream server'}
            </Text>
          )}
          <Text size="xs" c="dimmed">
            Search domains: {dns.search.length ? dns.search.join(' ') : 'none'} · from {dns.source}
          </Text>
        </Stack>
      )}
    </Card>
  );
}
