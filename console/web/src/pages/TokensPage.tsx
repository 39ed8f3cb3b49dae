/**
 * API tokens for scripts and integrations (docs/api.md "API tokens"): the caller's own tokens (an administrator
 * sees everyone's), each revocable, and "New token", which shows the token once and never again.
 */
import { CopyIconButton } from '../components/CopyIconButton.js';
import { useState } from 'react';
import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Code,
  CopyButton,
  Group,
  Modal,
  NumberInput,
  Paper,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  Tooltip,
} from '@mantine/core';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IconAlertTriangle, IconCheck, IconCopy, IconKey, IconTrash } from '@tabler/icons-react';
import { api } from '../api.js';
import { describeError, ErrorAlert } from '../components/ErrorAlert.js';
import { RelativeTime } from '../components/RelativeTime.js';
import { TableFrame } from '../components/TableFrame.js';
import { TableSkeleton } from '../components/TableSkeleton.js';
import { roleLabel } from '../components/UserMenu.js';
import { usePhone } from '../hooks/usePhone.js';
import { useUser } from '../session.js';
import {
  apiTokenMaxDays,
  type ApiTokenState,
  type ApiTokenView,
  type IssuedApiToken,
} from '../../../../modules/kernel/api-tokens.js';
import { scopeKey, type RoleView } from '../../../../modules/kernel/access.js';

const tokensQueryKey = ['api-tokens'] as const;

const stateLook: Record<ApiTokenState, { label: string; color: string }> = {
  active: { label: 'active', color: 'teal' },
  expired: { label: 'expired', color: 'gray' },
  revoked: { label: 'revoked', color: 'red' },
};

/** The token, once, in a box with a copy button and a plain warning. */
function IssuedToken({ issued }: { issued: IssuedApiToken }) {
  return (
    <Stack gap="sm">
      <Alert variant="light" color="orange" icon={<IconAlertTriangle size={18} />} p="xs" title="Copy the token now">
        This is the only time it is shown: the console keeps only a hash. Keep it where your script keeps secrets; if
        it is lost or leaks, revoke it and make another.
      </Alert>
      <Paper withBorder radius="sm" p={0} bg="var(--mantine-color-default-hover)">
        <Group gap={0} wrap="nowrap" align="flex-start">
          <Code block data-testid="api-token" aria-label="API token" style={{ flexGrow: 1, background: 'transparent', wordBreak: 'break-all', whiteSpace: 'pre-wrap' }} fz="sm">
            {issued.token}
          </Code>
          <CopyIconButton value={issued.token} label="Copy token" />
        </Group>
      </Paper>
      <Text size="sm">
        Send it as <Code>Authorization: Bearer …</Code>. It acts as you, with{' '}
        <b>{issued.grants.map((grant) => `${roleLabel(grant.role)} on ${grant.scope.kind === 'fleet' ? 'the whole fleet' : scopeKey(grant.scope)}`).join(', ')}</b>, until{' '}
        <RelativeTime iso={issued.expiresAt} />.
      </Text>
    </Stack>
  );
}

function NewTokenDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const user = useUser();
  const phone = usePhone();
  const queryClient = useQueryClient();
  // Roles whose every code the person holds somewhere; the server checks where (a token never does more than you).
  const roleList = useQuery({ queryKey: ['roles'], queryFn: () => api.get<RoleView[]>('/api/roles'), enabled: opened });
  const held = new Set(user.permissions);
  const roles = (roleList.data ?? []).filter((r) => r.allow.every((code) => held.has(code)));
  const [name, setName] = useState('');
  /** '' stands for "the same grants as mine". */
  const [role, setRole] = useState<string>('');
  const [days, setDays] = useState<number | string>(90);

  const create = useMutation({
    mutationFn: () => api.post<IssuedApiToken>('/api/tokens', { name: name.trim(), ...(role ? { role } : {}), expiresInDays: Number(days) }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: tokensQueryKey }),
  });

  const close = () => {
    // The token leaves memory with the dialog: it is not kept anywhere in the page.
    create.reset();
    setName('');
    setRole('');
    setDays(90);
    onClose();
  };

  return (
    <Modal opened={opened} onClose={close} title="New API token" size="lg" fullScreen={phone} radius="md" closeOnClickOutside={!create.data}>
      {create.data ? (
        <Stack gap="md">
          <IssuedToken issued={create.data} />
          <Group justify="flex-end">
            <Button onClick={close}>Done, I have copied it</Button>
          </Group>
        </Stack>
      ) : (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            create.mutate();
          }}
        >
          <Stack gap="md">
            <TextInput
              label="Name"
              description="What uses it, so you know later which script to fix when you revoke it."
              placeholder="e.g. historian export"
              required
              maxLength={64}
              value={name}
              onChange={(event) => setName(event.currentTarget.value)}
            />
            <Select
              label="Role"
              description="A token can do what this role allows on the whole fleet, never more than you can. “Same as you” copies your grants."
              data={[{ value: '', label: 'Same as you' }, ...roles.map((r) => ({ value: r.id, label: r.name }))]}
              value={role}
              onChange={(value) => setRole(value ?? '')}
              allowDeselect={false}
            />
            <NumberInput
              label="Expires after (days)"
              description={`1 to ${apiTokenMaxDays}; every token expires.`}
              min={1}
              max={apiTokenMaxDays}
              allowDecimal={false}
              clampBehavior="strict"
              value={days}
              onChange={setDays}
              w={220}
            />
            {create.isError && <ErrorAlert error={create.error} title="Could not make the token" />}
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={create.isPending} disabled={name.trim() === '' || days === ''} leftSection={<IconKey size={16} />}>
                Make token
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

export function TokensPage() {
  const user = useUser();
  const queryClient = useQueryClient();
  const [creating, setCreating] = useState(false);
  const everyone = user.role === 'administrator';
  const tokens = useQuery({ queryKey: tokensQueryKey, queryFn: ({ signal }) => api.get<ApiTokenView[]>('/api/tokens', { signal }) });

  const revoke = useMutation({
    mutationFn: (token: ApiTokenView) => api.delete(`/api/tokens/${encodeURIComponent(token.id)}`),
    onSuccess: () => {
      notifications.show({ color: 'gray', message: 'Token revoked; scripts using it are refused from now on.' });
      void queryClient.invalidateQueries({ queryKey: tokensQueryKey });
    },
    onError: (error) => {
      const { code, message } = describeError(error);
      notifications.show({ color: 'red', title: 'Could not revoke the token', message: `${message} (${code})` });
    },
  });

  const confirm = (token: ApiTokenView) =>
    modals.openConfirmModal({
      title: `Revoke the token “${token.name}”?`,
      children: <Text size="sm">Every script or integration using it is refused from now on. This cannot be undone.</Text>,
      labels: { confirm: 'Revoke token', cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: () => revoke.mutate(token),
    });

  const columns = everyone ? 8 : 7;

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2}>API tokens</Title>
          <Text size="sm" c="dimmed">
            For scripts and integrations: each acts as its owner with the role it was made with, expires, and can be revoked. {everyone ? 'As an administrator you see everyone’s.' : ''}
          </Text>
        </div>
        <Button leftSection={<IconKey size={16} />} onClick={() => setCreating(true)}>
          New token
        </Button>
      </Group>
      {tokens.isError && <ErrorAlert error={tokens.error} title="Could not load API tokens" />}
      <TableFrame minWidth={800}>
        <Table striped highlightOnHover verticalSpacing={6} aria-label="API tokens">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Role</Table.Th>
              {everyone && <Table.Th>Owner</Table.Th>}
              <Table.Th>Created</Table.Th>
              <Table.Th>Expires</Table.Th>
              <Table.Th>Last used</Table.Th>
              <Table.Th>State</Table.Th>
              <Table.Th aria-label="Actions" />
            </Table.Tr>
          </Table.Thead>
          {tokens.isPending && <TableSkeleton rows={3} columns={columns} />}
          <Table.Tbody>
            {tokens.data?.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={columns}>
                  <Text size="sm" c="dimmed">
                    No tokens yet.
                  </Text>
                </Table.Td>
              </Table.Tr>
            )}
            {tokens.data?.map((token) => (
              <Table.Tr key={token.id} data-token-id={token.id}>
                <Table.Td maw={240}>
                  <Text size="sm" className="gh-truncate" title={`${token.name} (${token.id})`}>
                    {token.name}
                  </Text>
                </Table.Td>
                <Table.Td>{roleLabel(token.role)}</Table.Td>
                {everyone && <Table.Td>{token.owner.username}</Table.Td>}
                <Table.Td>
                  <RelativeTime iso={token.createdAt} />
                </Table.Td>
                <Table.Td>
                  <RelativeTime iso={token.expiresAt} />
                </Table.Td>
                <Table.Td>
                  {token.lastUsedAt ? (
                    <Group gap={4} wrap="nowrap">
                      <RelativeTime iso={token.lastUsedAt} />
                      {token.lastUsedFrom && (
                        <Text size="xs" c="dimmed">
                          from {token.lastUsedFrom}
                        </Text>
                      )}
                    </Group>
                  ) : (
                    <Text size="sm" c="dimmed">
                      never
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Badge size="sm" variant="light" color={stateLook[token.state].color} title={token.revokedBy ? `revoked by ${token.revokedBy}` : undefined}>
                    {stateLook[token.state].label}
                  </Badge>
                </Table.Td>
                <Table.Td ta="right">
                  {token.state === 'active' && (
                    <Tooltip label="Revoke token">
                      <ActionIcon
                        variant="subtle"
                        color="red"
                        aria-label={`Revoke token ${token.name}`}
                        loading={revoke.isPending && revoke.variables?.id === token.id}
                        onClick={() => confirm(token)}
                      >
                        <IconTrash size={16} />
                      </ActionIcon>
                    </Tooltip>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </TableFrame>
      <NewTokenDialog opened={creating} onClose={() => setCreating(false)} />
    </Stack>
  );
}
