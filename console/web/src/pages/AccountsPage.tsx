/**
 * Console accounts, for administrators: who may log in to Gatehouse and with which role. Create an account, give it
 * another role, disable or enable it, set a new password. Each change ends the account's sessions and is audited.
 */
import { useState } from 'react';
import { Alert, Badge, Button, Group, Modal, PasswordInput, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IconUserPlus } from '@tabler/icons-react';
import { api, isApiError } from '../api.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { RelativeTime } from '../components/RelativeTime.js';
import { TableFrame } from '../components/TableFrame.js';
import { TableSkeleton } from '../components/TableSkeleton.js';
import { roleLabel } from '../components/UserMenu.js';
import { useUser } from '../session.js';
import { roleIds, type RoleId } from '../../../../modules/kernel/console-api.js';

interface Account {
  id: string;
  username: string;
  role: RoleId;
  disabled: boolean;
  createdAt: string;
}

const accountsKey = ['accounts'] as const;
const roleOptions = roleIds.map((id) => ({ value: id, label: roleLabel(id) }));

function problem(error: unknown): string | null {
  if (!error) return null;
  return isApiError(error) ? `${error.message} (${error.code})` : String(error);
}

function NewAccountDialog({ onClose }: { onClose: () => void }) {
  const queryClient = useQueryClient();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<RoleId>('viewer');
  const create = useMutation({
    mutationFn: () => api.post<Account>('/api/users', { username: username.trim(), password, role }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: accountsKey });
      onClose();
    },
  });
  return (
    <Modal opened onClose={onClose} title={<Text fw={650}>New account</Text>} centered>
      <Stack gap="sm">
        <TextInput label="Username" value={username} onChange={(e) => setUsername(e.currentTarget.value)} data-autofocus autoComplete="off" />
        <PasswordInput label="Password" description="At least 12 characters. Tell it to the person by a separate channel." value={password} onChange={(e) => setPassword(e.currentTarget.value)} autoComplete="new-password" />
        <Select label="Role" description="Held on the whole fleet." data={roleOptions} value={role} onChange={(v) => v && setRole(v as RoleId)} allowDeselect={false} />
        {create.isError && <Alert color="red" role="alert">{problem(create.error)}</Alert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button loading={create.isPending} disabled={!username.trim() || password.length < 12} onClick={() => create.mutate()}>
            Create account
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function PasswordDialog({ account, onClose }: { account: Account; onClose: () => void }) {
  const [password, setPassword] = useState('');
  const change = useMutation({ mutationFn: () => api.patch<Account>(`/api/users/${encodeURIComponent(account.id)}`, { password }), onSuccess: onClose });
  return (
    <Modal opened onClose={onClose} title={<Text fw={650}>New password for {account.username}</Text>} centered>
      <Stack gap="sm">
        <PasswordInput label="New password" description="At least 12 characters. Their open sessions end." value={password} onChange={(e) => setPassword(e.currentTarget.value)} autoComplete="new-password" />
        {change.isError && <Alert color="red" role="alert">{problem(change.error)}</Alert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button loading={change.isPending} disabled={password.length < 12} onClick={() => change.mutate()}>
            Set password
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

export function AccountsPage() {
  const me = useUser();
  const queryClient = useQueryClient();
  const accounts = useQuery({ queryKey: accountsKey, queryFn: ({ signal }) => api.get<Account[]>('/api/users', { signal }) });
  const [creating, setCreating] = useState(false);
  const [passwordFor, setPasswordFor] = useState<Account | null>(null);
  const change = useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: Partial<Pick<Account, 'role' | 'disabled'>> }) => api.patch<Account>(`/api/users/${encodeURIComponent(id)}`, patch),
    onSettled: () => queryClient.invalidateQueries({ queryKey: accountsKey }),
  });

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-start">
        <div>
          <Title order={2}>Accounts</Title>
          <Text size="sm" c="dimmed">
            Who may log in to Gatehouse, and with which role (see Roles for what each may do). Changes end the account&apos;s open sessions.
          </Text>
        </div>
        <Button leftSection={<IconUserPlus size={16} />} onClick={() => setCreating(true)}>
          New account
        </Button>
      </Group>
      {accounts.isError && <ErrorAlert error={accounts.error} title="Could not load the accounts" />}
      {change.isError && <Alert color="red" role="alert" title="Not changed">{problem(change.error)}</Alert>}
      <TableFrame minWidth={760}>
        <Table striped highlightOnHover verticalSpacing={6} aria-label="Accounts">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Username</Table.Th>
              <Table.Th>Role</Table.Th>
              <Table.Th>State</Table.Th>
              <Table.Th>Created</Table.Th>
              <Table.Th aria-label="Actions" />
            </Table.Tr>
          </Table.Thead>
          {accounts.isPending ? (
            <TableSkeleton columns={5} rows={4} />
          ) : (
            <Table.Tbody>
              {(accounts.data ?? []).map((account) => (
                <Table.Tr key={account.id} data-account={account.username}>
                  <Table.Td>
                    <Text size="sm" fw={600}>
                      {account.username}
                      {account.username === me.username && (
                        <Text span size="xs" c="dimmed" fw={400}>
                          {' '}
                          (you)
                        </Text>
                      )}
                    </Text>
                  </Table.Td>
                  <Table.Td w={220}>
                    <Select
                      aria-label={`Role of ${account.username}`}
                      size="xs"
                      data={roleOptions}
                      value={account.role}
                      allowDeselect={false}
                      onChange={(role) => role && role !== account.role && change.mutate({ id: account.id, patch: { role: role as RoleId } })}
                    />
                  </Table.Td>
                  <Table.Td>
                    {account.disabled ? (
                      <Badge color="gray" variant="light" style={{ textTransform: 'none' }}>
                        Disabled
                      </Badge>
                    ) : (
                      <Badge color="teal" variant="light" style={{ textTransform: 'none' }}>
                        Can log in
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <RelativeTime iso={account.createdAt} size="sm" />
                  </Table.Td>
                  <Table.Td>
                    <Group gap="xs" justify="flex-end" wrap="nowrap">
                      <Button size="xs" variant="default" onClick={() => setPasswordFor(account)}>
                        Set password
                      </Button>
                      <Button
                        size="xs"
                        variant={account.disabled ? 'light' : 'subtle'}
                        color={account.disabled ? 'teal' : 'red'}
                        onClick={() => change.mutate({ id: account.id, patch: { disabled: !account.disabled } })}
                      >
                        {account.disabled ? 'Enable' : 'Disable'}
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          )}
        </Table>
      </TableFrame>
      {creating && <NewAccountDialog onClose={() => setCreating(false)} />}
      {passwordFor && <PasswordDialog account={passwordFor} onClose={() => setPasswordFor(null)} />}
    </Stack>
  );
}
