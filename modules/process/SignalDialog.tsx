import { Alert, Button, Code, Group, Modal, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import type { ProcessInfo } from './contract.js';
import { commandText } from './ProcessRow.js';
import { signalInfo, type SignalName } from './processLabels.js';

export interface SignalRequest {
  process: ProcessInfo;
  signal: SignalName;
}

/** Ask before sending a signal: which process, what the signal does, KILL in red. */
export function SignalDialog({
  request,
  sending,
  onConfirm,
  onClose,
}: {
  request: SignalRequest | null;
  sending: boolean;
  onConfirm: (request: SignalRequest) => void;
  onClose: () => void;
}) {
  const info = request ? signalInfo[request.signal] : null;
  return (
    <Modal
      opened={request !== null}
      onClose={onClose}
      title={request ? `Send ${request.signal} to PID ${request.process.pid}?` : ''}
      size="md"
    >
      {request && info && (
        <Stack gap="sm">
          <div>
            <Text size="xs" c="dimmed" fw={600} tt="uppercase">
              Process
            </Text>
            <Code block fz="xs" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all', maxHeight: 120, overflow: 'auto' }}>
              {commandText(request.process)}
            </Code>
            <Text size="xs" c="dimmed" mt={4}>
              PID {request.process.pid} · user {request.process.user}
            </Text>
          </div>
          {info.dangerous ? (
            <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} p="xs">
              {info.description}
            </Alert>
          ) : (
            <Text size="sm">{info.description}</Text>
          )}
          <Group justify="flex-end" mt="xs">
            <Button variant="default" onClick={onClose} disabled={sending}>
              Cancel
            </Button>
            <Button color={info.dangerous ? 'red' : undefined} loading={sending} onClick={() => onConfirm(request)} data-autofocus>
              Send {request.signal}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
