/**
 * /alarms/maintenance: when alarms are recorded but nobody is paged. Windows running now come first and stand
 * out; then those coming, then the past ones (the last 200). Those who manage alarms schedule, end and cancel.
 */
import { useMemo, useState, type ReactNode } from 'react';
import { Button, EmptyState, Group, Skeleton, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconCalendarEvent, IconCalendarPlus } from '@tabler/icons-react';
import { describeError, ErrorAlert } from '../../components/ErrorAlert.js';
import { useHosts } from '../../hooks/useHosts.js';
import { useNow } from '../../hooks/useNow.js';
import { useUser } from '../../session.js';
import { useSites } from '../../sites/sitesApi.js';
import { confirmEnd } from './confirmEnd.js';
import { CurrentWindows } from './CurrentWindows.js';
import { canManageMaintenance, phaseOf, useEndMaintenance, useMaintenanceWindows, type MaintenanceWindow } from './maintenanceApi.js';
import { ScheduleMaintenanceDialog } from './ScheduleMaintenanceDialog.js';
import { scopeText, type ScopeNames } from './ScopeLabel.js';
import { WindowList } from './WindowList.js';

function Section({ title, count, children }: { title: string; count: number; children: ReactNode }) {
  return (
    <Stack gap="xs" component="section" aria-label={title}>
      <Title order={3} fz="md">
        {title}{' '}
        <Text span c="dimmed" fz="sm" fw={400}>
          {count}
        </Text>
      </Title>
      {children}
    </Stack>
  );
}

export function MaintenancePage() {
  const user = useUser();
  const manage = canManageMaintenance(user);
  const windows = useMaintenanceWindows();
  const hosts = useHosts();
  const sites = useSites();
  const end = useEndMaintenance();
  // Windows start and end on the clock: re-split the list every 15 s without waiting for a fetch.
  const now = useNow(15_000);
  const [scheduling, setScheduling] = useState(false);

  const names = useMemo<ScopeNames>(() => {
    const hostNames = new Map((hosts.data ?? []).map((h) => [h.id, h.name]));
    const siteNames = new Map((sites.data ?? []).map((s) => [s.id, s.name]));
    return { hostName: (id) => hostNames.get(id), siteName: (id) => siteNames.get(id) };
  }, [hosts.data, sites.data]);

  const split = useMemo(() => {
    const byPhase: Record<'current' | 'upcoming' | 'past', MaintenanceWindow[]> = { current: [], upcoming: [], past: [] };
    for (const window of windows.data ?? []) byPhase[phaseOf(window, now)].push(window);
    byPhase.current.sort((a, b) => a.to.localeCompare(b.to));
    byPhase.upcoming.sort((a, b) => a.from.localeCompare(b.from));
    byPhase.past.sort((a, b) => b.to.localeCompare(a.to));
    return byPhase;
  }, [windows.data, now]);

  const askEnd = (window: MaintenanceWindow) =>
    confirmEnd(window, names, () =>
      end.mutate(window, {
        onSuccess: () => notifications.show({ color: 'teal', message: `${phaseOf(window, Date.now()) === 'upcoming' ? 'Cancelled' : 'Ended'}: maintenance of ${scopeText(window.scope, names)}.` }),
        onError: (error) => {
          const { code, message } = describeError(error);
          notifications.show({ color: 'red', title: 'Could not end the maintenance window', message: `${message} (${code})` });
        },
      }),
    );
  const onEnd = manage ? askEnd : undefined;
  const endingId = end.isPending ? (end.variables?.id ?? null) : null;

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <div>
          <Title order={2}>Maintenance</Title>
          <Text size="sm" c="dimmed">
            During a window, alarms of its host, host group or site are recorded and listed, but nobody is paged.
          </Text>
        </div>
        {manage && (
          <Button leftSection={<IconCalendarPlus size={18} />} color="orange" onClick={() => setScheduling(true)}>
            Schedule maintenance
          </Button>
        )}
      </Group>

      {windows.isError && !windows.data ? (
        <ErrorAlert error={windows.error} title="Could not load the maintenance windows" onRetry={() => void windows.refetch()} />
      ) : windows.isPending ? (
        <Skeleton h={120} radius="md" />
      ) : (
        <>
          <CurrentWindows windows={split.current} now={now} names={names} endingId={endingId} {...(onEnd ? { onEnd } : {})} />

          <Section title="Upcoming" count={split.upcoming.length}>
            {split.upcoming.length === 0 ? (
              <Text size="sm" c="dimmed">
                Nothing scheduled.
              </Text>
            ) : (
              <WindowList windows={split.upcoming} now={now} names={names} kind="upcoming" endingId={endingId} {...(onEnd ? { onEnd } : {})} />
            )}
          </Section>

          <Section title="Past" count={split.past.length}>
            {split.past.length === 0 ? (
              <EmptyState
                py="md"
                icon={<IconCalendarEvent size={26} />}
                title="No maintenance yet"
                description="Windows that have ended are kept here, the most recent first."
              />
            ) : (
              <WindowList windows={split.past} now={now} names={names} kind="past" endingId={null} />
            )}
          </Section>
        </>
      )}

      {manage && <ScheduleMaintenanceDialog opened={scheduling} onClose={() => setScheduling(false)} names={names} />}
    </Stack>
  );
}
