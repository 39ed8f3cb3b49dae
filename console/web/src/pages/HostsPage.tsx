import { useMemo, useState } from 'react';
import { Button, EmptyState, Group, Stack, Text, Title } from '@mantine/core';
import { IconPlus, IconServerOff, IconFilterOff } from '@tabler/icons-react';
import { EnrollmentDialog } from '../components/enrollment/EnrollmentDialog.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { FilterInput } from '../components/FilterInput.js';
import { HostCardList } from '../components/hosts/HostCardList.js';
import { hostMatches, hostSortValue, type HostSortKey } from '../components/hosts/hostColumns.js';
import { HostsTable } from '../components/hosts/HostsTable.js';
import { sortRows, type SortState } from '../components/SortableTh.js';
import { useHosts } from '../hooks/useHosts.js';
import { usePhone } from '../hooks/usePhone.js';
import { hostCondition } from '../hostStatus.js';
import { parseTagFilter, tagFilter } from '../hostTags.js';
import { isAdministrator, useUser } from '../session.js';
import type { Host } from '../types.js';

function Summary({ hosts }: { hosts: Host[] }) {
  if (hosts.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        No machine has enrolled yet
      </Text>
    );
  }
  const counts = { online: 0, offline: 0, ssh: 0, pending: 0, revoked: 0 };
  for (const host of hosts) counts[hostCondition(host)] += 1;
  const parts = [`${hosts.length} ${hosts.length === 1 ? 'host' : 'hosts'}`, `${counts.online} online`];
  if (counts.offline) parts.push(`${counts.offline} offline`);
  if (counts.ssh) parts.push(`${counts.ssh} over SSH`);
  if (counts.pending) parts.push(`${counts.pending} pending approval`);
  if (counts.revoked) parts.push(`${counts.revoked} revoked`);
  return (
    <Text size="sm" c="dimmed">
      {parts.join(' · ')}
    </Text>
  );
}

export function HostsPage() {
  const user = useUser();
  const admin = isAdministrator(user);
  const phone = usePhone();
  const hosts = useHosts();
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<SortState<HostSortKey>>({ key: 'name', descending: false });
  const [enrolling, setEnrolling] = useState(false);

  const shown = useMemo(
    () => sortRows((hosts.data ?? []).filter((host) => hostMatches(host, filter)), (h) => hostSortValue(h, sort.key), sort.descending),
    [hosts.data, filter, sort],
  );

  const showTag = (tag: string) => setFilter(tagFilter(tag));

  const noHosts = (hosts.data?.length ?? 0) === 0;
  const empty = noHosts ? (
    <EmptyState
      icon={<IconServerOff size={26} />}
      withIndicatorBackground
      title="No hosts yet"
      description={
        admin
          ? 'Add a host: create an enrollment command and run it on the server or gateway, or register a server the console reaches over SSH.'
          : 'No machine has enrolled yet. Ask an administrator to add one.'
      }
    >
      {admin && (
        <EmptyState.Actions>
          <Button leftSection={<IconPlus size={16} />} onClick={() => setEnrolling(true)}>
            Add the first host
          </Button>
        </EmptyState.Actions>
      )}
    </EmptyState>
  ) : (
    <EmptyState
      icon={<IconFilterOff size={26} />}
      title="No host matches the filter"
      description={
        parseTagFilter(filter) !== null
          ? `No host has the tag “${parseTagFilter(filter)}”.`
          : `Nothing matches “${filter}”. The filter looks at names, tags, OS, addresses, status and agent version.`
      }
    >
      <EmptyState.Actions>
        <Button variant="default" onClick={() => setFilter('')}>
          Clear filter
        </Button>
      </EmptyState.Actions>
    </EmptyState>
  );

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end" gap="sm">
        <div>
          <Title order={2}>Hosts</Title>
          {hosts.data ? <Summary hosts={hosts.data} /> : <Text size="sm">&nbsp;</Text>}
        </div>
        <Group gap="sm" wrap="nowrap" style={{ flexGrow: phone ? 1 : 0 }}>
          <FilterInput
            label="Filter hosts"
            placeholder="Filter by name, tag, OS, status…"
            value={filter}
            onChange={setFilter}
            w={phone ? undefined : 280}
            style={{ flexGrow: 1 }}
          />
          {admin && (
            <Button leftSection={<IconPlus size={16} />} onClick={() => setEnrolling(true)} style={{ flexShrink: 0 }}>
              Add host
            </Button>
          )}
        </Group>
      </Group>

      {hosts.isError && !hosts.data ? (
        <ErrorAlert error={hosts.error} title="Could not load the hosts" onRetry={() => void hosts.refetch()} />
      ) : phone ? (
        <HostCardList hosts={shown} loading={hosts.isPending} canAdminister={admin} empty={empty} onTag={showTag} />
      ) : (
        <HostsTable
          hosts={shown}
          loading={hosts.isPending}
          sort={sort}
          onSort={setSort}
          canAdminister={admin}
          empty={empty}
          onTag={showTag}
        />
      )}

      {admin && <EnrollmentDialog opened={enrolling} onClose={() => setEnrolling(false)} />}
    </Stack>
  );
}
