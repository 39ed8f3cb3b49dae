import { ActionIcon, Button, Group, Text, Tooltip } from '@mantine/core';
import { modals } from '@mantine/modals';
import { IconCheck, IconBan } from '@tabler/icons-react';
import { useHostAction } from '../../hooks/useHosts.js';
import type { Host } from '../../types.js';

/** Ask before revoking: it cannot be undone from the console; the machine must enroll again. */
export function confirmRevoke(host: Host, revoke: () => void) {
  modals.openConfirmModal({
    title: `Revoke ${host.name}?`,
    children: (
      <Text size="sm">
        Its agent is disconnected at once and its key is refused from then on. To manage this machine again it has
        to enroll with a new token.
      </Text>
    ),
    labels: { confirm: 'Revoke host', cancel: 'Cancel' },
    confirmProps: { color: 'red' },
    onConfirm: revoke,
  });
}

/** Approve / Revoke for a host waiting for approval (administrators only; the caller checks the role). */
export function HostApprovalActions({
  host,
  size = 'xs',
  compact = false,
}: {
  host: Host;
  size?: 'xs' | 'sm';
  /** For a table cell: Revoke shrinks to an icon (same accessible name). */
  compact?: boolean;
}) {
  const action = useHostAction();
  const busy = action.isPending && action.variables?.host.id === host.id;
  const revoke = () => confirmRevoke(host, () => action.mutate({ host, action: 'revoke' }));
  return (
    <Group gap={6} wrap="nowrap">
      <Button
        size={size}
        color="teal"
        leftSection={<IconCheck size={14} />}
        loading={busy && action.variables?.action === 'approve'}
        disabled={busy}
        onClick={() => action.mutate({ host, action: 'approve' })}
        aria-label={`Approve ${host.name}`}
      >
        Approve
      </Button>
      {compact ? (
        <Tooltip label="Revoke">
          <ActionIcon
            size="md"
            variant="default"
            c="red.7"
            loading={busy && action.variables?.action === 'revoke'}
            disabled={busy}
            onClick={revoke}
            aria-label={`Revoke ${host.name}`}
          >
            <IconBan size={14} />
          </ActionIcon>
        </Tooltip>
      ) : (
        <Button
          size={size}
          variant="default"
          c="red.7"
          leftSection={<IconBan size={14} />}
          loading={busy && action.variables?.action === 'revoke'}
          disabled={busy}
          onClick={revoke}
          aria-label={`Revoke ${host.name}`}
        >
          Revoke
        </Button>
      )}
    </Group>
  );
}
