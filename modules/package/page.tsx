/**
 * The Software tab, in the manner of Cockpit's Software Updates and Webmin's Software Packages: installed
 * packages (filter, sort by name or size), available updates with security ones marked, a search of the index,
 * a details drawer, and install / update / remove / install from a file on the host with the package manager's
 * output live and a Cancel button. Remove asks for the package name to be typed. Only what the user's
 * permissions allow is offered. apt/dpkg and dnf/yum hosts get the same page.
 */
import { useMemo, useRef, useState } from 'react';
import { Alert, Badge, Button, Code, Group, Stack, Tabs, Text, TextInput } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { IconAlertTriangle, IconFileImport, IconRefresh, IconSearch } from '@tabler/icons-react';
import type { z } from 'zod';
import { apiCall } from '../../console/web/src/api.js';
import { ErrorAlert } from '../../console/web/src/components/ErrorAlert.js';

import { sortRows, type SortState } from '../../console/web/src/components/SortableTh.js';

import { usePhone } from '../../console/web/src/hooks/usePhone.js';
import { readModuleStream } from '../../console/web/src/moduleStream.js';
import { useUser } from '../../console/web/src/session.js';
import type { ModulePageMeta, ModulePageProps } from '../../console/web/src/types.js';
import type { contract, InstalledPackage, PackageOperationResult } from './contract.js';
import { InstallFileDialog } from './InstallFileDialog.js';
import { OperationPanel, type Operation } from './OperationPanel.js';
import { PackageDrawer } from './PackageDrawer.js';
import { RemoveDialog } from './RemoveDialog.js';
import { InstalledView, SearchTable, UpdatesTable, type SortKey } from './PackageTables.js';

// The title matches contract.title; a literal keeps zod (a type-only import here) out of the web bundle.
export const meta: ModulePageMeta = { title: 'Software', order: 35 };

type ListResult = z.output<typeof contract.methods.list.result>;
type UpgradesResult = z.output<typeof contract.methods.upgrades.result>;
type SearchResult = z.output<typeof contract.methods.search.result>;
type StreamName = 'refresh' | 'install' | 'upgrade' | 'remove' | 'installFile';

/** The output kept in the page: the tail of a long upgrade is what matters. */
const maxOutputChars = 200_000;

export default function PackagePage({ host }: ModulePageProps) {
  const user = useUser();
  const canInstall = user.permissions.includes('package.install');
  const canRemove = user.permissions.includes('package.remove');
  const phone = usePhone();
  const queryClient = useQueryClient();
  const baseKey = ['host', host.id, 'package'] as const;

  const [view, setView] = useState<'installed' | 'updates' | 'search'>('installed');
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<SortState<SortKey>>({ key: 'name', descending: false });
  const [openName, setOpenName] = useState<string | null>(null);
  const [removeName, setRemoveName] = useState<string | null>(null);
  const [fileDialog, setFileDialog] = useState(false);
  const [query, setQuery] = useState('');
  const [submitted, setSubmitted] = useState('');
  const [operation, setOperation] = useState<Operation | null>(null);
  const abort = useRef<AbortController | null>(null);
  const busy = operation?.state === 'running';

  const list = useQuery({
    queryKey: [...baseKey, 'list'],
    queryFn: ({ signal }) => apiCall<ListResult>(host.id, 'package', 'list', {}, { signal }),
    staleTime: 30_000,
  });
  const upgrades = useQuery({
    queryKey: [...baseKey, 'upgrades'],
    queryFn: ({ signal }) => apiCall<UpgradesResult>(host.id, 'package', 'upgrades', {}, { signal }),
    staleTime: 30_000,
  });
  const search = useQuery({
    queryKey: [...baseKey, 'search', submitted],
    queryFn: ({ signal }) => apiCall<SearchResult>(host.id, 'package', 'search', { query: submitted }, { signal }),
    enabled: submitted !== '',
  });

  const run = (stream: StreamName, params: Record<string, unknown>, title: string) => {
    if (busy) return;
    const controller = new AbortController();
    abort.current = controller;
    const id = Date.now();
    const update = (change: Partial<Operation> | ((op: Operation) => Partial<Operation>)) =>
      setOperation((op) => (op && op.id === id ? { ...op, ...(typeof change === 'function' ? change(op) : change) } : op));
    setOperation({ id, title, state: 'running', output: '', call: { hostId: host.id, action: `package.${stream}`, params } });
    readModuleStream(host.id, 'package', stream, params, {
      signal: controller.signal,
      onText: (text) => update((op) => ({ output: (op.output + text).slice(-maxOutputChars) })),
    })
      .then((result) => {
        const r = result as PackageOperationResult;
        update({ state: r.cancelled ? 'cancelled' : 'done', result: r });
      })
      .catch((error: unknown) => {
        if (controller.signal.aborted) update({ state: 'cancelled' });
        else update({ state: 'failed', error });
      })
      .finally(() => {
        void queryClient.invalidateQueries({ queryKey: baseKey });
      });
  };

  const install = (name: string) => run('install', { names: [name] }, `Installing ${name}`);
  const upgradeOne = (name: string) => run('upgrade', { names: [name] }, `Updating ${name}`);
  const installFile = (path: string) => {
    setFileDialog(false);
    run('installFile', { path }, `Installing ${path.slice(path.lastIndexOf('/') + 1)}`);
  };
  const remove = (name: string, purge: boolean) => {
    setRemoveName(null);
    setOpenName(null);
    run('remove', { names: [name], purge }, `${purge ? 'Purging' : 'Removing'} ${name}`);
  };

  const packages = list.data?.packages ?? [];
  const updates = upgrades.data?.upgrades ?? [];
  const securityCount = updates.filter((u) => u.security).length;
  const needle = filter.trim().toLowerCase();
  const rows = useMemo(() => {
    const shown = needle === '' ? packages : packages.filter((p) => p.name.includes(needle) || p.summary.toLowerCase().includes(needle));
    return sortRows(shown, (p: InstalledPackage) => (sort.key === 'size' ? p.sizeBytes : p.name), sort.descending);
  }, [packages, needle, sort]);
  const sortedUpdates = useMemo(
    () => [...updates].sort((a, b) => Number(b.security) - Number(a.security) || a.name.localeCompare(b.name)),
    [updates],
  );

  if (list.data?.manager === 'none') {
    return (
      <Alert color="blue" variant="light" title="No supported package manager on this host">
        Gatehouse manages software with apt/dpkg, or dnf/yum with rpm. None of them was found on this host.
      </Alert>
    );
  }
  const manager = list.data?.manager;

  return (
    <Stack gap="sm">
      {list.data?.needsConfigure && (
        <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />} title="dpkg was interrupted">
          A package operation stopped half-way. Run <Code>dpkg --configure -a</Code> on the host (for example in the
          Terminal tab) to finish it before installing or removing more software.
        </Alert>
      )}

      <Group gap="sm" wrap="wrap">
        {list.data && (
          <Badge variant="outline" color="gray" radius="sm" tt="none">
            {list.data.manager} · {list.data.packages.length} installed
          </Badge>
        )}
        {updates.length > 0 && (
          <Badge variant="light" color={securityCount > 0 ? 'red' : 'blue'} radius="sm" tt="none">
            {updates.length} update{updates.length === 1 ? '' : 's'}
            {securityCount > 0 ? `, ${securityCount} security` : ''}
          </Badge>
        )}
        {canInstall && manager && (
          <Group gap="xs" ml="auto">
            <Button
              size="xs"
              variant="default"
              leftSection={<IconFileImport size={14} />}
              disabled={busy || !host.online}
              onClick={() => setFileDialog(true)}
            >
              Install from file…
            </Button>
            <Button
              size="xs"
              variant="default"
              leftSection={<IconRefresh size={14} />}
              disabled={busy || !host.online}
              onClick={() => run('refresh', {}, 'Refreshing the package index')}
            >
              Refresh index
            </Button>
          </Group>
        )}
      </Group>

      {operation && (
        <OperationPanel
          operation={operation}
          onCancel={() => abort.current?.abort()}
          onClose={() => setOperation(null)}
        />
      )}

      <Tabs value={view} onChange={(value) => setView((value as typeof view | null) ?? 'installed')}>
        <Tabs.List>
          <Tabs.Tab value="installed">Installed</Tabs.Tab>
          <Tabs.Tab
            value="updates"
            rightSection={
              updates.length > 0 ? (
                <Badge size="xs" circle={updates.length < 10} color={securityCount > 0 ? 'red' : 'blue'}>
                  {updates.length}
                </Badge>
              ) : undefined
            }
          >
            Updates
          </Tabs.Tab>
          <Tabs.Tab value="search">Search</Tabs.Tab>
        </Tabs.List>
      </Tabs>

      {view === 'installed' && (
        <InstalledView
          loading={list.isPending}
          error={list.isError ? list.error : undefined}
          onRetry={() => void list.refetch()}
          rows={rows}
          total={packages.length}
          filter={filter}
          setFilter={setFilter}
          sort={sort}
          setSort={setSort}
          phone={phone}
          canRemove={canRemove}
          busy={busy}
          onOpen={setOpenName}
          onRemove={setRemoveName}
        />
      )}

      {view === 'updates' && (
        <Stack gap="xs">
          <Group gap="sm">
            <Text size="sm" c="dimmed">
              As of the last index refresh. Security updates are listed first.
            </Text>
            {canInstall && updates.length > 0 && (
              <Button size="xs" ml="auto" disabled={busy} onClick={() => run('upgrade', {}, `Updating all ${updates.length} packages`)}>
                Update all ({updates.length})
              </Button>
            )}
          </Group>
          {upgrades.isError ? (
            <ErrorAlert error={upgrades.error} title="Could not list updates" onRetry={() => void upgrades.refetch()} />
          ) : (
            <UpdatesTable
              loading={upgrades.isPending}
              updates={sortedUpdates}
              phone={phone}
              canInstall={canInstall}
              busy={busy}
              onOpen={setOpenName}
              onUpgrade={upgradeOne}
            />
          )}
        </Stack>
      )}

      {view === 'search' && (
        <Stack gap="xs">
          <form
            onSubmit={(event) => {
              event.preventDefault();
              setSubmitted(query.trim());
            }}
          >
            <Group gap="xs" align="flex-end">
              <TextInput
                aria-label="Search the package index"
                placeholder="Package name or words from its description"
                leftSection={<IconSearch size={16} aria-hidden />}
                value={query}
                onChange={(event) => setQuery(event.currentTarget.value)}
                style={{ flexGrow: 1, maxWidth: 420 }}
                autoComplete="off"
                spellCheck={false}
              />
              <Button type="submit" variant="default" disabled={query.trim().length < 2}>
                Search
              </Button>
            </Group>
          </form>
          {search.isError ? (
            <ErrorAlert error={search.error} title="Search failed" />
          ) : submitted === '' ? (
            <Text size="sm" c="dimmed">
              Searches the package index of the host (refresh it first for the newest versions).
            </Text>
          ) : (
            <SearchTable
              loading={search.isPending}
              result={search.data}
              canInstall={canInstall}
              busy={busy}
              onOpen={setOpenName}
              onInstall={install}
            />
          )}
        </Stack>
      )}

      <PackageDrawer
        hostId={host.id}
        name={openName}
        onClose={() => setOpenName(null)}
        busy={busy}
        canInstall={canInstall}
        canRemove={canRemove}
        onInstall={(name) => {
          setOpenName(null);
          install(name);
        }}
        onUpgrade={(name) => {
          setOpenName(null);
          upgradeOne(name);
        }}
        onRemove={setRemoveName}
      />
      <RemoveDialog name={removeName} onConfirm={remove} onClose={() => setRemoveName(null)} />
      <InstallFileDialog opened={fileDialog} manager={manager ?? 'apt'} onInstall={installFile} onClose={() => setFileDialog(false)} />
    </Stack>
  );
}
