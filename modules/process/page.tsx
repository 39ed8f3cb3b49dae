/**
 * The Processes tab: what runs on the host, refreshed every 3 s, as a sortable table or a tree, with signals
 * and renice behind a confirmation.
 */
import { useCallback, useMemo, useState } from 'react';
import { Alert, Button, EmptyState, Group, SegmentedControl, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IconFilterOff, IconListTree, IconList, IconPlayerPause, IconPlayerPlay } from '@tabler/icons-react';
import type { z } from 'zod';
import { apiCall } from '../../console/web/src/api.js';
import { describeError, ErrorAlert } from '../../console/web/src/components/ErrorAlert.js';
import { FilterInput } from '../../console/web/src/components/FilterInput.js';
import { sortRows, type SortState } from '../../console/web/src/components/SortableTh.js';
import { formatDateTime } from '../../console/web/src/format.js';
import { useNow } from '../../console/web/src/hooks/useNow.js';
import type { ModulePageMeta, ModulePageProps } from '../../console/web/src/types.js';
import type { contract, ProcessInfo } from './contract.js';
import { commandText } from './ProcessRow.js';
import { ProcessTable, processSortValue, type ProcessRowModel, type ProcessSortKey } from './ProcessTable.js';
import { flattenTree, initiallyCollapsed } from './processTree.js';
import { ReniceDialog } from './ReniceDialog.js';
import { SignalDialog, type SignalRequest } from './SignalDialog.js';

// The title matches contract.title; a literal keeps zod (a type-only import here) out of the web bundle.
export const meta: ModulePageMeta = { title: 'Processes', order: 10 };

type ListResult = z.output<typeof contract.methods.list.result>;
type TreeResult = z.output<typeof contract.methods.tree.result>;
type SignalResult = z.output<typeof contract.methods.signal.result>;
type ReniceResult = z.output<typeof contract.methods.renice.result>;

const refreshMs = 3000;

function matchesFilter(process: ProcessInfo, needle: string): boolean {
  if (needle === '') return true;
  return (
    commandText(process).toLowerCase().includes(needle) ||
    process.user.toLowerCase().includes(needle) ||
    String(process.pid).includes(needle)
  );
}

export default function ProcessPage({ host }: ModulePageProps) {
  const queryClient = useQueryClient();
  const now = useNow(30_000);
  const [view, setView] = useState<'list' | 'tree'>('list');
  const [paused, setPaused] = useState(false);
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<SortState<ProcessSortKey>>({ key: 'cpu', descending: true });
  const [collapsed, setCollapsed] = useState<Set<number> | null>(null);
  const [signalRequest, setSignalRequest] = useState<SignalRequest | null>(null);
  const [reniceTarget, setReniceTarget] = useState<ProcessInfo | null>(null);

  // No polling while paused or while the host is away; the live host record says when it is back.
  const polling = !paused && host.online;
  const baseKey = ['host', host.id, 'process'] as const;
  const list = useQuery({
    queryKey: [...baseKey, 'list'],
    queryFn: ({ signal }) => apiCall<ListResult>(host.id, 'process', 'list', {}, { signal }),
    enabled: view === 'list',
    refetchInterval: polling ? refreshMs : false,
    staleTime: 0,
  });
  const tree = useQuery({
    queryKey: [...baseKey, 'tree'],
    queryFn: ({ signal }) => apiCall<TreeResult>(host.id, 'process', 'tree', {}, { signal }),
    enabled: view === 'tree',
    refetchInterval: polling ? refreshMs : false,
    staleTime: 0,
  });
  const active = view === 'list' ? list : tree;
  const refresh = () => void queryClient.invalidateQueries({ queryKey: baseKey });

  const sendSignal = useMutation({
    mutationFn: ({ process, signal }: SignalRequest) =>
      apiCall<SignalResult>(host.id, 'process', 'signal', { pid: process.pid, signal }),
    onSuccess: (result, { process }) => {
      notifications.show({
        color: 'teal',
        title: `Sent ${result.signal} to PID ${result.pid}`,
        message: commandText(process).slice(0, 120),
      });
    },
    onError: (error, { process, signal }) => {
      const { code, message } = describeError(error);
      notifications.show({
        color: 'red',
        autoClose: 10_000,
        title: `Could not send ${signal} to PID ${process.pid}`,
        message: code === 'no-such-process' ? `The process no longer exists (${code}).` : `${message} (${code})`,
      });
    },
    onSettled: () => {
      setSignalRequest(null);
      refresh();
    },
  });

  const renice = useMutation({
    mutationFn: ({ process, nice }: { process: ProcessInfo; nice: number }) =>
      apiCall<ReniceResult>(host.id, 'process', 'renice', { pid: process.pid, nice }),
    onSuccess: (result) =>
      notifications.show({ color: 'teal', message: `PID ${result.pid} now runs at nice ${result.nice}.` }),
    onError: (error, { process }) => {
      const { code, message } = describeError(error);
      notifications.show({
        color: 'red',
        autoClose: 10_000,
        title: `Could not renice PID ${process.pid}`,
        message: `${message} (${code})`,
      });
    },
    onSettled: () => {
      setReniceTarget(null);
      refresh();
    },
  });

  const handlers = useMemo(
    () => ({
      onSignal: (process: ProcessInfo, signal: SignalRequest['signal']) => setSignalRequest({ process, signal }),
      onRenice: (process: ProcessInfo) => setReniceTarget(process),
    }),
    [],
  );

  const toggle = useCallback(
    (pid: number) =>
      setCollapsed((previous) => {
        const next = new Set(previous ?? []);
        if (next.has(pid)) next.delete(pid);
        else next.add(pid);
        return next;
      }),
    [],
  );

  const needle = filter.trim().toLowerCase();
  const rows: ProcessRowModel[] = useMemo(() => {
    if (view === 'list') {
      const processes = (list.data?.processes ?? []).filter((p) => matchesFilter(p, needle));
      return sortRows(processes, (p) => processSortValue(p, sort.key), sort.descending).map((process) => ({ process }));
    }
    const roots = tree.data?.roots ?? [];
    return flattenTree(roots, collapsed ?? initiallyCollapsed(roots), (p) => matchesFilter(p, needle), needle !== '', toggle);
  }, [view, list.data, tree.data, needle, sort, collapsed, toggle]);

  const total = view === 'list' ? list.data?.processes.length : undefined;
  const sampledAt = active.data?.sampledAt;

  const empty = (
    <EmptyState
      py="lg"
      icon={<IconFilterOff size={24} />}
      title={needle ? 'No process matches the filter' : 'No processes reported'}
      description={needle ? 'The filter looks at the command line, the user and the PID.' : undefined}
    >
      {needle && (
        <EmptyState.Actions>
          <Button variant="default" onClick={() => setFilter('')}>
            Clear filter
          </Button>
        </EmptyState.Actions>
      )}
    </EmptyState>
  );

  return (
    <Stack gap="sm">
      <Group justify="space-between" gap="sm">
        <Group gap="sm" style={{ flexGrow: 1 }}>
          <FilterInput
            label="Filter processes"
            placeholder="Filter by command, user or PID"
            value={filter}
            onChange={setFilter}
            style={{ flexGrow: 1, maxWidth: 420 }}
          />
          <SegmentedControl
            aria-label="View"
            value={view}
            onChange={(value) => setView(value === 'tree' ? 'tree' : 'list')}
            data={[
              {
                value: 'list',
                label: (
                  <Group gap={6} wrap="nowrap">
                    <IconList size={16} />
                    <span>List</span>
                  </Group>
                ),
              },
              {
                value: 'tree',
                label: (
                  <Group gap={6} wrap="nowrap">
                    <IconListTree size={16} />
                    <span>Tree</span>
                  </Group>
                ),
              },
            ]}
          />
        </Group>
        <Group gap="sm" wrap="nowrap">
          <Text size="xs" c="dimmed" aria-live="off" style={{ whiteSpace: 'nowrap' }}>
            {total !== undefined && `${total} processes · `}
            {sampledAt ? `sampled ${formatDateTime(sampledAt).slice(11)}` : ''}
          </Text>
          <Button
            variant={paused ? 'filled' : 'default'}
            size="xs"
            leftSection={paused ? <IconPlayerPlay size={14} /> : <IconPlayerPause size={14} />}
            onClick={() => setPaused((p) => !p)}
            aria-pressed={paused}
          >
            {paused ? 'Resume updates' : 'Pause updates'}
          </Button>
        </Group>
      </Group>

      {active.isError && active.data && (
        <Alert color="orange" variant="light" p="xs">
          Could not refresh: {describeError(active.error).message} ({describeError(active.error).code}). Showing the
          list from {formatDateTime(active.data.sampledAt)}.
        </Alert>
      )}

      {active.isError && !active.data ? (
        <ErrorAlert error={active.error} title="Could not list the processes" onRetry={() => void active.refetch()} />
      ) : (
        <ProcessTable
          rows={rows}
          loading={active.isPending}
          sort={view === 'list' ? sort : undefined}
          onSort={setSort}
          handlers={handlers}
          now={now}
          empty={empty}
        />
      )}

      <SignalDialog
        request={signalRequest}
        sending={sendSignal.isPending}
        onConfirm={(request) => sendSignal.mutate(request)}
        onClose={() => !sendSignal.isPending && setSignalRequest(null)}
      />
      <ReniceDialog
        process={reniceTarget}
        saving={renice.isPending}
        onConfirm={(process, nice) => renice.mutate({ process, nice })}
        onClose={() => !renice.isPending && setReniceTarget(null)}
      />
    </Stack>
  );
}
