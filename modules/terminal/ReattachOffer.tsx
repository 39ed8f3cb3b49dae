/**
 * Shown when the page opens and the operator has shells on this host that nobody is attached to (they closed
 * the tab, or the network went): one click takes them back, screen restored.
 */
import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { IconPlugConnected } from '@tabler/icons-react';
import { formatDateTime, formatRelative } from '../../console/web/src/format.js';
import type { TerminalSession } from './contract.js';

const shownAtMost = 5;

export function ReattachOffer({
  sessions,
  onReattach,
  onDismiss,
}: {
  sessions: readonly TerminalSession[];
  onReattach: (session: TerminalSession) => void;
  onDismiss: () => void;
}) {
  if (sessions.length === 0) return null;
  return (
    <Alert
      color="indigo"
      variant="light"
      icon={<IconPlugConnected size={18} />}
      title={sessions.length === 1 ? 'Your shell on this host is still running' : `${sessions.length} of your shells on this host are still running`}
      withCloseButton
      closeButtonLabel="Not now"
      onClose={onDismiss}
      data-reattach-offer
    >
      <Stack gap={6}>
        {sessions.slice(0, shownAtMost).map((session) => (
          <Group key={session.id} justify="space-between" gap="xs" wrap="nowrap" data-session-id={session.id}>
            <Text size="sm" className="gh-truncate" style={{ minWidth: 0 }}>
              <Text span ff="monospace" size="sm">
                {session.unixUser}
              </Text>
              {session.title ? ` · ${session.title}` : ''} · started{' '}
              <span title={formatDateTime(session.startedAt)}>{formatRelative(session.startedAt)}</span>
              {session.expiresAt && (
                <>
                  {' '}
                  · ends <span title={formatDateTime(session.expiresAt)}>{formatRelative(session.expiresAt)}</span> unless
                  re-attached
                </>
              )}
            </Text>
            <Button size="xs" leftSection={<IconPlugConnected size={14} />} onClick={() => onReattach(session)} style={{ flexShrink: 0 }}>
              Re-attach
            </Button>
          </Group>
        ))}
        {sessions.length > shownAtMost && (
          <Text size="sm" c="dimmed">
            And {sessions.length - shownAtMost} more in the list of sessions below.
          </Text>
        )}
      </Stack>
    </Alert>
  );
}
