/** Unshelve, reset a latched alarm, return to service: one confirming step with an optional comment. */
import { useState } from 'react';
import { Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { usePhone } from '../hooks/usePhone.js';
import type { Alarm } from '../../../../modules/kernel/alarm-model.js';
import { ActionError } from './ActionError.js';
import { optionalComment, useCommentAction, type CommentAction } from './alarmsApi.js';

const wording: Record<CommentAction, { title: string; button: string; done: string; explain: string }> = {
  unshelve: {
    title: 'Unshelve alarm',
    button: 'Unshelve',
    done: 'Unshelved',
    explain: 'The alarm comes back at once: if its condition is still there it is raised again and people are told.',
  },
  reset: {
    title: 'Reset latched alarm',
    button: 'Reset',
    done: 'Reset',
    explain: 'The condition has cleared. Resetting closes the alarm; it is raised again if the condition returns.',
  },
  'return-to-service': {
    title: 'Return to service',
    button: 'Return to service',
    done: 'Returned to service',
    explain: 'The alarm is evaluated at once: if its condition is there it is raised again and people are told.',
  },
};

export function CommentActionDialog({ action, alarm, onClose }: { action: CommentAction; alarm: Alarm; onClose: () => void }) {
  const phone = usePhone();
  const [comment, setComment] = useState('');
  const mutation = useCommentAction(action);
  const words = wording[action];

  const submit = () =>
    mutation.mutate(
      { alarmId: alarm.id, comment: optionalComment(comment) },
      {
        onSuccess: () => {
          notifications.show({ color: 'teal', message: `${words.done}: ${alarm.message}` });
          onClose();
        },
      },
    );

  return (
    <Modal opened onClose={onClose} title={<Text fw={650}>{words.title}</Text>} size="lg" fullScreen={phone} centered>
      <Stack gap="md">
        <div>
          <Text size="sm">{alarm.message}</Text>
          <Text size="xs" c="dimmed">
            {words.explain}
          </Text>
        </div>
        <Textarea
          label="Comment"
          autosize
          minRows={2}
          maxLength={1000}
          value={comment}
          onChange={(event) => setComment(event.currentTarget.value)}
          data-autofocus
        />
        {mutation.isError && <ActionError error={mutation.error} title={`Not done: ${words.button.toLowerCase()}`} />}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button loading={mutation.isPending} onClick={submit}>
            {words.button}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
