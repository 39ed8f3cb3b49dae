import type { ReactNode } from 'react';
import { Anchor, Badge, Button, Group, Paper, Skeleton, Stack, Table, Text } from '@mantine/core';
import { IconPlayerPlay } from '@tabler/icons-react';
import { Link } from 'react-router';
import { formatBytes, formatDateTime, formatDuration, formatRelative } from '../../format.js';
import type { Recording } from '../../recordings/recordingsApi.js';
import { TableSkeleton } from '../TableSkeleton.js';
import { TableFrame, useStickyHeader } from '../TableFrame.js';

const minWidth = 900;

/** Seconds the recording covers: to its end, or until now while it is still recording. */
export function recordingSeconds(recording: Recording, now: number = Date.now()): number | null {
  const start = Date.parse(recording.startedAt);
  const end = recording.endedAt ? Date.parse(recording.endedAt) : recording.state === 'recording' ? now : Number.NaN;
  if (Number.isNaN(start) || Number.isNaN(end)) return null;
  return Math.max(0, (end - start) / 1000);
}

export function RecordingStateBadge({ state }: { state: Recording['state'] }) {
  const look = {
    recording: { color: 'red', label: 'Recording' },
    complete: { color: 'teal', label: 'Complete' },
    failed: { color: 'orange', label: 'Cut short' },
  }[state];
  return (
    <Badge color={look.color} variant="light" size="sm" style={{ textTransform: 'none' }} title={state === 'failed' ? 'The recording stopped before the session ended (a console restart or a write error).' : undefined}>
      {look.label}
    </Badge>
  );
}

export function recordingPath(id: string): string {
  return `/recordings/${encodeURIComponent(id)}`;
}

export function RecordingsTable({ recordings, loading, empty }: { recordings: readonly Recording[]; loading: boolean; empty: ReactNode }) {
  const sticky = useStickyHeader(minWidth);
  return (
    <TableFrame minWidth={minWidth}>
      <Table {...sticky} highlightOnHover aria-label="Terminal recordings">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Started</Table.Th>
            <Table.Th>User</Table.Th>
            <Table.Th>Host</Table.Th>
            <Table.Th>Unix user</Table.Th>
            <Table.Th ta="right">Duration</Table.Th>
            <Table.Th ta="right">Size</Table.Th>
            <Table.Th>State</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        {loading ? (
          <TableSkeleton columns={8} />
        ) : (
          <Table.Tbody>
            {recordings.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={8}>{empty}</Table.Td>
              </Table.Tr>
            )}
            {recordings.map((recording) => {
              const seconds = recordingSeconds(recording);
              return (
                <Table.Tr key={recording.id} data-recording-id={recording.id}>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    <Anchor component={Link} to={recordingPath(recording.id)} size="sm" ff="monospace" title={formatRelative(recording.startedAt)}>
                      {formatDateTime(recording.startedAt)}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" className="gh-break">
                      {recording.user}
                    </Text>
                  </Table.Td>
                  <Table.Td maw={200}>
                    {recording.hostId ? (
                      <Anchor component={Link} to={`/hosts/${encodeURIComponent(recording.hostId)}`} size="sm" className="gh-break">
                        {recording.hostName}
                      </Anchor>
                    ) : (
                      <Text size="sm">{recording.hostName}</Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" ff="monospace">
                      {recording.unixUser}
                    </Text>
                  </Table.Td>
                  <Table.Td ta="right" className="gh-num" style={{ whiteSpace: 'nowrap' }}>
                    <Text size="sm">{seconds === null ? '—' : formatDuration(seconds)}</Text>
                  </Table.Td>
                  <Table.Td ta="right" className="gh-num" style={{ whiteSpace: 'nowrap' }}>
                    <Text size="sm">{formatBytes(recording.bytes)}</Text>
                  </Table.Td>
                  <Table.Td>
                    <RecordingStateBadge state={recording.state} />
                  </Table.Td>
                  <Table.Td ta="right">
                    <Button
                      component={Link}
                      to={recordingPath(recording.id)}
                      size="compact-sm"
                      variant="light"
                      leftSection={<IconPlayerPlay size={14} />}
                      aria-label={`Play the recording of ${recording.unixUser}@${recording.hostName} started ${formatDateTime(recording.startedAt)}`}
                    >
                      Play
                    </Button>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        )}
      </Table>
    </TableFrame>
  );
}

/** On a phone: one card per recording, the Play button within reach. */
export function RecordingCards({ recordings, loading, empty }: { recordings: readonly Recording[]; loading: boolean; empty: ReactNode }) {
  if (loading) {
    return (
      <Stack gap="xs" aria-busy="true">
        {[0, 1, 2].map((i) => (
          <Skeleton key={i} height={72} radius="md" />
        ))}
      </Stack>
    );
  }
  if (recordings.length === 0) return <>{empty}</>;
  return (
    <Stack gap="xs">
      {recordings.map((recording) => {
        const seconds = recordingSeconds(recording);
        return (
          <Paper key={recording.id} withBorder radius="md" p="xs" data-recording-id={recording.id}>
            <Group justify="space-between" gap="xs" wrap="nowrap" align="flex-start">
              <Stack gap={2} style={{ minWidth: 0 }}>
                <Text size="sm" ff="monospace" className="gh-truncate">
                  {recording.unixUser}@{recording.hostName}
                </Text>
                <Text size="xs" c="dimmed" className="gh-break">
                  {recording.user} · {formatDateTime(recording.startedAt)}
                </Text>
                <Group gap={6}>
                  <RecordingStateBadge state={recording.state} />
                  <Text size="xs" c="dimmed" className="gh-num">
                    {seconds === null ? '—' : formatDuration(seconds)} · {formatBytes(recording.bytes)}
                  </Text>
                </Group>
              </Stack>
              <Button
                component={Link}
                to={recordingPath(recording.id)}
                size="compact-sm"
                variant="light"
                leftSection={<IconPlayerPlay size={14} />}
                aria-label={`Play the recording of ${recording.unixUser}@${recording.hostName} started ${formatDateTime(recording.startedAt)}`}
                style={{ flexShrink: 0 }}
              >
                Play
              </Button>
            </Group>
          </Paper>
        );
      })}
    </Stack>
  );
}
