/**
 * The Users tab: the host's accounts (from passwd, shadow, group and lastlog) with filter and sort, a drawer per
 * account with its state, actions and SSH keys, and a Groups view. Offers only what the role allows; deleting
 * asks for the name to be typed.
 */
import { useMemo, useState } from 'react';
import { Alert, Button, Checkbox, Group, SegmentedControl, Stack, Switch, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IconUser, IconUserPlus, IconUsersGroup } from '@tabler/icons-react';
import type { z } from 'zod';
import { apiCall } from '../../console/web/src/api.js';
import { describeError, ErrorAlert } from '../../console/web/src/components/ErrorAlert.js';
import { FilterInput } from '../../console/web/src/components/FilterInput.js';
import { sortRows, type SortState } from '../../console/web/src/components/SortableTh.js';
import { formatDateTime } from '../../console/web/src/format.js';
import { useNow } from '../../console/web/src/hooks/useNow.js';
import { useUser } from '../../console/web/src/session.js';
import type { ModulePageMeta, ModulePageProps } from '../../console/web/src/types.js';
import { ExpireDialog, PasswordDialog, TypedConfirmDialog, type ExpiryValues } from './AccountDialogs.js';
import type { contract, UserAccount } from './contract.js';
import { GroupsPanel } from './GroupsPanel.js';
import { UserDrawer } from './UserDrawer.js';
import { UserFormDialog, type UserFormValues } from './UserFormDialog.js';
import { UsersTable, userSortValue, type UserSortKey } from './UsersTable.js';

// The title matches contract.title; a literal keeps zod (a type-only import here) out of the web bundle.
export const meta: ModulePageMeta = { title: 'Users', order: 50 };

type ListResult = z.output<typeof contract.methods.list.result>;
type ShellsResult = z.output<typeof contract.methods.shells.result>;
type UserResult = { user: UserAccount };
type GroupList = { groups: { name: string }[] };

type Dialog =
  | { kind: 'create' }
  | { kind: 'edit'; user: UserAccount }
  | { kind: 'password'; user: UserAccount }
  | { kind: 'expire'; user: UserAccount }
  | { kind: 'delete'; user: UserAccount };

function matches(user: UserAccount, needle: string): boolean {
  return (
    needle === '' ||
    user.name.includes(needle) ||
    user.comment.toLowerCase().includes(needle) ||
    String(user.uid) === needle ||
    user.group === needle ||
    user.groups.includes(needle) ||
    user.shell.includes(needle)
  );
}

export default function UserPage({ host }: ModulePageProps) {
  const me = useUser();
  const can = (code: string) => me.permissions.includes(code);
  const canManage = can('user.manage');
  const canDelete = can('user.delete');
  const groupsServed = host.modules.includes('group');
  const queryClient = useQueryClient();
  const now = useNow(30_000);
  const [view, setView] = useState<'users' | 'groups'>('users');
  const [filter, setFilter] = useState('');
  const [showSystem, setShowSystem] = useState(false);
  const [sort, setSort] = useState<SortState<UserSortKey>>({ key: 'name', descending: false });
  const [openName, setOpenName] = useState<string | null>(null);
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [removeHome, setRemoveHome] = useState(false);

  const baseKey = ['host', host.id, 'user'] as const;
  const list = useQuery({
    queryKey: [...baseKey, 'list'],
    queryFn: ({ signal }) => apiCall<ListResult>(host.id, 'user', 'list', {}, { signal }),
    enabled: host.online,
    refetchInterval: host.online ? 30_000 : false,
  });
  const shells = useQuery({
    queryKey: [...baseKey, 'shells'],
    queryFn: ({ signal }) => apiCall<ShellsResult>(host.id, 'user', 'shells', {}, { signal }),
    enabled: host.online && canManage,
    staleTime: 5 * 60_000,
  });
  const groupNames = useQuery({
    queryKey: ['host', host.id, 'group', 'list'],
    queryFn: ({ signal }) => apiCall<GroupList>(host.id, 'group', 'list', {}, { signal }),
    enabled: host.online && canManage && groupsServed,
    select: (data) => data.groups.map((g) => g.name).sort(),
  });
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: baseKey });
    void queryClient.invalidateQueries({ queryKey: ['host', host.id, 'group'] });
  };

  const change = useMutation({
    mutationFn: async ({ run }: { run: () => Promise<unknown>; done: string }) => run(),
    onSuccess: (_result, { done }) => {
      notifications.show({ color: 'teal', message: done });
      setDialog(null);
    },
    onSettled: refresh,
  });
  const lock = useMutation({
    mutationFn: ({ user, locked }: { user: UserAccount; locked: boolean }) => apiCall<UserResult>(host.id, 'user', locked ? 'lock' : 'unlock', { name: user.name }),
    onSuccess: (result) => notifications.show({ color: 'teal', message: `${result.user.name}: password ${result.user.locked ? 'locked' : 'unlocked'}.` }),
    onError: (error, { user, locked }) => {
      const { code, message } = describeError(error);
      notifications.show({ color: 'red', autoClose: 12_000, title: `Could not ${locked ? 'lock' : 'unlock'} ${user.name}`, message: `${message} (${code})` });
    },
    onSettled: refresh,
  });
  const open = (next: Dialog | null) => {
    change.reset();
    setRemoveHome(false);
    setDialog(next);
  };
  const close = () => !change.isPending && open(null);

  const call = <R,>(method: string, params: unknown) => apiCall<R>(host.id, 'user', method, params);

  const submitForm = (values: UserFormValues) => {
    if (dialog?.kind === 'edit') {
      const before = dialog.user;
      const params: Record<string, unknown> = { name: before.name };
      if (values.comment !== before.comment) params.comment = values.comment;
      if (values.shell && values.shell !== before.shell) params.shell = values.shell;
      if (values.home && values.home !== before.home) Object.assign(params, { home: values.home, moveHome: values.moveHome });
      if (values.primaryGroup && values.primaryGroup !== before.group) params.primaryGroup = values.primaryGroup;
      if (values.groups.join(',') !== before.groups.join(',')) params.groups = values.groups;
      if (Object.keys(params).length === 1) return open(null);
      change.mutate({ run: () => call('modify', params), done: `${before.name} saved.` });
      return;
    }
    const params: Record<string, unknown> = { name: values.name, createHome: values.createHome, groups: values.groups };
    if (values.comment) params.comment = values.comment;
    if (values.shell) params.shell = values.shell;
    if (values.home) params.home = values.home;
    if (values.primaryGroup) params.primaryGroup = values.primaryGroup;
    if (values.uid !== '') params.uid = values.uid;
    change.mutate({
      run: async () => {
        await call('create', params);
        // The account exists now; a refused password leaves it locked, which the error says.
        if (values.password) {
          try {
            await call('setPassword', { name: values.name, password: values.password });
          } catch (err) {
            const { code, message } = describeError(err);
            throw new Error(`${values.name} was created, but its password was not set (${code}: ${message}); it stays locked.`);
          }
        }
        setOpenName(values.name);
      },
      done: `User ${values.name} created.`,
    });
  };

  const needle = filter.trim().toLowerCase();
  const users = useMemo(() => {
    const all = (list.data?.users ?? []).filter((u) => (showSystem || !u.system || needle !== '') && matches(u, needle));
    return sortRows(all, (u) => userSortValue(u, sort.key, now), sort.descending);
  }, [list.data, showSystem, needle, sort, now]);
  const systemCount = (list.data?.users ?? []).filter((u) => u.system).length;
  const openUser = list.data?.users.find((u) => u.name === openName) ?? null;
  const target = dialog && dialog.kind !== 'create' ? dialog.user : null;

  return (
    <Stack gap="sm">
      <Group justify="space-between" gap="sm">
        <SegmentedControl
          aria-label="Show"
          value={view}
          onChange={(value) => setView(value === 'groups' ? 'groups' : 'users')}
          data={[
            { value: 'users', label: <Group gap={6} wrap="nowrap"><IconUser size={16} /><span>Users</span></Group> },
            { value: 'groups', label: <Group gap={6} wrap="nowrap"><IconUsersGroup size={16} /><span>Groups</span></Group>, disabled: !groupsServed },
          ]}
        />
        {list.data && view === 'users' && (
          <Text size="xs" c="dimmed">
            {list.data.users.length} accounts · read {formatDateTime(list.data.sampledAt).slice(11)}
          </Text>
        )}
      </Group>

      {!host.online && (
        <Alert color="gray" variant="light">
          The host is offline; accounts are shown again when its agent is back.
        </Alert>
      )}

      {view === 'groups' ? (
        <GroupsPanel host={host} userNames={(list.data?.users ?? []).map((u) => u.name).sort()} canManage={can('group.manage')} canDelete={can('group.delete')} />
      ) : (
        <>
          <Group justify="space-between" gap="sm">
            <Group gap="sm" style={{ flexGrow: 1 }}>
              <FilterInput label="Filter users" placeholder="Filter by name, comment, UID, group or shell" value={filter} onChange={setFilter} style={{ flexGrow: 1, maxWidth: 420 }} />
              <Switch label={`System accounts (${systemCount})`} checked={showSystem} onChange={(e) => setShowSystem(e.currentTarget.checked)} />
            </Group>
            {canManage && (
              <Button leftSection={<IconUserPlus size={16} />} onClick={() => open({ kind: 'create' })}>
                New user
              </Button>
            )}
          </Group>

          {list.isError && list.data && (
            <Alert color="orange" variant="light" p="xs">
              Could not refresh: {describeError(list.error).message} ({describeError(list.error).code}). Showing the accounts read at{' '}
              {formatDateTime(list.data.sampledAt)}.
            </Alert>
          )}
          {list.isError && !list.data ? (
            <ErrorAlert error={list.error} title="Could not list the users" onRetry={() => void list.refetch()} />
          ) : (
            <UsersTable
              users={users}
              loading={list.isPending && host.online}
              sort={sort}
              onSort={setSort}
              onOpen={(user) => setOpenName(user.name)}
              selected={openName}
              now={now}
              empty={
                <Stack align="center" gap={4} py="md">
                  <Text size="sm" c="dimmed">
                    {needle ? 'No account matches the filter.' : 'No accounts to show.'}
                  </Text>
                  {(needle || !showSystem) && (
                    <Button size="xs" variant="default" onClick={() => { setFilter(''); setShowSystem(true); }}>
                      Show every account
                    </Button>
                  )}
                </Stack>
              }
            />
          )}
        </>
      )}

      <UserDrawer
        host={host}
        user={openUser}
        now={now}
        canManage={canManage}
        canDelete={canDelete}
        locking={lock.isPending}
        onClose={() => setOpenName(null)}
        actions={{
          onEdit: (user) => open({ kind: 'edit', user }),
          onPassword: (user) => open({ kind: 'password', user }),
          onLock: (user, locked) => lock.mutate({ user, locked }),
          onExpire: (user) => open({ kind: 'expire', user }),
          onDelete: (user) => open({ kind: 'delete', user }),
        }}
      />
      <UserFormDialog
        opened={dialog?.kind === 'create' || dialog?.kind === 'edit'}
        user={dialog?.kind === 'edit' ? dialog.user : null}
        shells={shells.data?.shells ?? []}
        groups={groupNames.data ?? []}
        busy={change.isPending}
        error={change.error}
        onSubmit={submitForm}
        onClose={close}
      />
      <PasswordDialog
        user={dialog?.kind === 'password' ? dialog.user : null}
        busy={change.isPending}
        error={change.error}
        onClose={close}
        onSubmit={(password) => target && change.mutate({ run: () => call('setPassword', { name: target.name, password }), done: `Password of ${target.name} set.` })}
      />
      <ExpireDialog
        user={dialog?.kind === 'expire' ? dialog.user : null}
        busy={change.isPending}
        error={change.error}
        onClose={close}
        onSubmit={(values: ExpiryValues) => target && change.mutate({ run: () => call('expire', { name: target.name, ...values }), done: `Expiry of ${target.name} changed.` })}
      />
      <TypedConfirmDialog
        opened={dialog?.kind === 'delete'}
        title="Delete user?"
        name={dialog?.kind === 'delete' ? dialog.user.name : ''}
        what="user"
        warning={
          removeHome
            ? `The account and its home ${target?.home ?? ''} with everything in it are deleted. This cannot be undone.`
            : 'The account is deleted; its home directory and files stay, owned by a number nobody has.'
        }
        extra={<Checkbox label={`Also delete the home directory ${target?.home ?? ''} and mail spool`} checked={removeHome} onChange={(e) => setRemoveHome(e.currentTarget.checked)} />}
        submit="Delete user"
        busy={change.isPending}
        error={change.error}
        {...(target ? { approval: { hostId: host.id, action: 'user.delete', params: { name: target.name, removeHome } } } : {})}
        onClose={close}
        onConfirm={() =>
          target &&
          change.mutate({
            run: async () => {
              await call('delete', { name: target.name, removeHome });
              setOpenName(null);
            },
            done: `User ${target.name} deleted${removeHome ? ' with its home' : ''}.`,
          })
        }
      />
    </Stack>
  );
}
