import type { ReactNode } from 'react';
import { Badge, Group, Table, Text } from '@mantine/core';
import { SortableTh, type SortState } from '../../console/web/src/components/SortableTh.js';
import { TableFrame, useStickyHeader } from '../../console/web/src/components/TableFrame.js';
import { TableSkeleton } from '../../console/web/src/components/TableSkeleton.js';
import { usePhone } from '../../console/web/src/hooks/usePhone.js';
import type { ServiceUnit, UnitAction } from './contract.js';
import { UnitActions } from './UnitActions.js';
import { activeColor, enabledColor } from './unitLabels.js';

export type UnitSortKey = 'name' | 'description' | 'active' | 'enabled';

export function unitSortValue(unit: ServiceUnit, key: UnitSortKey): string {
  switch (key) {
    case 'name':
      return unit.name;
    case 'description':
      return unit.description.toLowerCase();
    case 'active':
      // Failed first when sorting by state: that is what someone looks for at 3 a.m.
      return `${unit.active === 'failed' ? '0' : unit.active === 'active' ? '2' : '1'}${unit.active}/${unit.sub}`;
    case 'enabled':
      return unit.enabled;
  }
}

/** Below this the states move under the unit's name (phones), so nothing needs scrolling sideways. */
const minWidth = 760;

/** Active state and sub-state as one badge: "active (running)", "failed (failed)" → "failed". */
export function UnitStateBadge({ active, sub }: { active: string; sub: string }) {
  const showSub = sub !== '' && sub !== active;
  return (
    <Badge color={activeColor(active)} variant={active === 'failed' ? 'filled' : 'light'} radius="sm" tt="none" fw={600}>
      {active}
      {showSub ? ` · ${sub}` : ''}
    </Badge>
  );
}

export function EnabledBadge({ enabled, load }: { enabled: string; load?: string }) {
  if (load === 'not-found') {
    return (
      <Badge color="gray" variant="outline" radius="sm" tt="none" fw={500} title="Referenced by another unit, but not installed">
        not installed
      </Badge>
    );
  }
  if (enabled === '') return <Text size="xs" c="dimmed">—</Text>;
  return (
    <Badge color={enabledColor(enabled)} variant="outline" radius="sm" tt="none" fw={500}>
      {enabled}
    </Badge>
  );
}

export function UnitTable({
  units,
  loading,
  sort,
  onSort,
  onOpen,
  onAction,
  canControl,
  agentUnit,
  empty,
}: {
  units: ServiceUnit[];
  loading: boolean;
  sort: SortState<UnitSortKey>;
  onSort: (next: SortState<UnitSortKey>) => void;
  onOpen: (unit: ServiceUnit) => void;
  onAction: (unit: ServiceUnit, action: UnitAction) => void;
  canControl: boolean;
  /** The unit the agent runs in: its row says so and offers only what the agent allows. */
  agentUnit: string | undefined;
  empty: ReactNode;
}) {
  const phone = usePhone();
  const width = phone ? 320 : minWidth;
  const sticky = useStickyHeader(width);
  const columns = phone ? (canControl ? 2 : 1) : canControl ? 5 : 4;
  return (
    <TableFrame minWidth={width}>
      <Table highlightOnHover verticalSpacing={6} fz="sm" {...sticky} aria-label="Units">
        <Table.Thead>
          <Table.Tr>
            <SortableTh column="name" sort={sort} onSort={onSort}>
              Unit
            </SortableTh>
            <SortableTh column="description" sort={sort} onSort={onSort} visibleFrom="md">
              Description
            </SortableTh>
            {!phone && (
              <SortableTh column="active" sort={sort} onSort={onSort} width={190}>
                State
              </SortableTh>
            )}
            {!phone && (
              <SortableTh column="enabled" sort={sort} onSort={onSort} width={150}>
                At boot
              </SortableTh>
            )}
            {canControl && <Table.Th w={44} aria-label="Actions" />}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {loading ? (
            <TableSkeleton columns={columns} />
          ) : units.length === 0 ? (
            <Table.Tr>
              <Table.Td colSpan={columns}>{empty}</Table.Td>
            </Table.Tr>
          ) : (
            units.map((unit) => (
              <Table.Tr key={unit.name} onClick={() => onOpen(unit)} style={{ cursor: 'pointer' }} data-unit={unit.name}>
                <Table.Td style={{ wordBreak: 'break-all' }}>
                  <Text
                    component="button"
                    type="button"
                    size="sm"
                    ff="monospace"
                    fw={500}
                    onClick={(e) => {
                      e.stopPropagation();
                      onOpen(unit);
                    }}
                    style={{ background: 'none', border: 0, padding: 0, cursor: 'pointer', textAlign: 'left', color: 'inherit' }}
                  >
                    {unit.name}
                  </Text>
                  {unit.name === agentUnit && (
                    <Badge ml={6} size="xs" variant="light" color="blue" radius="sm" tt="none">
                      Gatehouse agent
                    </Badge>
                  )}
                  {/* Below md the description column is hidden; say it here instead. */}
                  {unit.description && (
                    <Text size="xs" c="dimmed" hiddenFrom="md" lineClamp={1}>
                      {unit.description}
                    </Text>
                  )}
                  {phone && (
                    <Group gap={4} mt={4}>
                      <UnitStateBadge active={unit.active} sub={unit.sub} />
                      <EnabledBadge enabled={unit.enabled} load={unit.load} />
                    </Group>
                  )}
                </Table.Td>
                <Table.Td visibleFrom="md">
                  <Text size="sm" lineClamp={1} c={unit.description ? undefined : 'dimmed'}>
                    {unit.description || '—'}
                  </Text>
                </Table.Td>
                {!phone && (
                  <Table.Td>
                    <UnitStateBadge active={unit.active} sub={unit.sub} />
                  </Table.Td>
                )}
                {!phone && (
                  <Table.Td>
                    <EnabledBadge enabled={unit.enabled} load={unit.load} />
                  </Table.Td>
                )}
                {canControl && (
                  <Table.Td onClick={(e) => e.stopPropagation()}>
                    <UnitActions unit={unit} isAgentUnit={unit.name === agentUnit} onAction={onAction} />
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
