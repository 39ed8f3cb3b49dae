/**
 * Every recorded terminal session, newest first, for administrators and auditors: who, where, as whom, how long.
 * Each opens in the player.
 */
import { useMemo, useState } from 'react';
import { Button, EmptyState, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useInfiniteQuery } from '@tanstack/react-query';
import { IconVideoOff } from '@tabler/icons-react';
import { NoFilterMatch } from '../components/NoFilterMatch.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { RecordingCards, RecordingsTable } from '../components/recordings/RecordingsTable.js';
import { HostFilterSelect } from '../components/HostFilterSelect.js';
import { usePhone } from '../hooks/usePhone.js';
import { listRecordings, type RecordingFilters } from '../recordings/recordingsApi.js';

const pageSize = 100;

export function RecordingsPage() {
  const phone = usePhone();
  const [user, setUser] = useState('');
  const [host, setHost] = useState<string | null>(null);
  const [debouncedUser] = useDebouncedValue(user.trim(), 300);
  const filters = useMemo<RecordingFilters>(() => ({ user: debouncedUser || undefined, host: host ?? undefined }), [debouncedUser, host]);
  const filtered = Boolean(filters.user || filters.host);

  const list = useInfiniteQuery({
    queryKey: ['recordings', filters],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) => listRecordings({ ...filters, before: pageParam, limit: pageSize }, signal),
    getNextPageParam: (last) => last.nextBefore ?? undefined,
    refetchInterval: 30_000,
  });
  const recordings = useMemo(() => list.data?.pages.flatMap((page) => page.recordings) ?? [], [list.data]);

  const clearFilters = () => {
    setUser('');
    setHost(null);
  };

  const empty = filtered ? (
    <NoFilterMatch title="No recording matches the filters" onClear={clearFilters} />
  ) : (
    <EmptyState
      py="lg"
      icon={<IconVideoOff size={26} />}
      title="No terminal session recorded yet"
      description="Every terminal opened through Gatehouse is recorded here, from its first byte to its last."
    />
  );

  return (
    <Stack gap="md">
      <div>
        <Title order={2}>Recordings</Title>
        <Text size="sm" c="dimmed">
          Terminal sessions as they appeared on screen, newest first. Open one to replay it, seek and search its text.
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
        <HostFilterSelect value={host} onChange={setHost} w={{ base: 'calc(50% - 6px)', xs: 220 }} />
        {filtered && (
          <Button variant="subtle" onClick={clearFilters}>
            Clear filters
          </Button>
        )}
      </Group>

      {list.isError && !list.data ? (
        <ErrorAlert error={list.error} title="Could not load the recordings" onRetry={() => void list.refetch()} />
      ) : phone ? (
        <RecordingCards recordings={recordings} loading={list.isPending} empty={empty} />
      ) : (
        <RecordingsTable recordings={recordings} loading={list.isPending} empty={empty} />
      )}

      {list.isFetchNextPageError && <ErrorAlert error={list.error} title="Could not load older recordings" />}
      {list.hasNextPage && (
        <Group justify="center">
          <Button variant="default" onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
            Load more
          </Button>
        </Group>
      )}
    </Stack>
  );
}
