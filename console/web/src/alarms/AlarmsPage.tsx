/**
 * Route `/alarms`: every standing alarm of the fleet, those waiting for someone first. A strip of counts by state
 * on top (each a filter), a banner while a site floods, filters by site, priority, state and text (kept in the
 * address, so a link can open the list filtered), then the list.
 */
import { useMemo, useState } from 'react';
import { Alert, Button, EmptyState, Group, Select, Stack, Text, Title, UnstyledButton } from '@mantine/core';
import { IconAlertTriangle, IconBellCheck } from '@tabler/icons-react';
import { useSearchParams } from 'react-router';
import { alarmPriorities, type AlarmPriority, type AlarmState } from '../../../../modules/kernel/alarm-model.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { FilterInput } from '../components/FilterInput.js';
import { NoFilterMatch } from '../components/NoFilterMatch.js';
import { formatDateTime } from '../format.js';
import { usePhone } from '../hooks/usePhone.js';
import { useLiveStatus } from '../live.js';
import { isAdministrator, useUser } from '../session.js';
import { AlarmListView } from './AlarmListView.js';
import { alarmMatches, countByState, listedStates, priorityLook, priorityText, stateLook } from './alarmFormat.js';
import { alarmPermissions, useAlarmFloods, useAlarms, useHostNames, useSiteNames, type FloodView } from './alarmsApi.js';

function CountStrip({ counts, state, onState }: { counts: Record<AlarmState, number>; state: AlarmState | null; onState: (state: AlarmState | null) => void }) {
  const phone = usePhone();
  return (
    <Group gap="xs" wrap="wrap" role="group" aria-label="Alarms by state">
      {listedStates.map((s) => {
        const count = counts[s];
        // "0 Unacknowledged" is said out loud; other empty states are left out.
        if (count === 0 && s !== 'unacknowledged') return null;
        const look = stateLook[s];
        const attention = count > 0 && (s === 'unacknowledged' || s === 'returned-unacknowledged' || s === 'latched');
        const active = state === s;
        return (
          <UnstyledButton
            key={s}
            onClick={() => onState(active ? null : s)}
            aria-pressed={active}
            aria-label={`${count} ${look.label}`}
            data-state={s}
            px={phone ? 8 : 'sm'}
            py={phone ? 2 : 4}
            style={{
              borderRadius: 4,
              border: `1px solid ${active ? 'var(--mantine-primary-color-filled)' : 'var(--mantine-color-default-border)'}`,
              background: active ? 'var(--mantine-primary-color-light)' : undefined,
            }}
          >
            <Text span fw={700} size={phone ? 'md' : 'lg'} className="gh-num" c={attention ? `var(--mantine-color-${look.color}-text)` : undefined}>
              {count}
            </Text>{' '}
            <Text span size="sm" c={attention ? undefined : 'dimmed'}>
              {look.label}
            </Text>
          </UnstyledButton>
        );
      })}
    </Group>
  );
}

function FloodBanner({ floods, siteNames }: { floods: FloodView[]; siteNames: ReadonlyMap<string, string> }) {
  const open = floods.filter((f) => f.endedAt === null);
  if (open.length === 0) return null;
  return (
    <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />} title="Alarm flood" role="alert" data-flood>
      {open.map((f) => (
        <Text size="sm" key={`${f.siteId}-${f.startedAt}`}>
          {siteNames.get(f.siteId) ?? f.siteId}: {f.raised} alarms since {formatDateTime(f.startedAt)}.
        </Text>
      ))}
      <Text size="sm" mt={4} c="dimmed">
        Work from the top of the list: the highest priorities come first. One fault upstream often raises many alarms.
      </Text>
    </Alert>
  );
}

export function AlarmsPage() {
  const user = useUser();
  const may = alarmPermissions(user);
  const live = useLiveStatus();
  const [params, setParams] = useSearchParams();
  const site = params.get('site');
  const priority = params.get('priority') as AlarmPriority | null;
  const state = params.get('state') as AlarmState | null;
  const [text, setText] = useState(params.get('q') ?? '');

  const alarms = useAlarms({}, may.read);
  const floods = useAlarmFloods(may.read);
  const siteNames = useSiteNames(isAdministrator(user) || user.permissions.includes('site.read'));
  const hostNames = useHostNames();

  const setParam = (key: string, value: string | null) =>
    setParams(
      (previous) => {
        const next = new URLSearchParams(previous);
        if (value) next.set(key, value);
        else next.delete(key);
        return next;
      },
      { replace: true },
    );

  const all = useMemo(() => alarms.data ?? [], [alarms.data]);
  // Counts follow the site and priority filters but not the state filter, so the strip still shows every state.
  const scoped = useMemo(
    () => all.filter((a) => (!site || a.source.siteId === site) && (!priority || a.priority === priority)),
    [all, site, priority],
  );
  const shown = useMemo(
    () =>
      scoped.filter(
        (a) =>
          (!state || a.state === state) &&
          alarmMatches(a, text, { host: a.source.hostId ? hostNames.get(a.source.hostId) : undefined, site: a.source.siteId ? siteNames.get(a.source.siteId) : undefined }),
      ),
    [scoped, state, text, hostNames, siteNames],
  );
  const counts = useMemo(() => countByState(scoped), [scoped]);

  const siteOptions = useMemo(() => {
    const ids = new Set([...siteNames.keys(), ...all.map((a) => a.source.siteId).filter((id): id is string => Boolean(id))]);
    return [...ids].map((id) => ({ value: id, label: siteNames.get(id) ?? id })).sort((a, b) => a.label.localeCompare(b.label));
  }, [siteNames, all]);

  const filtered = Boolean(site || priority || state || text.trim());
  const clearFilters = () => {
    setText('');
    setParams(new URLSearchParams(), { replace: true });
  };

  if (!may.read) {
    return (
      <Alert color="gray" title="No access to alarms">
        Your role may not see alarms. Ask an administrator for the alarm.read permission.
      </Alert>
    );
  }

  const empty = filtered ? (
    <NoFilterMatch title="No alarm matches the filters" onClear={clearFilters} />
  ) : (
    <EmptyState py="lg" icon={<IconBellCheck size={26} />} title="No standing alarms" description="Every alarm of the fleet is back to normal." />
  );

  const toolbar = (
    <>
      <FilterInput label="Filter alarms" placeholder="Message, tag, host, user…" value={text} onChange={setText} w={{ base: '100%', xs: 260 }} />
      <Select
        label="Site"
        placeholder="All sites"
        data={siteOptions}
        value={site}
        onChange={(value) => setParam('site', value)}
        clearable
        searchable
        w={{ base: 'calc(50% - 6px)', xs: 200 }}
      />
      <Select
        label="Priority"
        placeholder="Any priority"
        data={alarmPriorities.map((p) => ({ value: p, label: priorityText(p) }))}
        value={priority}
        onChange={(value) => setParam('priority', value)}
        clearable
        w={{ base: 'calc(50% - 6px)', xs: 160 }}
        renderOption={({ option }) => <Text size="sm" c={`var(--mantine-color-${priorityLook[option.value as AlarmPriority].color}-text)`}>{option.label}</Text>}
      />
      <Select
        label="State"
        placeholder="Any state"
        data={listedStates.map((s) => ({ value: s, label: stateLook[s].label }))}
        value={state}
        onChange={(value) => setParam('state', value)}
        clearable
        w={{ base: '100%', xs: 210 }}
      />
      {filtered && (
        <Button variant="subtle" onClick={clearFilters}>
          Clear filters
        </Button>
      )}
    </>
  );

  return (
    <Stack gap="md">
      <div>
        <Title order={2}>Alarms</Title>
        <Text size="sm" c="dimmed">
          Alarms waiting for acknowledgement first, then by priority, newest first.{' '}
          {live === 'reconnecting' ? 'Live updates are paused; the list is refreshed every 15 s.' : ''}
        </Text>
      </div>
      <CountStrip counts={counts} state={state} onState={(s) => setParam('state', s)} />
      <FloodBanner floods={floods.data ?? []} siteNames={siteNames} />
      {alarms.isError && !alarms.data ? (
        <ErrorAlert error={alarms.error} title="Could not load the alarms" onRetry={() => void alarms.refetch()} />
      ) : (
        <>
          {alarms.isError && (
            <Alert color="orange" variant="light" title="The list could not be refreshed">
              It shows the alarms it last received; it keeps trying.
            </Alert>
          )}
          <AlarmListView alarms={shown} loading={alarms.isPending} empty={empty} showSite siteNames={siteNames} label="Alarms" toolbar={toolbar} />
        </>
      )}
    </Stack>
  );
}
