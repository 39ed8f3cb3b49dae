import { useCallback, useEffect, useMemo, useState } from 'react';
import { Button, EmptyState, Group, Stack, Text, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useInfiniteQuery } from '@tanstack/react-query';
import { IconListSearch } from '@tabler/icons-react';
import { NoFilterMatch } from '../components/NoFilterMatch.js';
import { api } from '../api.js';
import { AuditCardList } from '../components/audit/AuditCardList.js';
import { AuditExportLinks, AuditFilterBar } from '../components/audit/AuditFilterBar.js';
import { auditFilterQuery, isFiltered, matchesFilters, noAuditFilters, type AuditFilters } from '../components/audit/auditFilters.js';
import { AuditTable } from '../components/audit/AuditTable.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { usePhone } from '../hooks/usePhone.js';
import { useLiveAudit, useLiveStatus } from '../live.js';
import type { AuditEntry, AuditPage as AuditPageResult } from '../types.js';

const pageSize = 100;

export function AuditPage() {
  const phone = usePhone();
  const liveStatus = useLiveStatus();
  // What the inputs hold; the list follows it after a pause in typing.
  const [draft, setDraft] = useState<AuditFilters>(noAuditFilters);
  const [settled] = useDebouncedValue(draft, 300);
  const filters = useMemo<AuditFilters>(
    () => ({ ...settled, user: settled.user.trim(), module: settled.module.trim(), action: settled.action.trim() }),
    [settled],
  );
  const filtered = isFiltered(filters);
  const filterQuery = useMemo(() => auditFilterQuery(filters).toString(), [filters]);

  const audit = useInfiniteQuery({
    queryKey: ['audit', filterQuery],
    initialPageParam: null as number | null,
    queryFn: ({ pageParam, signal }) => {
      const query = new URLSearchParams(filterQuery);
      query.set('limit', String(pageSize));
      if (pageParam !== null) query.set('before', String(pageParam));
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

  const clearFilters = () => setDraft(noAuditFilters);

  const empty = filtered ? (
    <NoFilterMatch
      title="No entry matches the filters"
      description="Try a module instead of an action (e.g. “file” for every file action), a wider time range, or clear the filters."
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
      <Group justify="space-between" align="flex-end" gap="sm">
        <div>
          <Title order={2}>Audit log</Title>
          <Text size="sm" c="dimmed">
            Every action taken through Gatehouse, newest first.{' '}
            {liveStatus === 'open' ? 'New entries appear as they happen.' : ''}
          </Text>
        </div>
        <AuditExportLinks query={filterQuery} />
      </Group>

      <AuditFilterBar filters={draft} onChange={setDraft} filtered={isFiltered(draft)} onClear={clearFilters} />

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
