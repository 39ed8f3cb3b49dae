/**
 * Upcoming or past windows: a table on a desk, cards on a phone. Upcoming ones can be cancelled by those who
 * manage alarms; past ones are a record.
 */
import { Button, Card, Group, Stack, Table, Text } from '@mantine/core';
import { TableFrame } from '../../components/TableFrame.js';
import { formatDateTime, formatDuration, formatRelative } from '../../format.js';
import { usePhone } from '../../hooks/usePhone.js';
import { ScopeLabel, type ScopeNames } from './ScopeLabel.js';
import type { MaintenanceWindow } from './maintenanceApi.js';

interface WindowListProps {
  windows: MaintenanceWindow[];
  now: number;
  names: ScopeNames;
  kind: 'upcoming' | 'past';
  /** Cancel an upcoming window; absent for users who may not. */
  onEnd?: (window: MaintenanceWindow) => void;
  endingId: string | null;
}

const lasted = (w: MaintenanceWindow) => formatDuration((Date.parse(w.to) - Date.parse(w.from)) / 1000);

function When({ window, now, kind }: { window: MaintenanceWindow; now: number; kind: WindowListProps['kind'] }) {
  return (
    <Stack gap={0}>
      <Text size="sm" className="gh-num" style={{ whiteSpace: 'nowrap' }}>
        {formatDateTime(window.from)} → {formatDateTime(window.to)}
      </Text>
      <Text size="xs" c="dimmed">
        {lasted(window)}
        {kind === 'upcoming' ? `, starts ${formatRelative(window.from, now)}` : `, ended ${formatRelative(window.to, now)}`}
      </Text>
    </Stack>
  );
}

function Reason({ window }: { window: MaintenanceWindow }) {
  return (
    <Text size="sm" style={{ overflowWrap: 'anywhere', whiteSpace: 'pre-wrap' }} lineClamp={3} title={window.reason}>
      {window.reason}
    </Text>
  );
}

function CancelButton({ window, onEnd, endingId }: { window: MaintenanceWindow; onEnd: (w: MaintenanceWindow) => void; endingId: string | null }) {
  return (
    <Button size="xs" variant="default" color="red" onClick={() => onEnd(window)} loading={endingId === window.id}>
      Cancel
    </Button>
  );
}

export function WindowList({ windows, now, names, kind, onEnd, endingId }: WindowListProps) {
  const phone = usePhone();
  const cancellable = kind === 'upcoming' && onEnd !== undefined;

  if (phone) {
    return (
      <Stack gap="sm">
        {windows.map((window) => (
          <Card key={window.id} withBorder radius="md" padding="sm" data-window-id={window.id}>
            <Group justify="space-between" align="flex-start" wrap="nowrap" gap="xs">
              <ScopeLabel scope={window.scope} names={names} />
              {cancellable && <CancelButton window={window} onEnd={onEnd} endingId={endingId} />}
            </Group>
            <Stack gap={4} mt="xs">
              <When window={window} now={now} kind={kind} />
              <Reason window={window} />
              <Text size="xs" c="dimmed">
                By {window.createdBy}
              </Text>
            </Stack>
          </Card>
        ))}
      </Stack>
    );
  }

  return (
    <Card withBorder radius="md" padding={0}>
      <TableFrame minWidth={760}>
        <Table verticalSpacing="sm" highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Scope</Table.Th>
              <Table.Th>When</Table.Th>
              <Table.Th>Reason</Table.Th>
              <Table.Th>By</Table.Th>
              {cancellable && <Table.Th aria-label="Actions" />}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {windows.map((window) => (
              <Table.Tr key={window.id} data-window-id={window.id}>
                <Table.Td>
                  <ScopeLabel scope={window.scope} names={names} />
                </Table.Td>
                <Table.Td>
                  <When window={window} now={now} kind={kind} />
                </Table.Td>
                <Table.Td maw={360}>
                  <Reason window={window} />
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{window.createdBy}</Text>
                </Table.Td>
                {cancellable && (
                  <Table.Td ta="right">
                    <CancelButton window={window} onEnd={onEnd} endingId={endingId} />
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </TableFrame>
    </Card>
  );
}
