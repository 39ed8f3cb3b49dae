import type { ReactNode } from 'react';
import { Anchor, Group, Paper, Skeleton, Stack, Text } from '@mantine/core';
import { Link } from 'react-router';
import { formatDateTime } from '../../format.js';
import type { AuditEntry } from '../../types.js';
import { AuditResultBadge } from './AuditTable.js';

/** The audit log on a phone: one card per entry, the action and its outcome first. */
export function AuditCardList({
  entries,
  loading,
  freshIds,
  empty,
}: {
  entries: AuditEntry[];
  loading: boolean;
  freshIds: ReadonlySet<number>;
  empty: ReactNode;
}) {
  if (loading) {
    return (
      <Stack gap="xs" aria-busy="true">
        {[0, 1, 2, 3].map((i) => (
          <Skeleton key={i} height={64} radius="sm" />
        ))}
      </Stack>
    );
  }
  if (entries.length === 0) return <>{empty}</>;
  return (
    <Stack gap={6} aria-label="Audit log">
      {entries.map((entry) => (
        <Paper
          key={entry.id}
          withBorder
          radius="sm"
          px="sm"
          py={6}
          data-audit-id={entry.id}
          bg={freshIds.has(entry.id) ? 'var(--mantine-color-indigo-light)' : undefined}
        >
          <Group justify="space-between" wrap="nowrap" gap="xs">
            <Text size="sm" ff="monospace" fw={600} className="gh-break">
              {entry.action}
              <Text span size="xs" c="dimmed" ff="body" fw={400}>
                {' '}
                {entry.phase}
              </Text>
            </Text>
            <AuditResultBadge result={entry.result} phase={entry.phase} />
          </Group>
          <Text size="xs" c="dimmed" className="gh-break">
            <time dateTime={entry.at}>{formatDateTime(entry.at)}</time> · {entry.user}
            {entry.hostId && (
              <>
                {' · '}
                <Anchor component={Link} to={`/hosts/${encodeURIComponent(entry.hostId)}`} size="xs">
                  {entry.hostName ?? entry.hostId}
                </Anchor>
              </>
            )}
          </Text>
          {entry.detail && (
            <Text size="xs" className="gh-break" mt={2}>
              {entry.detail}
            </Text>
          )}
        </Paper>
      ))}
    </Stack>
  );
}
