import { useCallback, useEffect, useMemo, useState } from 'react';
import { Button, EmptyState, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useInfiniteQuery } from '@tanstack/react-query';
import { IconListSearch } from '@tabler/icons-react';
import { NoFilterMatch } from '../components/NoFilterMatch.js';
import { api } from '../api.js';
import { AuditCardList } from '../components/audit/AuditCardList.js';
import { AuditTable } from '../components/audit/AuditTable.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { HostFilterSelect } from '../components/HostFilterSelect.js';
import { usePhone } from '../hooks/usePhone.js';
import { useLiveAudit, useLiveStatus } from '../live.js';
import type { AuditEntry, AuditPage as AuditPageResult } from '../types.js';

const pageSize = 100;

interface AuditFilters {
  user: string;
  host: string;
  action: string;
}

/** Whether a live entry belongs in the list under the current filters (the console filtered the rest). */
function matchesFilters(entry: AuditEntry, filters: AuditFilters): boolean {
  if (filters.user && entry.user !== filters.user) return false;
  if (filters.host && entry.hostId !== filters.host) return false;
  if (filters.action && !entry.action.startsWith(filters.action)) return false;
  return true;
}

export function AuditPage() {
  const phone = usePhone();
  const liveStatus = useLiveStatus();
  const [user, setUser] = useState('');
  const [host, setHost] = useState<string | null>(null);
  const [action, setAction] = useState('');
  const [debouncedUser] = useDebouncedValue(user.trim(), 300);
  const [debouncedAction] = useDebouncedValue(action.trim(), 300);
  const filters = useMemo<AuditFilters>(
    () => ({ user: debouncedUser, host: host ?? '', action: debouncedAction }),
    [debouncedUser, host, debouncedAction],
  );
  const filtered = filters.user !== '' || filters.host !== '' || filters.action !== '';

  const audit = useInfiniteQuery({
    queryKey: ['audit', filters],
    initialPageParam: null as number | null,
    queryFn: ({ pageParam, signal }) => {
      const query = new URLSearchParams({ limit: String(pageSize) });
      if (pageParam !== null) query.set('before', String(pageParam));
      if (filters.user) query.set('user', filters.user);
      if (filters.host) query.set('host', filters.host);
      if (filters.action) query.set('action', filters.action);
      return api.get<AuditPageResult>(`/api/audit?${query}`, { signal });
    },
    getNextPageParam: (last) => last.nextBefore ?? undefined,
    // Fresh entries arrive over the live socket; refetching would only reshuffle what is on screen.
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });

  // Entries announced live since the list was loaded, newest first; cleared when the filters change.
  const [live, setLive] = useState<AuditEntry[]>([]);
  const [freshIds, setFreshIds] = useState<ReadonlySet<number>>(new Set());
  useEffect(() => {
    setLive([]);
    setFreshIds(new Set());
  }, [filters]);

  useLiveAudit(
    useCallback(
      (entry: AuditEntry) => {
        if (!matchesFilters(entry, filters)) return;
        setLive((previous) => (previous.some((e) => e.id === entry.id) ? previous : [entry, ...previous]));
        setFreshIds((previous) => new Set(previous).add(entry.id));
        setTimeout(
          () =>
            setFreshIds((previous) => {
              const next = new Set(previous);
              next.delete(entry.id);
              return next;
            }),
          4000,
        );
      },
      [filters],
    ),
  );

  const entries = useMemo(() => {
    const loaded = audit.data?.pages.flatMap((page) => page.entries) ?? [];
    const loadedIds = new Set(loaded.map((entry) => entry.id));
    return [...live.filter((entry) => !loadedIds.has(entry.id)), ...loaded];
  }, [audit.data, live]);

  const clearFilters = () => {
    setUser('');
    setHost(null);
    setAction('');
  };

  const empty = filtered ? (
    <NoFilterMatch
      title="No entry matches the filters"
      description="Try a shorter action (e.g. “file” for every file action) or clear the filters."
      onClear={clearFilters}
    />
  ) : (
    <EmptyState
      py="lg"
      icon={<IconListSearch size={26} />}
      title="Nothing recorded yet"
      description="Sign-ins, approvals and every action taken on a host appear here as they happen."
    />
  );

  return (
    <Stack gap="md">
      <div>
        <Title order={2}>Audit log</Title>
        <Text size="sm" c="dimmed">
          Every action taken through Gatehouse, newest first.{' '}
          {liveStatus === 'open' ? 'New entries appear as they happen.' : ''}
        </Text>
      </div>

      <Group gap="sm" align="flex-end">
        <TextInput
          label="User"
          placeholder="Any user"
          value={user}
          onChange={(event) => setUser(event.currentTarget.value)}
          w={{ base: 'calc(50% - 6px)', xs: 180 }}
          autoComplete="off"
          spellCheck={false}
        />
        <TextInput
          label="Action"
          placeholder="e.g. process.signal"
          value={action}
          onChange={(event) => setAction(event.currentTarget.value)}
          w={{ base: 'calc(50% - 6px)', xs: 200 }}
          classNames={{ input: 'gh-mono-input' }}
          autoComplete="off"
          spellCheck={false}
        />
        <HostFilterSelect value={host} onChange={setHost} w={{ base: '100%', xs: 220 }} />
        {filtered && (
          <Button variant="subtle" onClick={clearFilters}>
            Clear filters
          </Button>
        )}
      </Group>

      {audit.isError && !audit.data ? (
        <ErrorAlert error={audit.error} title="Could not load the audit log" onRetry={() => void audit.refetch()} />
      ) : phone ? (
        <AuditCardList entries={entries} loading={audit.isPending} freshIds={freshIds} empty={empty} />
      ) : (
        <AuditTable entries={entries} loading={audit.isPending} freshIds={freshIds} empty={empty} />
      )}

      {audit.isFetchNextPageError && <ErrorAlert error={audit.error} title="Could not load older entries" />}
      {audit.hasNextPage && (
        <Group justify="center">
          <Button variant="default" onClick={() => void audit.fetchNextPage()} loading={audit.isFetchingNextPage}>
            Load more
          </Button>
        </Group>
      )}
      {audit.data && !audit.hasNextPage && entries.length > 0 && (
        <Text size="xs" c="dimmed" ta="center">
          That is the first entry{filtered ? ' matching the filters' : ''}.
        </Text>
      )}
    </Stack>
  );
}
