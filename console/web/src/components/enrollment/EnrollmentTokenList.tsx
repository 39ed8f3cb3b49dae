import { ActionIcon, Badge, Group, Skeleton, Stack, Table, Text, Tooltip } from '@mantine/core';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IconTrash } from '@tabler/icons-react';
import { api } from '../../api.js';
import { useNow } from '../../hooks/useNow.js';
import type { EnrollmentToken } from '../../types.js';
import { describeError, ErrorAlert } from '../ErrorAlert.js';
import { RelativeTime } from '../RelativeTime.js';

export const enrollmentTokensQueryKey = ['enrollment-tokens'] as const;

function isOutstanding(token: EnrollmentToken, now: number): boolean {
  return !token.usedAt && !token.revokedAt && Date.parse(token.expiresAt) > now;
}

/** Tokens that could still enroll a machine, each revocable; used, expired and revoked ones are only counted. */
export function EnrollmentTokenList({ enabled }: { enabled: boolean }) {
  const queryClient = useQueryClient();
  const now = useNow(10_000);
  const tokens = useQuery({
    queryKey: enrollmentTokensQueryKey,
    queryFn: ({ signal }) => api.get<EnrollmentToken[]>('/api/enrollment-tokens', { signal }),
    enabled,
  });
  const revoke = useMutation({
    mutationFn: (token: EnrollmentToken) => api.delete(`/api/enrollment-tokens/${encodeURIComponent(token.id)}`),
    onSuccess: () => {
      notifications.show({ color: 'gray', message: 'Enrollment token revoked; it can no longer be used.' });
      void queryClient.invalidateQueries({ queryKey: enrollmentTokensQueryKey });
    },
    onError: (error) => {
      const { code, message } = describeError(error);
      notifications.show({ color: 'red', title: 'Could not revoke the token', message: `${message} (${code})` });
    },
  });

  if (tokens.isPending) return <Skeleton height={60} />;
  if (tokens.isError) return <ErrorAlert error={tokens.error} title="Could not load enrollment tokens" />;

  const outstanding = tokens.data
    .filter((token) => isOutstanding(token, now))
    // Newest first: the token just created is the one the operator looks for.
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const finished = tokens.data.length - outstanding.length;

  const confirm = (token: EnrollmentToken) =>
    modals.openConfirmModal({
      title: 'Revoke this enrollment token?',
      children: <Text size="sm">A machine that has not enrolled with it yet will be refused. Hosts already enrolled are not affected.</Text>,
      labels: { confirm: 'Revoke token', cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: () => revoke.mutate(token),
    });

  return (
    <Stack gap={6}>
      {outstanding.length === 0 ? (
        <Text size="sm" c="dimmed">
          No outstanding tokens. Every token created so far has been used, has expired or was revoked.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={480} maxHeight={260} type="native">
          <Table striped stickyHeader verticalSpacing={4} fz="sm" aria-label="Outstanding enrollment tokens">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Note</Table.Th>
                <Table.Th>Created</Table.Th>
                <Table.Th>Expires</Table.Th>
                <Table.Th>Approval</Table.Th>
                <Table.Th aria-label="Actions" />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {outstanding.map((token) => (
                <Table.Tr key={token.id} data-token-id={token.id}>
                  <Table.Td maw={200}>
                    <Text size="sm" className="gh-truncate" c={token.note ? undefined : 'dimmed'} title={token.note}>
                      {token.note || 'No note'}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      <Text size="sm">{token.createdBy},</Text>
                      <RelativeTime iso={token.createdAt} />
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <RelativeTime iso={token.expiresAt} />
                  </Table.Td>
                  <Table.Td>
                    {token.autoApprove ? (
                      <Badge size="sm" variant="light" color="orange">
                        Automatic
                      </Badge>
                    ) : (
                      <Badge size="sm" variant="light" color="gray">
                        By hand
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td ta="right">
                    <Tooltip label="Revoke token">
                      <ActionIcon
                        variant="subtle"
                        color="red"
                        aria-label={`Revoke token ${token.note || token.id}`}
                        loading={revoke.isPending && revoke.variables?.id === token.id}
                        onClick={() => confirm(token)}
                      >
                        <IconTrash size={16} />
                      </ActionIcon>
                    </Tooltip>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {finished > 0 && (
        <Text size="xs" c="dimmed">
          {finished} used, expired or revoked {finished === 1 ? 'token is' : 'tokens are'} not shown.
        </Text>
      )}
    </Stack>
  );
}
