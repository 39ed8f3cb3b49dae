/**
 * Every attempt to tell someone about the alarm, oldest first, with its outcome: whether the page reached the
 * on-call phone, and if not, why (`HTTP 503`, `ECONNREFUSED`) and when the next try is due.
 */
import { Badge, Group, Paper, Stack, Table, Text } from '@mantine/core';
import { usePhone } from '../hooks/usePhone.js';
import type { DeliveryAttemptView } from '../../../../modules/kernel/alarm-api.js';
import { formatDateTime } from '../format.js';
import { attemptStatusLook } from './alarmFormat.js';

function at(ms: number): string {
  return formatDateTime(new Date(ms).toISOString());
}

function StatusBadge({ status }: { status: DeliveryAttemptView['status'] }) {
  const look = attemptStatusLook[status];
  return (
    <Badge color={look.color} variant="light" size="sm" style={{ textTransform: 'none' }} styles={{ label: { overflow: 'visible' } }}>
      {look.label}
    </Badge>
  );
}

/** On a phone: one small block per attempt instead of a table wider than the screen. */
function AttemptCards({ attempts }: { attempts: readonly DeliveryAttemptView[] }) {
  return (
    <Stack gap={6} aria-label="Notification attempts" role="list">
      {attempts.map((a) => (
        <Paper key={`${a.notificationId}-${a.attempt}`} withBorder p={8} role="listitem" data-status={a.status}>
          <Group justify="space-between" gap="xs" wrap="nowrap">
            <Text size="sm" className="gh-break">
              {a.recipient} · {a.channel}
            </Text>
            <StatusBadge status={a.status} />
          </Group>
          <Text size="xs" c="dimmed" className="gh-num">
            {at(a.at)} · {a.event} · attempt {a.attempt}
          </Text>
          <Text size="xs" className="gh-break">
            {a.detail}
            {a.nextAttemptAt !== null ? ` · next try ${at(a.nextAttemptAt)}` : ''}
          </Text>
        </Paper>
      ))}
    </Stack>
  );
}

export function NotificationAttempts({ attempts }: { attempts: readonly DeliveryAttemptView[] }) {
  const phone = usePhone();
  if (attempts.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        Nobody has been notified about this alarm.
      </Text>
    );
  }
  if (phone) return <AttemptCards attempts={attempts} />;
  return (
    <Table.ScrollContainer minWidth={640} type="native">
      <Table verticalSpacing={4} fz="sm" aria-label="Notification attempts">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Time</Table.Th>
            <Table.Th>Recipient</Table.Th>
            <Table.Th>Channel</Table.Th>
            <Table.Th>Event</Table.Th>
            <Table.Th>Attempt</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Detail</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {attempts.map((a) => (
              <Table.Tr key={`${a.notificationId}-${a.attempt}`} data-status={a.status}>
                <Table.Td className="gh-num" style={{ whiteSpace: 'nowrap' }}>
                  {at(a.at)}
                </Table.Td>
                <Table.Td className="gh-break">{a.recipient}</Table.Td>
                <Table.Td>{a.channel}</Table.Td>
                <Table.Td>{a.event}</Table.Td>
                <Table.Td className="gh-num">{a.attempt}</Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  <StatusBadge status={a.status} />
                </Table.Td>
                <Table.Td className="gh-break">
                  {a.detail}
                  {a.nextAttemptAt !== null && (
                    <Text size="xs" c="dimmed">
                      next try {at(a.nextAttemptAt)}
                    </Text>
                  )}
                </Table.Td>
              </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
