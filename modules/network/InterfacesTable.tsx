import { Badge, Card, Group, Stack, Table, Text } from '@mantine/core';
import { usePhone } from '../../console/web/src/hooks/usePhone.js';
import { formatBytes } from '../../console/web/src/format.js';
import { TableFrame } from '../../console/web/src/components/TableFrame.js';
import { TableSkeleton } from '../../console/web/src/components/TableSkeleton.js';
import type { NetworkInterface } from './contract.js';

/** Calm for up, loud for down, grey for states that say nothing either way (loopback reports "unknown"). */
export function stateColour(state: string): string {
  if (state === 'up') return 'teal';
  if (state === 'down' || state === 'lowerlayerdown' || state === 'notpresent') return 'red';
  return 'gray';
}

function speedText(mbps: number | null): string {
  if (mbps === null) return '—';
  return mbps >= 1000 ? `${mbps / 1000} Gbit/s` : `${mbps} Mbit/s`;
}

/** Every interface: state first, because a link that is down is what an operator looks for. */
export function InterfacesTable({ interfaces, loading }: { interfaces: NetworkInterface[] | undefined; loading: boolean }) {
  const phone = usePhone();
  if (phone) return <InterfaceCards interfaces={interfaces} />;
  return (
    <TableFrame minWidth={760}>
      <Table verticalSpacing={6} highlightOnHover aria-label="Network interfaces">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Interface</Table.Th>
            <Table.Th>State</Table.Th>
            <Table.Th>Addresses</Table.Th>
            <Table.Th>MAC</Table.Th>
            <Table.Th ta="right">MTU</Table.Th>
            <Table.Th ta="right">Speed</Table.Th>
            <Table.Th ta="right">Received / sent</Table.Th>
          </Table.Tr>
        </Table.Thead>
        {loading && !interfaces ? (
          <TableSkeleton columns={7} rows={3} />
        ) : (
          <Table.Tbody>
            {(interfaces ?? []).map((nic) => (
              <Table.Tr key={nic.name}>
                <Table.Td>
                  <Text fw={600} size="sm" ff="monospace">
                    {nic.name}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {nic.kind}
                    {nic.virtual ? ' · virtual' : ''}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Badge color={stateColour(nic.state)} variant="light" size="sm">
                    {nic.state}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  {nic.addresses.length === 0 ? (
                    <Text size="sm" c="dimmed">
                      none
                    </Text>
                  ) : (
                    <Stack gap={0}>
                      {nic.addresses.map((a) => (
                        <Group key={`${a.address}/${a.prefix}`} gap={6} wrap="nowrap">
                          <Text size="sm" ff="monospace" style={{ whiteSpace: 'nowrap' }}>
                            {a.address}/{a.prefix}
                          </Text>
                          <Text size="xs" c="dimmed">
                            {a.family === 'inet' ? 'IPv4' : 'IPv6'}
                          </Text>
                        </Group>
                      ))}
                    </Stack>
                  )}
                </Table.Td>
                <Table.Td>
                  <Text size="sm" ff="monospace">
                    {nic.mac ?? '—'}
                  </Text>
                </Table.Td>
                <Table.Td ta="right">
                  <Text size="sm">{nic.mtu ?? '—'}</Text>
                </Table.Td>
                <Table.Td ta="right">
                  <Text size="sm">{speedText(nic.speedMbps)}</Text>
                </Table.Td>
                <Table.Td ta="right">
                  <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                    {nic.rxBytes === null ? '—' : formatBytes(nic.rxBytes)} / {nic.txBytes === null ? '—' : formatBytes(nic.txBytes)}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        )}
      </Table>
    </TableFrame>
  );
}

/** On a phone: one card per interface, name and state on top, addresses below, the rest in small print. */
function InterfaceCards({ interfaces }: { interfaces: NetworkInterface[] | undefined }) {
  if (!interfaces) {
    return (
      <Text size="sm" c="dimmed">
        Loading…
      </Text>
    );
  }
  return (
    <Stack gap="xs" aria-label="Network interfaces">
      {interfaces.map((nic) => (
        <Card key={nic.name} withBorder padding="sm" radius="md">
          <Group justify="space-between" wrap="nowrap">
            <Text fw={600} ff="monospace">
              {nic.name}
            </Text>
            <Badge color={stateColour(nic.state)} variant="light" size="sm" style={{ flexShrink: 0 }}>
              {nic.state}
            </Badge>
          </Group>
          {nic.addresses.length === 0 ? (
            <Text size="sm" c="dimmed">
              no addresses
            </Text>
          ) : (
            nic.addresses.map((a) => (
              <Text key={`${a.address}/${a.prefix}`} size="sm" ff="monospace" style={{ wordBreak: 'break-all' }}>
                {a.address}/{a.prefix}
              </Text>
            ))
          )}
          <Text size="xs" c="dimmed" mt={4}>
            {nic.kind}
            {nic.virtual ? ' · virtual' : ''} · MAC {nic.mac ?? '—'} · MTU {nic.mtu ?? '—'}
            {nic.speedMbps !== null ? ` · ${speedText(nic.speedMbps)}` : ''}
          </Text>
        </Card>
      ))}
    </Stack>
  );
}
