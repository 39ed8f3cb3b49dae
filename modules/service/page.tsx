/**
 * The Services tab, in the manner of Cockpit's: every systemd unit with its state, filtered by type and state,
 * actions per unit (stop and mask behind a confirmation), a drawer with the unit's journal and unit file, and
 * the whole system journal beside. A host without systemd says so and lists its init scripts.
 */
import { useMemo, useState } from 'react';
import { Alert, Badge, Button, EmptyState, Group, List, SegmentedControl, Select, Stack, Tabs, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IconFilterOff, IconInfoCircle } from '@tabler/icons-react';
import type { z } from 'zod';
import { apiCall } from '../../console/web/src/api.js';
import { describeError, ErrorAlert } from '../../console/web/src/components/ErrorAlert.js';
import { FilterInput } from '../../console/web/src/components/FilterInput.js';
import { sortRows, type SortState } from '../../console/web/src/components/SortableTh.js';
import { useUser } from '../../console/web/src/session.js';
import type { ModulePageMeta, ModulePageProps } from '../../console/web/src/types.js';
import type { contract, ServiceUnit, UnitAction } from './contract.js';
import { JournalPanel } from './JournalPanel.js';
import { UnitActionDialog, type UnitActionRequest } from './UnitActionDialog.js';
import { UnitDrawer } from './UnitDrawer.js';
import { UnitTable, unitSortValue, type UnitSortKey } from './UnitTable.js';
import { actionInfo, stateChoices, unitTypeChoices, type StateChoice, type UnitTypeChoice } from './unitLabels.js';

// The title matches contract.title; a literal keeps zod (a type-only import here) out of the web bundle.
export const meta: ModulePageMeta = { title: 'Services', order: 30 };

type ListResult = z.output<typeof contract.methods.list.result>;
type ActionResult = z.output<typeof contract.methods.start.result>;

const refreshMs = 10_000;

function matchesState(unit: ServiceUnit, state: StateChoice): boolean {
  switch (state) {
    case 'all':
      return true;
    case 'active':
    case 'inactive':
    case 'failed':
      return unit.active === state;
    case 'enabled':
      return unit.enabled.startsWith('enabled');
    case 'disabled':
      return unit.enabled === 'disabled';
    case 'masked':
      return unit.enabled.startsWith('masked');
  }
}

function matchesType(unit: ServiceUnit, type: UnitTypeChoice): boolean {
  return type === 'all' || unit.name.endsWith(`.${type}`);
}

export default function ServicePage({ host }: ModulePageProps) {
  const user = useUser();
  // The agent refuses changes under a read-only local policy whatever the role says; offer none.
  const readOnlyHost = host.policy?.readOnly === true;
  const canControl = user.permissions.includes('service.control') && !readOnlyHost;
  const queryClient = useQueryClient();
  const [view, setView] = useState<'units' | 'journal'>('units');
  const [filter, setFilter] = useState('');
  const [type, setType] = useState<UnitTypeChoice>('service');
  const [state, setState] = useState<StateChoice>('all');
  const [sort, setSort] = useState<SortState<UnitSortKey>>({ key: 'name', descending: false });
  const [openName, setOpenName] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<UnitActionRequest | null>(null);

  const baseKey = ['host', host.id, 'service'] as const;
  const list = useQuery({
    queryKey: [...baseKey, 'list'],
    queryFn: ({ signal }) => apiCall<ListResult>(host.id, 'service', 'list', {}, { signal }),
    refetchInterval: host.online ? refreshMs : false,
    staleTime: 0,
  });

  const act = useMutation({
    mutationFn: ({ unit, action }: UnitActionRequest) => apiCall<ActionResult>(host.id, 'service', action, { unit: unit.name }),
    onSuccess: (result, { action }) => {
      notifications.show({
        color: 'teal',
        title: `${actionInfo[action].done} ${result.unit}`,
        message: `Now ${result.active}${result.sub && result.sub !== result.active ? ` (${result.sub})` : ''}, ${result.enabled || 'no unit file'} at boot.`,
      });
    },
    onError: (error, { unit, action }) => {
      const { code, message } = describeError(error);
      notifications.show({
        color: 'red',
        autoClose: 15_000,
        title: `Could not ${action} ${unit.name}`,
        message: `${message} (${code})`,
      });
    },
    onSettled: () => {
      setConfirm(null);
      void queryClient.invalidateQueries({ queryKey: baseKey });
    },
  });

  const request = (unit: ServiceUnit, action: UnitAction) => {
    if (actionInfo[action].confirm) setConfirm({ unit, action });
    else act.mutate({ unit, action });
  };

  const units = list.data?.units ?? [];
  const needle = filter.trim().toLowerCase();
  const rows = useMemo(() => {
    const shown = units.filter(
      (u) =>
        matchesType(u, type) &&
        matchesState(u, state) &&
        (needle === '' || u.name.toLowerCase().includes(needle) || u.description.toLowerCase().includes(needle)),
    );
    return sortRows(shown, (u) => unitSortValue(u, sort.key), sort.descending);
  }, [units, type, state, needle, sort]);
  const failed = units.filter((u) => u.active === 'failed' && matchesType(u, type));
  const openUnit = openName ? (units.find((u) => u.name === openName) ?? null) : null;
  const busyAction = act.isPending && act.variables.unit.name === openName ? act.variables.action : null;

  if (list.data?.manager === 'none') {
    return (
      <Stack gap="sm">
        <Alert color="blue" variant="light" icon={<IconInfoCircle size={18} />} title="This host does not run systemd">
          Units, their actions and the journal need systemd. What the host has instead is listed below, read-only.
        </Alert>
        <Text fw={600} size="sm">
          Init scripts in /etc/init.d ({list.data.initScripts.length})
        </Text>
        {list.data.initScripts.length === 0 ? (
          <Text size="sm" c="dimmed">
            None found.
          </Text>
        ) : (
          <List size="sm" ff="monospace" spacing={2}>
            {list.data.initScripts.map((name) => (
              <List.Item key={name}>{name}</List.Item>
            ))}
          </List>
        )}
      </Stack>
    );
  }

  const clearFilters = () => {
    setFilter('');
    setState('all');
    setType('all');
  };
  const filtered = needle !== '' || state !== 'all' || type !== 'all';
  const empty = (
    <EmptyState
      py="lg"
      icon={<IconFilterOff size={24} />}
      title={filtered ? 'No unit matches the filters' : 'No units reported'}
      description={filtered ? 'The text filter looks at the unit name and its description.' : undefined}
    >
      {filtered && (
        <EmptyState.Actions>
          <Button variant="default" onClick={clearFilters}>
            Show all units
          </Button>
        </EmptyState.Actions>
      )}
    </EmptyState>
  );

  return (
    <Stack gap="sm">
      <Tabs value={view} onChange={(value) => setView(value === 'journal' ? 'journal' : 'units')}>
        <Tabs.List>
          <Tabs.Tab value="units">Units</Tabs.Tab>
          <Tabs.Tab value="journal">System journal</Tabs.Tab>
        </Tabs.List>
      </Tabs>

      {view === 'journal' ? (
        <JournalPanel hostId={host.id} online={host.online} />
      ) : (
        <>
          <Group gap="sm" wrap="wrap">
            <FilterInput
              label="Filter units"
              placeholder="Filter by name or description"
              value={filter}
              onChange={setFilter}
              style={{ flexGrow: 1, maxWidth: 360, minWidth: 200 }}
            />
            <SegmentedControl
              aria-label="Unit type"
              value={type}
              onChange={(value) => setType(value as UnitTypeChoice)}
              data={unitTypeChoices.map((c) => ({ value: c.value, label: c.label }))}
            />
            <Select
              aria-label="State"
              w={150}
              allowDeselect={false}
              value={state}
              onChange={(value) => value && setState(value as StateChoice)}
              data={stateChoices.map((c) => ({ value: c.value, label: c.label }))}
            />
            <Text size="xs" c="dimmed" ml="auto" style={{ whiteSpace: 'nowrap' }}>
              {list.data ? `${rows.length} of ${units.length} units` : ''}
            </Text>
          </Group>

          {readOnlyHost && user.permissions.includes('service.control') && (
            <Text size="xs" c="dimmed">
              This host’s agent is read-only by its local policy: units can be seen here, not started, stopped or changed.
            </Text>
          )}

          {failed.length > 0 && state !== 'failed' && (
            <Alert color="red" variant="light" p="xs">
              <Group gap="xs" justify="space-between">
                <Text size="sm">
                  <Badge color="red" variant="filled" radius="sm" mr={6}>
                    {failed.length}
                  </Badge>
                  {failed.length === 1 ? 'unit has' : 'units have'} failed: {failed.slice(0, 3).map((u) => u.name).join(', ')}
                  {failed.length > 3 ? ', …' : ''}
                </Text>
                <Button size="compact-xs" variant="light" color="red" onClick={() => setState('failed')}>
                  Show failed
                </Button>
              </Group>
            </Alert>
          )}

          {list.isError && list.data && (
            <Alert color="orange" variant="light" p="xs">
              Could not refresh: {describeError(list.error).message} ({describeError(list.error).code}). Showing the last list.
            </Alert>
          )}

          {list.isError && !list.data ? (
            <ErrorAlert error={list.error} title="Could not list the units" onRetry={() => void list.refetch()} />
          ) : (
            <UnitTable
              units={rows}
              loading={list.isPending}
              sort={sort}
              onSort={setSort}
              onOpen={(unit) => setOpenName(unit.name)}
              onAction={request}
              canControl={canControl}
              agentUnit={list.data?.agentUnit}
              empty={empty}
            />
          )}
        </>
      )}

      <UnitDrawer
        hostId={host.id}
        online={host.online}
        unit={openUnit}
        canControl={canControl}
        isAgentUnit={openUnit !== null && openUnit.name === list.data?.agentUnit}
        busyAction={busyAction}
        onAction={request}
        onClose={() => setOpenName(null)}
      />
      <UnitActionDialog
        request={confirm}
        busy={act.isPending}
        onConfirm={(r) => act.mutate(r)}
        onClose={() => !act.isPending && setConfirm(null)}
      />
    </Stack>
  );
}
