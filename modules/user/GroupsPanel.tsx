/** The Groups view of the Users page: every group, its members, and (with group.manage) changes to them. */
import { useEffect, useMemo, useState } from 'react';
import { ActionIcon, Alert, Button, Group, Menu, Modal, MultiSelect, NumberInput, Stack, Switch, Table, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IconDots, IconPencil, IconPlus, IconTrash, IconUsersGroup } from '@tabler/icons-react';
import type { z } from 'zod';
import { apiCall } from '../../console/web/src/api.js';
import { ErrorAlert } from '../../console/web/src/components/ErrorAlert.js';
import { FilterInput } from '../../console/web/src/components/FilterInput.js';
import { SortableTh, sortRows, type SortState } from '../../console/web/src/components/SortableTh.js';
import { TableFrame, useStickyHeader } from '../../console/web/src/components/TableFrame.js';
import { TableSkeleton } from '../../console/web/src/components/TableSkeleton.js';
import { usePhone } from '../../console/web/src/hooks/usePhone.js';
import type { Host } from '../../console/web/src/types.js';
import type { contract, GroupAccount } from '../group/contract.js';
import { TypedConfirmDialog } from './AccountDialogs.js';
import { accountNamePattern } from './names-pattern.js';

type ListResult = z.output<typeof contract.methods.list.result>;
type GroupSortKey = 'name' | 'gid' | 'members';

type Dialog = { kind: 'create' } | { kind: 'rename'; group: GroupAccount } | { kind: 'members'; group: GroupAccount } | { kind: 'delete'; group: GroupAccount };

function nameProblem(name: string): string | null {
  if (name === '') return null;
  if (name.length > 32) return 'At most 32 characters';
  return accountNamePattern.test(name) ? null : 'Lower-case letters, digits, _ and -; start with a letter or _';
}

function NameDialog({
  dialog,
  busy,
  error,
  onSubmit,
  onClose,
}: {
  dialog: Extract<Dialog, { kind: 'create' | 'rename' }> | null;
  busy: boolean;
  error: unknown;
  onSubmit: (name: string, gid: number | undefined) => void;
  onClose: () => void;
}) {
  const [name, setName] = useState('');
  const [gid, setGid] = useState<number | ''>('');
  useEffect(() => {
    setName(dialog?.kind === 'rename' ? dialog.group.name : '');
    setGid('');
  }, [dialog]);
  const problem = nameProblem(name);
  const ok = name !== '' && !problem && !(dialog?.kind === 'rename' && name === dialog.group.name);
  return (
    <Modal opened={dialog !== null} onClose={onClose} title={dialog?.kind === 'rename' ? `Rename ${dialog.group.name}` : 'New group'}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (ok) onSubmit(name, gid === '' ? undefined : gid);
        }}
      >
        <Stack gap="sm">
          <TextInput label={dialog?.kind === 'rename' ? 'New name' : 'Group name'} value={name} onChange={(e) => setName(e.currentTarget.value)} error={problem} classNames={{ input: 'gh-mono-input' }} autoComplete="off" spellCheck={false} data-autofocus />
          {dialog?.kind === 'create' ? (
            <NumberInput label="GID" placeholder="Next free" min={1} max={60000} value={gid} onChange={(v) => setGid(typeof v === 'number' ? v : '')} allowDecimal={false} />
          ) : (
            <Text size="xs" c="dimmed">
              The GID stays, so files owned by the group keep it.
            </Text>
          )}
          {error !== null && error !== undefined && <ErrorAlert error={error} title={dialog?.kind === 'rename' ? 'Could not rename the group' : 'Could not create the group'} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} disabled={busy}>
              Cancel
            </Button>
            <Button type="submit" loading={busy} disabled={!ok}>
              {dialog?.kind === 'rename' ? 'Rename' : 'Create group'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function MembersDialog({
  group,
  userNames,
  busy,
  error,
  onSubmit,
  onClose,
}: {
  group: GroupAccount | null;
  userNames: string[];
  busy: boolean;
  error: unknown;
  onSubmit: (members: string[]) => void;
  onClose: () => void;
}) {
  const [members, setMembers] = useState<string[]>([]);
  useEffect(() => setMembers(group?.members ?? []), [group]);
  return (
    <Modal opened={group !== null} onClose={onClose} title={group ? `Members of ${group.name}` : ''}>
      {group && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            onSubmit(members);
          }}
        >
          <Stack gap="sm">
            <MultiSelect label="Members" data={[...new Set([...userNames, ...members])]} value={members} onChange={setMembers} searchable clearable hidePickedOptions data-autofocus />
            {group.primaryOf.length > 0 && (
              <Text size="xs" c="dimmed">
                Also in the group as their primary group: {group.primaryOf.join(', ')}.
              </Text>
            )}
            {['sudo', 'adm', 'root', 'shadow', 'disk'].includes(group.name) && (
              <Alert color="orange" variant="light" p="xs">
                Members of {group.name} get administrative rights on this host.
              </Alert>
            )}
            {error !== null && error !== undefined && <ErrorAlert error={error} title="Could not set the members" />}
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose} disabled={busy}>
                Cancel
              </Button>
              <Button type="submit" loading={busy}>
                Save members
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

export function GroupsPanel({
  host,
  userNames,
  canManage,
  canDelete,
}: {
  host: Host;
  userNames: string[];
  canManage: boolean;
  canDelete: boolean;
}) {
  const queryClient = useQueryClient();
  const phone = usePhone();
  const [filter, setFilter] = useState('');
  const [showSystem, setShowSystem] = useState(false);
  const [sort, setSort] = useState<SortState<GroupSortKey>>({ key: 'name', descending: false });
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const baseKey = ['host', host.id, 'group'] as const;
  const list = useQuery({
    queryKey: [...baseKey, 'list'],
    queryFn: ({ signal }) => apiCall<ListResult>(host.id, 'group', 'list', {}, { signal }),
    enabled: host.online,
  });

  const change = useMutation({
    mutationFn: ({ method, params }: { method: string; params: unknown; done: string }) => apiCall(host.id, 'group', method, params),
    onSuccess: (_result, { done }) => {
      notifications.show({ color: 'teal', message: done });
      setDialog(null);
    },
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: baseKey });
      void queryClient.invalidateQueries({ queryKey: ['host', host.id, 'user'] });
    },
  });
  const open = (next: Dialog | null) => {
    change.reset();
    setDialog(next);
  };
  const close = () => !change.isPending && open(null);

  const needle = filter.trim().toLowerCase();
  const groups = useMemo(() => {
    const all = (list.data?.groups ?? []).filter(
      (g) => (showSystem || !g.system || needle !== '') && (needle === '' || g.name.includes(needle) || g.members.some((m) => m.includes(needle)) || String(g.gid) === needle),
    );
    return sortRows(all, (g) => (sort.key === 'name' ? g.name : sort.key === 'gid' ? g.gid : g.members.length), sort.descending);
  }, [list.data, needle, showSystem, sort]);
  const hidden = (list.data?.groups.length ?? 0) - groups.length;
  const minWidth = phone ? 340 : 700;
  const sticky = useStickyHeader(minWidth);

  return (
    <Stack gap="sm">
      <Group justify="space-between" gap="sm">
        <Group gap="sm" style={{ flexGrow: 1 }}>
          <FilterInput label="Filter groups" placeholder="Filter by name, member or GID" value={filter} onChange={setFilter} style={{ flexGrow: 1, maxWidth: 360 }} />
          <Switch label="System groups" checked={showSystem} onChange={(e) => setShowSystem(e.currentTarget.checked)} />
        </Group>
        {canManage && (
          <Button size="sm" leftSection={<IconPlus size={16} />} onClick={() => open({ kind: 'create' })}>
            New group
          </Button>
        )}
      </Group>
      {list.isError ? (
        <ErrorAlert error={list.error} title="Could not list the groups" onRetry={() => void list.refetch()} />
      ) : (
        <TableFrame minWidth={minWidth}>
          <Table striped highlightOnHover {...sticky} verticalSpacing={5} aria-label="Groups">
            <Table.Thead>
              <Table.Tr>
                <SortableTh column="name" sort={sort} onSort={setSort}>
                  Group
                </SortableTh>
                <SortableTh column="gid" sort={sort} onSort={setSort} align="right">
                  GID
                </SortableTh>
                <SortableTh column="members" sort={sort} onSort={setSort} firstDescending>
                  Members
                </SortableTh>
                {(canManage || canDelete) && <Table.Th w={40} aria-label="Actions" />}
              </Table.Tr>
            </Table.Thead>
            {list.isPending ? (
              <TableSkeleton columns={4} rows={8} />
            ) : (
              <Table.Tbody>
                {groups.map((g) => (
                  <Table.Tr key={g.name} data-group-row={g.name}>
                    <Table.Td>
                      <Text size="sm" ff="monospace" fw={600}>
                        {g.name}
                      </Text>
                      {g.system && (
                        <Text size="xs" c="dimmed">
                          system group
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" ff="monospace" ta="right">
                        {g.gid}
                      </Text>
                    </Table.Td>
                    <Table.Td style={{ maxWidth: 0, width: '60%' }}>
                      <Text size="sm" className="gh-truncate" title={g.members.join(', ')}>
                        {g.members.length > 0 ? g.members.join(', ') : <Text span c="dimmed" size="sm">no listed members</Text>}
                      </Text>
                      {g.primaryOf.length > 0 && (
                        <Text size="xs" c="dimmed" className="gh-truncate">
                          primary group of {g.primaryOf.join(', ')}
                        </Text>
                      )}
                    </Table.Td>
                    {(canManage || canDelete) && (
                      <Table.Td>
                        <Menu position="bottom-end" shadow="md" width={200} withinPortal>
                          <Menu.Target>
                            <ActionIcon variant="subtle" color="gray" aria-label={`Actions for group ${g.name}`}>
                              <IconDots size={16} />
                            </ActionIcon>
                          </Menu.Target>
                          <Menu.Dropdown>
                            {canManage && (
                              <>
                                <Menu.Item leftSection={<IconUsersGroup size={16} />} onClick={() => open({ kind: 'members', group: g })}>
                                  Members…
                                </Menu.Item>
                                <Menu.Item leftSection={<IconPencil size={16} />} onClick={() => open({ kind: 'rename', group: g })}>
                                  Rename…
                                </Menu.Item>
                              </>
                            )}
                            {canDelete && (
                              <>
                                <Menu.Divider />
                                <Menu.Item color="red" leftSection={<IconTrash size={16} />} onClick={() => open({ kind: 'delete', group: g })} disabled={g.gid === 0}>
                                  Delete…
                                </Menu.Item>
                              </>
                            )}
                          </Menu.Dropdown>
                        </Menu>
                      </Table.Td>
                    )}
                  </Table.Tr>
                ))}
                {groups.length === 0 && (
                  <Table.Tr>
                    <Table.Td colSpan={4}>
                      <Text size="sm" c="dimmed" ta="center" py="md">
                        {needle ? 'No group matches the filter.' : 'No groups to show.'}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                )}
              </Table.Tbody>
            )}
          </Table>
        </TableFrame>
      )}
      {hidden > 0 && !showSystem && needle === '' && (
        <Text size="xs" c="dimmed">
          {hidden} system groups hidden.
        </Text>
      )}

      <NameDialog
        dialog={dialog?.kind === 'create' || dialog?.kind === 'rename' ? dialog : null}
        busy={change.isPending}
        error={change.error}
        onClose={close}
        onSubmit={(name, gid) =>
          dialog?.kind === 'rename'
            ? change.mutate({ method: 'rename', params: { name: dialog.group.name, newName: name }, done: `Group ${dialog.group.name} is now ${name}.` })
            : change.mutate({ method: 'create', params: { name, ...(gid !== undefined ? { gid } : {}) }, done: `Group ${name} created.` })
        }
      />
      <MembersDialog
        group={dialog?.kind === 'members' ? dialog.group : null}
        userNames={userNames}
        busy={change.isPending}
        error={change.error}
        onClose={close}
        onSubmit={(members) => dialog?.kind === 'members' && change.mutate({ method: 'setMembers', params: { name: dialog.group.name, members }, done: `Members of ${dialog.group.name} saved.` })}
      />
      <TypedConfirmDialog
        opened={dialog?.kind === 'delete'}
        title="Delete group?"
        name={dialog?.kind === 'delete' ? dialog.group.name : ''}
        what="group"
        warning={
          dialog?.kind === 'delete' && dialog.group.primaryOf.length > 0
            ? `This is the primary group of ${dialog.group.primaryOf.join(', ')}; the host will refuse until they have another.`
            : 'Files owned by the group keep its number and show no group name afterwards. This cannot be undone.'
        }
        submit="Delete group"
        busy={change.isPending}
        error={change.error}
        onClose={close}
        onConfirm={() => dialog?.kind === 'delete' && change.mutate({ method: 'delete', params: { name: dialog.group.name }, done: `Group ${dialog.group.name} deleted.` })}
      />
    </Stack>
  );
}
