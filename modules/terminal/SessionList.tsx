/**
 * The shells running on this host (`terminal.sessions`): who opened them, as whom, and whether someone is
 * attached. The operator's own detached shells can be re-attached here or ended.
 */
import type { ReactNode } from 'react';
import { ActionIcon, Badge, Button, Group, Paper, Stack, Table, Text, Title, Tooltip, VisuallyHidden } from '@mantine/core';
import { IconPlugConnected, IconPlayerStop, IconRefresh } from '@tabler/icons-react';
import { describeError } from '../../console/web/src/components/ErrorAlert.js';
import { RelativeTime } from '../../console/web/src/components/RelativeTime.js';
import { TableFrame } from '../../console/web/src/components/TableFrame.js';
import { TableSkeleton } from '../../console/web/src/components/TableSkeleton.js';
import { formatDateTime, formatRelative } from '../../console/web/src/format.js';
import { usePhone } from '../../console/web/src/hooks/usePhone.js';
import type { TerminalSession } from './contract.js';

export function SessionState({ session, openHere }: { session: TerminalSession; openHere: boolean }) {
  if (session.attached) {
    return (
      <Badge color="teal" variant="light" size="sm" style={{ textTransform: 'none' }}>
        {openHere ? 'Attached here' : 'Attached'}
      </Badge>
    );
  }
  return (
    <Group gap={6} wrap="nowrap">
      <Badge color="orange" variant="light" size="sm" style={{ textTransform: 'none' }}>
        Detached
      </Badge>
      {session.expiresAt && (
        <Text size="xs" c="dimmed" title={formatDateTime(session.expiresAt)} style={{ whiteSpace: 'nowrap' }}>
          ends {formatRelative(session.expiresAt)}
        </Text>
      )}
    </Group>
  );
}

function SessionActions({
  session,
  here,
  onReattach,
  onEnd,
}: {
  session: TerminalSession;
  here: boolean;
  onReattach: (session: TerminalSession) => void;
  onEnd: (session: TerminalSession) => void;
}) {
  return (
    <Group gap={6} justify="flex-end" wrap="nowrap">
      {!session.attached && (
        <Button size="compact-sm" variant="light" leftSection={<IconPlugConnected size={14} />} onClick={() => onReattach(session)}>
          Re-attach
        </Button>
      )}
      {session.attached && !here && (
        <Tooltip label="Bring this shell here; the window that has it now is detached." multiline maw={260}>
          <Button size="compact-sm" variant="subtle" leftSection={<IconPlugConnected size={14} />} onClick={() => onReattach(session)}>
            Take over
          </Button>
        </Tooltip>
      )}
      <Button size="compact-sm" variant="subtle" color="red" leftSection={<IconPlayerStop size={14} />} onClick={() => onEnd(session)}>
        End session
      </Button>
    </Group>
  );
}

/** On a phone: one card per session, actions within reach. */
function SessionCards({
  sessions,
  isMine,
  openHere,
  onReattach,
  onEnd,
  empty,
}: {
  sessions: readonly TerminalSession[];
  isMine: (session: TerminalSession) => boolean;
  openHere: ReadonlySet<string>;
  onReattach: (session: TerminalSession) => void;
  onEnd: (session: TerminalSession) => void;
  empty: ReactNode;
}) {
  if (sessions.length === 0) return <>{empty}</>;
  return (
    <Stack gap="xs">
      {sessions.map((session) => {
        const mine = isMine(session);
        const here = openHere.has(session.id);
        return (
          <Paper key={session.id} withBorder radius="md" p="xs" data-session-id={session.id} data-attached={session.attached ? 'true' : 'false'}>
            <Group justify="space-between" gap="xs" wrap="nowrap" align="flex-start">
              <Stack gap={0} style={{ minWidth: 0 }}>
                <Text size="sm" className="gh-truncate">
                  <Text span ff="monospace" size="sm">
                    {session.unixUser}
                  </Text>
                  {session.title ? ` · ${session.title}` : ''}
                </Text>
                <Text size="xs" c="dimmed" className="gh-truncate">
                  {session.owner}
                  {mine ? ' (you)' : ''} · started {formatRelative(session.startedAt)}
                </Text>
              </Stack>
              <SessionState session={session} openHere={here} />
            </Group>
            {mine && (
              <Group justify="flex-end" mt={6}>
                <SessionActions session={session} here={here} onReattach={onReattach} onEnd={onEnd} />
              </Group>
            )}
          </Paper>
        );
      })}
    </Stack>
  );
}

export function SessionList({
  sessions,
  loading,
  error,
  isMine,
  openHere,
  onReattach,
  onEnd,
  onRefresh,
}: {
  sessions: readonly TerminalSession[];
  loading: boolean;
  error: unknown;
  isMine: (session: TerminalSession) => boolean;
  /** Sessions attached in one of this page's tabs. */
  openHere: ReadonlySet<string>;
  onReattach: (session: TerminalSession) => void;
  onEnd: (session: TerminalSession) => void;
  onRefresh: () => void;
}) {
  const phone = usePhone();
  const empty = (
    <Text size="sm" c="dimmed">
      No shell is running on this host.
    </Text>
  );
  return (
    <Stack gap="xs" component="section" aria-label="Sessions on this host">
      <Group justify="space-between" gap="xs">
        <Title order={4} fz="md">
          Sessions on this host
        </Title>
        <Tooltip label="Refresh the list">
          <ActionIcon variant="subtle" color="gray" onClick={onRefresh} aria-label="Refresh sessions">
            <IconRefresh size={16} />
          </ActionIcon>
        </Tooltip>
      </Group>
      {error !== null && error !== undefined && (
        <Text size="sm" c="red.7">
          Could not list the sessions: {describeError(error).message} ({describeError(error).code})
        </Text>
      )}
      {phone ? (
        <SessionCards
          sessions={sessions}
          isMine={isMine}
          openHere={openHere}
          onReattach={onReattach}
          onEnd={onEnd}
          empty={loading ? null : empty}
        />
      ) : (
        <TableFrame minWidth={760}>
          <Table verticalSpacing={6} aria-label="Terminal sessions">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Session</Table.Th>
                <Table.Th>Unix user</Table.Th>
                <Table.Th>Opened by</Table.Th>
                <Table.Th>Started</Table.Th>
                <Table.Th>Last activity</Table.Th>
                <Table.Th>State</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            {loading ? (
              <TableSkeleton columns={7} rows={2} />
            ) : (
              <Table.Tbody>
                {sessions.length === 0 && (
                  <Table.Tr>
                    <Table.Td colSpan={7}>{empty}</Table.Td>
                  </Table.Tr>
                )}
                {sessions.map((session) => {
                  const mine = isMine(session);
                  const here = openHere.has(session.id);
                  return (
                    <Table.Tr key={session.id} data-session-id={session.id} data-attached={session.attached ? 'true' : 'false'}>
                      <Table.Td maw={260}>
                        <Text size="sm" className="gh-truncate" title={session.title || undefined}>
                          {session.title || '—'}
                        </Text>
                        <Text size="xs" c="dimmed" ff="monospace">
                          {session.id}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" ff="monospace">
                          {session.unixUser}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" className="gh-break">
                          {session.owner}
                          {mine && (
                            <Text span size="xs" c="dimmed">
                              {' '}
                              (you)
                            </Text>
                          )}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <RelativeTime iso={session.startedAt} />
                      </Table.Td>
                      <Table.Td>
                        <RelativeTime iso={session.lastActivityAt} />
                      </Table.Td>
                      <Table.Td>
                        <SessionState session={session} openHere={here} />
                      </Table.Td>
                      <Table.Td>
                        {mine && <SessionActions session={session} here={here} onReattach={onReattach} onEnd={onEnd} />}
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            )}
          </Table>
        </TableFrame>
      )}
    </Stack>
  );
}
