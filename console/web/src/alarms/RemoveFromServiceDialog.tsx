/**
 * Taking an alarm out of service (a broken sensor, works on the plant): it pages nobody until someone returns it.
 * Unlike a shelve it has no end by itself, so the reason is required and the dialog says so plainly.
 */
import { useState } from 'react';
import { Alert, Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { IconTool } from '@tabler/icons-react';
import { notifications } from '@mantine/notifications';
import { usePhone } from '../hooks/usePhone.js';
import type { Alarm } from '../../../../modules/kernel/alarm-model.js';
import { ActionError } from './ActionError.js';
import { useRemoveFromService } from './alarmsApi.js';

export function RemoveFromServiceDialog({ alarm, onClose }: { alarm: Alarm; onClose: () => void }) {
  const phone = usePhone();
  const [reason, setReason] = useState('');
  const remove = useRemoveFromService();
  const reasonOk = reason.trim().length > 0;

  const submit = () =>
    remove.mutate(
      { alarmId: alarm.id, reason: reason.trim() },
      {
        onSuccess: () => {
          notifications.show({ color: 'gray', message: `Out of service: ${alarm.message}` });
          onClose();
        },
      },
    );

  return (
    <Modal opened onClose={onClose} title={<Text fw={650}>Remove from service</Text>} size="lg" fullScreen={phone} centered>
      <Stack gap="md">
        <Text size="sm">{alarm.message}</Text>
        <Alert color="gray" variant="light" icon={<IconTool size={18} />}>
          Until someone returns it to service, this alarm is recorded but nobody is told when its condition comes
          back. It does not end by itself.
        </Alert>
        <Textarea
          label="Reason"
          description="For example the work order or the faulty instrument."
          required
          autosize
          minRows={2}
          maxLength={1000}
          value={reason}
          onChange={(event) => setReason(event.currentTarget.value)}
          data-autofocus
        />
        {remove.isError && <ActionError error={remove.error} title="Not removed from service" />}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button color="orange" loading={remove.isPending} disabled={!reasonOk} onClick={submit}>
            Remove from service
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
