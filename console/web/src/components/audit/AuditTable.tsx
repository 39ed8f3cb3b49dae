import type { ReactNode } from 'react';
import { Anchor, Badge, Table, Text, Tooltip } from '@mantine/core';
import { Link } from 'react-router';
import { formatDateTime, formatRelative, shorten } from '../../format.js';
import type { AuditEntry } from '../../types.js';
import { TableSkeleton } from '../TableSkeleton.js';
import { TableFrame, useStickyHeader } from '../TableFrame.js';

export function AuditResultBadge({ result, phase }: { result: string; phase: string }) {
  // A request that went through has no outcome of its own yet; its `completed` entry carries it.
  if (phase === 'requested' && result === 'ok') {
    return (
      <Text size="sm" c="dimmed" aria-label="no result yet">
        —
      </Text>
    );
  }
  return result === 'ok' ? (
    <Badge color="teal" variant="light" size="sm" style={{ textTransform: 'none' }}>
      ok
    </Badge>
  ) : (
    <Badge color="red" variant="light" size="sm" style={{ textTransform: 'none' }}>
      {result}
    </Badge>
  );
}

function AuditRow({ entry, fresh }: { entry: AuditEntry; fresh: boolean }) {
  return (
    <Table.Tr data-audit-id={entry.id} bg={fresh ? 'var(--mantine-color-indigo-light)' : undefined}>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>
        <Text size="sm" ff="monospace" component="time" dateTime={entry.at} title={formatRelative(entry.at)}>
          {formatDateTime(entry.at)}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm" className="gh-break">
          {entry.user}
        </Text>
      </Table.Td>
      <Table.Td maw={180}>
        {entry.hostId ? (
          <Anchor component={Link} to={`/hosts/${encodeURIComponent(entry.hostId)}`} size="sm" className="gh-break">
            {entry.hostName ?? entry.hostId}
          </Anchor>
        ) : (
          <Text size="sm" c="dimmed">
            —
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Text size="sm" ff="monospace" style={{ whiteSpace: 'nowrap' }}>
          {entry.action}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm" c="dimmed">
          {entry.phase}
        </Text>
      </Table.Td>
      <Table.Td>
        <AuditResultBadge result={entry.result} phase={entry.phase} />
      </Table.Td>
      <Table.Td>
        {entry.paramsDigest ? (
          <Tooltip label={entry.paramsDigest} maw={360} multiline style={{ wordBreak: 'break-all' }}>
            <Text size="xs" ff="monospace" c="dimmed" tabIndex={0} aria-label={`Parameters digest ${entry.paramsDigest}`}>
              {shorten(entry.paramsDigest, 12)}
            </Text>
          </Tooltip>
        ) : (
          <Text size="sm" c="dimmed">
            —
          </Text>
        )}
      </Table.Td>
      <Table.Td maw={380}>
        <Text size="sm" className="gh-break" lineClamp={3} title={entry.detail ?? undefined}>
          {entry.detail ?? ''}
        </Text>
      </Table.Td>
    </Table.Tr>
  );
}

export function AuditTable({
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
  const minWidth = 1050;
  const sticky = useStickyHeader(minWidth);
  return (
    <TableFrame minWidth={minWidth}>
      <Table striped highlightOnHover {...sticky} verticalSpacing={6} aria-label="Audit log">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Time</Table.Th>
            <Table.Th>User</Table.Th>
            <Table.Th>Host</Table.Th>
            <Table.Th>Action</Table.Th>
            <Table.Th>Phase</Table.Th>
            <Table.Th>Result</Table.Th>
            <Table.Th>Params</Table.Th>
            <Table.Th>Detail</Table.Th>
          </Table.Tr>
        </Table.Thead>
        {loading ? (
          <TableSkeleton columns={8} rows={8} />
        ) : (
          <Table.Tbody>
            {entries.map((entry) => (
              <AuditRow key={entry.id} entry={entry} fresh={freshIds.has(entry.id)} />
            ))}
            {entries.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={8}>{empty}</Table.Td>
              </Table.Tr>
            )}
          </Table.Tbody>
        )}
      </Table>
    </TableFrame>
  );
}
