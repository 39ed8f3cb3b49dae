/**
 * The Software tab's three lists: installed packages, available updates (security ones first and marked) and
 * search results, each a dense table whose names open the details drawer.
 */
import { ActionIcon, Badge, Button, Group, Stack, Table, Text, Tooltip } from '@mantine/core';
import { IconShieldExclamation, IconTrash } from '@tabler/icons-react';
import { ErrorAlert } from '../../console/web/src/components/ErrorAlert.js';
import { FilterInput } from '../../console/web/src/components/FilterInput.js';
import { NoFilterMatch } from '../../console/web/src/components/NoFilterMatch.js';
import { SortableTh, type SortState } from '../../console/web/src/components/SortableTh.js';
import { TableFrame, useStickyHeader } from '../../console/web/src/components/TableFrame.js';
import { TableSkeleton } from '../../console/web/src/components/TableSkeleton.js';
import { formatBytes } from '../../console/web/src/format.js';
import type { z } from 'zod';
import type { contract, InstalledPackage, PackageUpgrade } from './contract.js';

export type SortKey = 'name' | 'size';
type SearchResult = z.output<typeof contract.methods.search.result>;

const nameButton = { background: 'none', border: 0, padding: 0, cursor: 'pointer', textAlign: 'left', color: 'inherit' } as const;

export function PackageName({ name, onOpen }: { name: string; onOpen: (name: string) => void }) {
  return (
    <Text component="button" type="button" size="sm" ff="monospace" fw={500} style={nameButton} onClick={() => onOpen(name)}>
      {name}
    </Text>
  );
}

export function SecurityBadge() {
  return (
    <Badge color="red" variant="light" radius="sm" tt="none" leftSection={<IconShieldExclamation size={12} />}>
      security
    </Badge>
  );
}

export function InstalledView(props: {
  loading: boolean;
  error: unknown;
  onRetry: () => void;
  rows: InstalledPackage[];
  total: number;
  filter: string;
  setFilter: (value: string) => void;
  sort: SortState<SortKey>;
  setSort: (sort: SortState<SortKey>) => void;
  phone: boolean;
  canRemove: boolean;
  busy: boolean;
  onOpen: (name: string) => void;
  onRemove: (name: string) => void;
}) {
  const { rows, phone, canRemove } = props;
  const width = phone ? 320 : 720;
  const sticky = useStickyHeader(width);
  const columns = (phone ? 2 : 5) + (canRemove ? 1 : 0);
  if (props.error) return <ErrorAlert error={props.error} title="Could not list the installed packages" onRetry={props.onRetry} />;
  return (
    <Stack gap="xs">
      <Group gap="sm">
        <FilterInput
          label="Filter packages"
          placeholder="Filter by name or summary"
          value={props.filter}
          onChange={props.setFilter}
          style={{ flexGrow: 1, maxWidth: 360, minWidth: 200 }}
        />
        <Text size="xs" c="dimmed" ml="auto">
          {rows.length === props.total ? `${props.total} packages` : `${rows.length} of ${props.total}`}
        </Text>
      </Group>
      <TableFrame minWidth={width}>
        <Table highlightOnHover verticalSpacing={5} fz="sm" {...sticky} aria-label="Installed packages">
          <Table.Thead>
            <Table.Tr>
              <SortableTh column="name" sort={props.sort} onSort={props.setSort}>
                Package
              </SortableTh>
              {!phone && <Table.Th>Version</Table.Th>}
              {!phone && <Table.Th w={80}>Arch</Table.Th>}
              <SortableTh column="size" sort={props.sort} onSort={props.setSort} align="right" width={100} firstDescending>
                Size
              </SortableTh>
              {!phone && <Table.Th>Summary</Table.Th>}
              {canRemove && <Table.Th w={44} aria-label="Actions" />}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {props.loading ? (
              <TableSkeleton columns={columns} />
            ) : rows.length === 0 ? (
              <Table.Tr>
                <Table.Td colSpan={columns}>
                  <NoFilterMatch title="No package matches the filter" onClear={() => props.setFilter('')} />
                </Table.Td>
              </Table.Tr>
            ) : (
              rows.map((p) => (
                <Table.Tr key={`${p.name}:${p.architecture}`} data-package={p.name}>
                  <Table.Td style={{ wordBreak: 'break-all' }}>
                    <PackageName name={p.name} onOpen={props.onOpen} />
                    {p.status !== 'ii' && p.status !== 'installed' && (
                      <Badge ml={6} size="xs" color="orange" variant="light" radius="sm" tt="none" title="dpkg status">
                        {p.status}
                      </Badge>
                    )}
                    {phone && (
                      <Text size="xs" c="dimmed" lineClamp={1}>
                        {p.version} · {p.summary}
                      </Text>
                    )}
                  </Table.Td>
                  {!phone && (
                    <Table.Td ff="monospace" fz="xs" style={{ wordBreak: 'break-all' }}>
                      {p.version}
                    </Table.Td>
                  )}
                  {!phone && (
                    <Table.Td fz="xs" c="dimmed">
                      {p.architecture}
                    </Table.Td>
                  )}
                  <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                    {p.sizeBytes > 0 ? formatBytes(p.sizeBytes) : '—'}
                  </Table.Td>
                  {!phone && (
                    <Table.Td>
                      <Text size="sm" lineClamp={1}>
                        {p.summary}
                      </Text>
                    </Table.Td>
                  )}
                  {canRemove && (
                    <Table.Td>
                      <Tooltip label={`Remove ${p.name}…`}>
                        <ActionIcon
                          variant="subtle"
                          color="red"
                          aria-label={`Remove ${p.name}`}
                          disabled={props.busy}
                          onClick={() => props.onRemove(p.name)}
                        >
                          <IconTrash size={16} />
                        </ActionIcon>
                      </Tooltip>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))
            )}
          </Table.Tbody>
        </Table>
      </TableFrame>
    </Stack>
  );
}

export function UpdatesTable(props: {
  loading: boolean;
  updates: PackageUpgrade[];
  phone: boolean;
  canInstall: boolean;
  busy: boolean;
  onOpen: (name: string) => void;
  onUpgrade: (name: string) => void;
}) {
  const { phone, canInstall } = props;
  const columns = (phone ? 2 : 4) + (canInstall ? 1 : 0);
  return (
    <TableFrame minWidth={phone ? 320 : 640}>
      <Table highlightOnHover verticalSpacing={5} fz="sm" aria-label="Available updates">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Package</Table.Th>
            {!phone && <Table.Th>Installed</Table.Th>}
            <Table.Th>Available</Table.Th>
            {!phone && <Table.Th>From</Table.Th>}
            {canInstall && <Table.Th w={90} aria-label="Actions" />}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {props.loading ? (
            <TableSkeleton columns={columns} />
          ) : props.updates.length === 0 ? (
            <Table.Tr>
              <Table.Td colSpan={columns}>
                <Text size="sm" c="dimmed" py="md" ta="center">
                  Everything is up to date (as of the last index refresh).
                </Text>
              </Table.Td>
            </Table.Tr>
          ) : (
            props.updates.map((u) => (
              <Table.Tr key={u.name} data-package={u.name}>
                <Table.Td style={{ wordBreak: 'break-all' }}>
                  <Group gap={6} wrap="wrap">
                    <PackageName name={u.name} onOpen={props.onOpen} />
                    {u.security && <SecurityBadge />}
                  </Group>
                </Table.Td>
                {!phone && (
                  <Table.Td ff="monospace" fz="xs">
                    {u.current}
                  </Table.Td>
                )}
                <Table.Td ff="monospace" fz="xs" fw={600}>
                  {u.available}
                </Table.Td>
                {!phone && (
                  <Table.Td>
                    <Text size="xs" c="dimmed" lineClamp={1}>
                      {u.origin || '—'}
                    </Text>
                  </Table.Td>
                )}
                {canInstall && (
                  <Table.Td>
                    <Button size="compact-xs" variant="light" disabled={props.busy} onClick={() => props.onUpgrade(u.name)}>
                      Update
                    </Button>
                  </Table.Td>
                )}
              </Table.Tr>
            ))
          )}
        </Table.Tbody>
      </Table>
    </TableFrame>
  );
}

export function SearchTable(props: {
  loading: boolean;
  result: SearchResult | undefined;
  canInstall: boolean;
  busy: boolean;
  onOpen: (name: string) => void;
  onInstall: (name: string) => void;
}) {
  const results = props.result?.results ?? [];
  const columns = props.canInstall ? 3 : 2;
  return (
    <TableFrame minWidth={320}>
      <Table highlightOnHover verticalSpacing={5} fz="sm" aria-label="Search results">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Package</Table.Th>
            <Table.Th>Summary</Table.Th>
            {props.canInstall && <Table.Th w={120} aria-label="Actions" />}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {props.loading ? (
            <TableSkeleton columns={columns} rows={3} />
          ) : results.length === 0 ? (
            <Table.Tr>
              <Table.Td colSpan={columns}>
                <Text size="sm" c="dimmed" py="md" ta="center">
                  Nothing in the index matches.
                </Text>
              </Table.Td>
            </Table.Tr>
          ) : (
            results.map((r) => (
              <Table.Tr key={r.name} data-package={r.name}>
                <Table.Td style={{ wordBreak: 'break-all' }}>
                  <PackageName name={r.name} onOpen={props.onOpen} />
                </Table.Td>
                <Table.Td>
                  <Text size="sm" lineClamp={2}>
                    {r.summary}
                  </Text>
                </Table.Td>
                {props.canInstall && (
                  <Table.Td>
                    {r.installed ? (
                      <Badge color="teal" variant="light" radius="sm" tt="none">
                        installed
                      </Badge>
                    ) : (
                      <Button size="compact-xs" variant="light" disabled={props.busy} onClick={() => props.onInstall(r.name)}>
                        Install
                      </Button>
                    )}
                  </Table.Td>
                )}
              </Table.Tr>
            ))
          )}
          {props.result?.truncated && (
            <Table.Tr>
              <Table.Td colSpan={columns}>
                <Text size="xs" c="dimmed">
                  More packages match; narrow the search to see them.
                </Text>
              </Table.Td>
            </Table.Tr>
          )}
        </Table.Tbody>
      </Table>
    </TableFrame>
  );
}

