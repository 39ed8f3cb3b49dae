import { useMemo, useState } from 'react';
import { Badge, Button, EmptyState, Group, Stack, Table, Text } from '@mantine/core';
import { IconFilterOff } from '@tabler/icons-react';
import { usePhone } from '../../console/web/src/hooks/usePhone.js';
import { FilterInput } from '../../console/web/src/components/FilterInput.js';
import { SortableTh, sortRows, type SortState } from '../../console/web/src/components/SortableTh.js';
import { TableFrame } from '../../console/web/src/components/TableFrame.js';
import { TableSkeleton } from '../../console/web/src/components/TableSkeleton.js';
import type { ListeningSocket } from './contract.js';

type SortKey = 'port' | 'protocol' | 'address' | 'process';

function sortValue(socket: ListeningSocket, key: SortKey): string | number | null {
  switch (key) {
    case 'port':
      return socket.port;
    case 'protocol':
      return socket.protocol;
    case 'address':
      return socket.address;
    case 'process':
      return socket.process;
  }
}

/** Wildcard and loopback binds read differently at a glance: one is reachable from the network, one is not. */
function scope(address: string): { label: string; colour: string } {
  if (address === '0.0.0.0' || address === '::') return { label: 'all addresses', colour: 'orange' };
  if (address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.')) return { label: 'loopback', colour: 'gray' };
  return { label: 'one address', colour: 'blue' };
}

export function ListeningTable({ sockets, loading }: { sockets: ListeningSocket[] | undefined; loading: boolean }) {
  const phone = usePhone();
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<SortState<SortKey>>({ key: 'port', descending: false });
  const needle = filter.trim().toLowerCase();
  const rows = useMemo(() => {
    const shown = (sockets ?? []).filter(
      (s) =>
        needle === '' ||
        String(s.port) === needle ||
        String(s.port).startsWith(needle) ||
        s.address.toLowerCase().includes(needle) ||
        s.protocol.includes(needle) ||
        (s.process ?? '').toLowerCase().includes(needle) ||
        String(s.pid ?? '') === needle,
    );
    return sortRows(shown, (s) => sortValue(s, sort.key), sort.descending);
  }, [sockets, needle, sort]);

  return (
    <Stack gap="xs">
      <Group justify="space-between">
        <FilterInput
          label="Filter listening ports"
          placeholder="Filter by port, address, process or PID"
          value={filter}
          onChange={setFilter}
          style={{ flexGrow: 1, maxWidth: 420 }}
        />
        <Text size="xs" c="dimmed">
          {sockets ? `${rows.length} of ${sockets.length} sockets` : ''}
        </Text>
      </Group>
      <TableFrame minWidth={phone ? 0 : 640}>
        <Table verticalSpacing={4} highlightOnHover aria-label="Listening ports">
          <Table.Thead>
            <Table.Tr>
              <SortableTh column="port" sort={sort} onSort={setSort} align="right" width={90}>
                Port
              </SortableTh>
              <SortableTh column="protocol" sort={sort} onSort={setSort} width={100} visibleFrom="sm">
                Protocol
              </SortableTh>
              <SortableTh column="address" sort={sort} onSort={setSort}>
                Address
              </SortableTh>
              <SortableTh column="process" sort={sort} onSort={setSort}>
                Process
              </SortableTh>
            </Table.Tr>
          </Table.Thead>
          {loading && !sockets ? (
            <TableSkeleton columns={4} />
          ) : (
            <Table.Tbody>
              {rows.map((s) => {
                const where = scope(s.address);
                return (
                  <Table.Tr key={`${s.protocol} ${s.address} ${s.port} ${s.pid ?? ''}`}>
                    <Table.Td ta="right">
                      <Text size="sm" fw={600} ff="monospace">
                        {s.port}
                      </Text>
                      <Text size="xs" c="dimmed" tt="uppercase" hiddenFrom="sm">
                        {s.protocol}
                      </Text>
                    </Table.Td>
                    <Table.Td visibleFrom="sm">
                      <Text size="sm" tt="uppercase">
                        {s.protocol}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={6} wrap={phone ? 'wrap' : 'nowrap'}>
                        <Text size="sm" ff="monospace" style={{ wordBreak: 'break-all' }}>
                          {s.address}
                        </Text>
                        <Badge size="xs" variant="light" color={where.colour} style={{ flexShrink: 0 }}>
                          {where.label}
                        </Badge>
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      {s.process ? (
                        <Text size="sm">
                          {s.process}{' '}
                          <Text span size="xs" c="dimmed">
                            PID {s.pid}
                          </Text>
                        </Text>
                      ) : (
                        <Text size="sm" c="dimmed" title="The owning process is outside what the agent can see (another PID namespace) or has gone.">
                          not visible · uid {s.uid}
                        </Text>
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          )}
        </Table>
      </TableFrame>
      {sockets && rows.length === 0 && (
        <EmptyState py="md" icon={<IconFilterOff size={24} />} title={needle ? 'No socket matches the filter' : 'Nothing is listening'}>
          {needle && (
            <EmptyState.Actions>
              <Button variant="default" onClick={() => setFilter('')}>
                Clear filter
              </Button>
            </EmptyState.Actions>
          )}
        </EmptyState>
      )}
    </Stack>
  );
}
