import { Button, Group, Modal, Stack, Table, Text } from '@mantine/core';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { RelativeTime } from '../components/RelativeTime.js';
import { ChangeBadge, kindColor } from './ChangeTable.js';
import { categoryLabel, categoryOrder, categoryState, countOf, countsOf, type DriftReport } from './driftApi.js';

/**
 * Ask before approving: what becomes the baseline, category by category, from the very report on screen (its
 * digest is what the console checks the host against).
 */
export function ApproveDialog({
  report,
  hostName,
  username,
  approving,
  error,
  onConfirm,
  onClose,
}: {
  report: DriftReport | null;
  hostName: string;
  username: string;
  approving: boolean;
  error: unknown;
  onConfirm: (report: DriftReport) => void;
  onClose: () => void;
}) {
  const first = report?.baseline === null;
  return (
    <Modal
      opened={report !== null}
      onClose={approving ? () => {} : onClose}
      title={<Text fw={700}>{first ? `Approve the current state of ${hostName}?` : `Approve the changes on ${hostName}?`}</Text>}
      size="lg"
    >
      {report && (
        <Stack gap="sm" data-approve-dialog>
          <Text size="sm">
            {first ? (
              <>
                The state read <RelativeTime iso={report.current.collectedAt} inherit /> becomes this host’s baseline. From
                then on, anything that differs from it is shown here as a change.
              </>
            ) : (
              <>
                The state read <RelativeTime iso={report.current.collectedAt} inherit /> replaces the baseline approved by{' '}
                {report.baseline?.approvedBy}. These changes stop being reported:
              </>
            )}
          </Text>
          <Table verticalSpacing={5} withTableBorder>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Category</Table.Th>
                <Table.Th>{first ? 'Approved as' : 'Changes approved'}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {categoryOrder.map((category) => {
                const state = categoryState(report, category);
                const counts = state.kind === 'compared' ? countsOf(state.drift) : null;
                return (
                  <Table.Tr key={category}>
                    <Table.Td>
                      <Text size="sm" fw={500}>
                        {categoryLabel[category]}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      {counts && (state.kind === 'compared' && state.changes > 0) ? (
                        <Group gap={6}>
                          {(['added', 'removed', 'changed'] as const)
                            .filter((kind) => counts[kind] > 0)
                            .map((kind) => (
                              <Text key={kind} size="sm" c={`var(--mantine-color-${kindColor[kind]}-text)`} fw={600} className="gh-num">
                                {counts[kind]} {kind}
                              </Text>
                            ))}
                        </Group>
                      ) : state.kind === 'compared' ? (
                        <Text size="sm" c="dimmed">
                          no changes
                        </Text>
                      ) : state.kind === 'unavailable' ? (
                        <Text size="sm" c="var(--mantine-color-red-text)">
                          cannot be read
                        </Text>
                      ) : (
                        <Group gap={6}>
                          {state.kind === 'new-category' && <ChangeBadge kind="added" />}
                          <Text size="sm" className="gh-num">
                            {countOf(category, Object.keys(state.items).length)}
                          </Text>
                        </Group>
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
          <Text size="xs" c="dimmed">
            Approved as {username} and recorded in the audit log. If the host changes before you confirm, nothing is
            approved and the new state is shown instead.
          </Text>
          {error !== null && error !== undefined && <ErrorAlert error={error} title="Could not approve" />}
          <Group justify="flex-end" mt="xs">
            <Button variant="default" onClick={onClose} disabled={approving}>
              Cancel
            </Button>
            <Button loading={approving} onClick={() => onConfirm(report)} data-autofocus>
              {first ? 'Approve as baseline' : report.changes === 0 ? 'Approve current state' : `Approve ${report.changes === 1 ? '1 change' : `${report.changes} changes`}`}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
