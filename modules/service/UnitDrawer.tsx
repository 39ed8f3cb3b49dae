/**
 * One unit in a drawer: its states and facts, the actions the user may take, its journal and its unit file.
 */
import { Badge, Button, Code, Drawer, Group, ScrollArea, SimpleGrid, Skeleton, Stack, Tabs, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import { apiCall } from '../../console/web/src/api.js';
import { ErrorAlert } from '../../console/web/src/components/ErrorAlert.js';
import { formatBytes, formatDateTime } from '../../console/web/src/format.js';
import { usePhone } from '../../console/web/src/hooks/usePhone.js';
import type { contract, ServiceUnit, UnitAction } from './contract.js';
import { JournalPanel } from './JournalPanel.js';
import { actionsFor } from './UnitActions.js';
import { EnabledBadge, UnitStateBadge } from './UnitTable.js';
import { actionInfo } from './unitLabels.js';

type DetailsResult = z.output<typeof contract.methods.details.result>;
type UnitFileResult = z.output<typeof contract.methods.unitFile.result>;

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" fw={600} tt="uppercase">
        {label}
      </Text>
      <Text size="sm" component="div" style={{ overflowWrap: 'anywhere' }}>
        {children}
      </Text>
    </div>
  );
}

export function UnitDrawer({
  hostId,
  online,
  unit,
  canControl,
  isAgentUnit,
  busyAction,
  onAction,
  onClose,
}: {
  hostId: string;
  online: boolean;
  unit: ServiceUnit | null;
  canControl: boolean;
  isAgentUnit: boolean;
  busyAction: UnitAction | null;
  onAction: (unit: ServiceUnit, action: UnitAction) => void;
  onClose: () => void;
}) {
  const phone = usePhone();
  const name = unit?.name ?? '';
  const details = useQuery({
    queryKey: ['host', hostId, 'service', 'details', name],
    queryFn: ({ signal }) => apiCall<DetailsResult>(hostId, 'service', 'details', { unit: name }, { signal }),
    enabled: unit !== null && online,
    refetchInterval: 5000,
    staleTime: 0,
  });
  const unitFile = useQuery({
    queryKey: ['host', hostId, 'service', 'unitFile', name],
    queryFn: ({ signal }) => apiCall<UnitFileResult>(hostId, 'service', 'unitFile', { unit: name }, { signal }),
    enabled: unit !== null && online,
  });

  // The details refresh every 5 s; until they arrive, the row's states stand in.
  const state = details.data ?? (unit ? { active: unit.active, sub: unit.sub, enabled: unit.enabled } : null);
  const actions = state ? actionsFor(state, isAgentUnit) : { run: [], boot: [] };

  return (
    <Drawer
      opened={unit !== null}
      onClose={onClose}
      position="right"
      size={phone ? '100%' : 'xl'}
      title={
        <Text ff="monospace" fw={600} style={{ wordBreak: 'break-all' }}>
          {name}
        </Text>
      }
    >
      {unit && state && (
        <Stack gap="md">
          {(details.data?.description || unit.description) && <Text size="sm">{details.data?.description || unit.description}</Text>}
          <Group gap="xs">
            <UnitStateBadge active={state.active} sub={state.sub} />
            <EnabledBadge enabled={state.enabled} />
            {details.data && details.data.load !== 'loaded' && (
              <Badge color="gray" variant="outline" radius="sm" tt="none">
                {details.data.load}
              </Badge>
            )}
          </Group>

          {canControl && (actions.run.length > 0 || actions.boot.length > 0) && (
            <Group gap="xs">
              {[...actions.run, ...actions.boot].map((action) => (
                <Button
                  key={action}
                  size="xs"
                  variant={actionInfo[action].danger ? 'light' : 'default'}
                  color={actionInfo[action].danger ? 'red' : undefined}
                  loading={busyAction === action}
                  disabled={busyAction !== null && busyAction !== action}
                  onClick={() => onAction(unit, action)}
                >
                  {actionInfo[action].label}
                  {actionInfo[action].confirm ? '…' : ''}
                </Button>
              ))}
            </Group>
          )}

          {details.isError ? (
            <ErrorAlert error={details.error} title="Could not read the unit's details" />
          ) : details.data ? (
            <SimpleGrid cols={{ base: 2, sm: 3 }} spacing="sm" verticalSpacing="xs">
              <Fact label="Main PID">{details.data.mainPid || '—'}</Fact>
              <Fact label="Active since">{details.data.activeSince ? formatDateTime(details.data.activeSince) : '—'}</Fact>
              <Fact label="Memory">{details.data.memoryBytes !== undefined ? formatBytes(details.data.memoryBytes) : '—'}</Fact>
              <Fact label="Unit file">
                <Text size="xs" ff="monospace">
                  {details.data.fragmentPath || '—'}
                </Text>
              </Fact>
              <Fact label="Wanted by">{details.data.wantedBy.join(', ') || '—'}</Fact>
              <Fact label="Requires">{details.data.requires.join(', ') || '—'}</Fact>
            </SimpleGrid>
          ) : (
            <Skeleton h={80} />
          )}

          <Tabs defaultValue="journal" keepMounted={false}>
            <Tabs.List>
              <Tabs.Tab value="journal">Journal</Tabs.Tab>
              <Tabs.Tab value="file">Unit file</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="journal" pt="sm">
              <JournalPanel hostId={hostId} unit={unit.name} online={online} />
            </Tabs.Panel>
            <Tabs.Panel value="file" pt="sm">
              {unitFile.isError ? (
                <ErrorAlert error={unitFile.error} title="Could not read the unit file" onRetry={() => void unitFile.refetch()} />
              ) : unitFile.data ? (
                <ScrollArea.Autosize mah="60vh" type="auto">
                  <Code block fz="xs" aria-label="Unit file" style={{ whiteSpace: 'pre' }}>
                    {unitFile.data.text}
                  </Code>
                </ScrollArea.Autosize>
              ) : (
                <Skeleton h={160} />
              )}
            </Tabs.Panel>
          </Tabs>
        </Stack>
      )}
    </Drawer>
  );
}
