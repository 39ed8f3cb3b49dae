import { Alert, Button, Code, Group, Modal, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import type { ServiceUnit, UnitAction } from './contract.js';
import { actionInfo } from './unitLabels.js';

export interface UnitActionRequest {
  unit: Pick<ServiceUnit, 'name' | 'description'>;
  action: UnitAction;
}

/** Ask before an action that takes something away (stop, mask): which unit, and what will happen. */
export function UnitActionDialog({
  request,
  busy,
  onConfirm,
  onClose,
}: {
  request: UnitActionRequest | null;
  busy: boolean;
  onConfirm: (request: UnitActionRequest) => void;
  onClose: () => void;
}) {
  const info = request ? actionInfo[request.action] : null;
  return (
    <Modal opened={request !== null} onClose={onClose} title={request && info ? `${info.label} ${request.unit.name}?` : ''} size="md">
      {request && info && (
        <Stack gap="sm">
          <div>
            <Code fz="sm">{request.unit.name}</Code>
            {request.unit.description && (
              <Text size="sm" c="dimmed" mt={4}>
                {request.unit.description}
              </Text>
            )}
          </div>
          <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />} p="xs">
            {info.description}
          </Alert>
          <Group justify="flex-end" mt="xs">
            <Button variant="default" onClick={onClose} disabled={busy}>
              Cancel
            </Button>
            <Button color="red" loading={busy} onClick={() => onConfirm(request)} data-autofocus>
              {info.label} {request.unit.name}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
