/**
 * Shelving an alarm: a reason (required, it is the first thing the next shift asks) and a duration within the
 * rule's maximum, or until the condition clears (still at most the maximum). The console checks both again.
 */
import { useState } from 'react';
import { Button, Group, Modal, Radio, Stack, Text, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { usePhone } from '../hooks/usePhone.js';
import type { Alarm } from '../../../../modules/kernel/alarm-model.js';
import { ActionError } from './ActionError.js';
import { shelveChoices, shelveLimitText, type ShelveChoice } from './alarmFormat.js';
import { useShelve, type ShelveDuration } from './alarmsApi.js';

function duration(choice: ShelveChoice['value']): ShelveDuration {
  return choice === 'one-shot' ? { oneShot: true } : { minutes: choice };
}

export function ShelveDialog({ alarm, maxShelveMinutes, onClose }: { alarm: Alarm; maxShelveMinutes: number; onClose: () => void }) {
  const phone = usePhone();
  const choices = shelveChoices(maxShelveMinutes);
  const [choice, setChoice] = useState<string>(String(choices.find((c) => c.value === 60)?.value ?? choices[0]?.value ?? ''));
  const [reason, setReason] = useState('');
  const shelve = useShelve();
  const picked = choices.find((c) => String(c.value) === choice);
  const reasonOk = reason.trim().length > 0;

  const submit = () => {
    if (!picked || !reasonOk) return;
    shelve.mutate(
      { alarmId: alarm.id, reason: reason.trim(), duration: duration(picked.value) },
      {
        onSuccess: () => {
          notifications.show({ color: 'gray', message: `Shelved ${picked.value === 'one-shot' ? 'until it clears' : `for ${picked.label}`}: ${alarm.message}` });
          onClose();
        },
      },
    );
  };

  return (
    <Modal opened onClose={onClose} title={<Text fw={650}>Shelve alarm</Text>} size="lg" fullScreen={phone} centered>
      <Stack gap="md">
        <div>
          <Text size="sm">{alarm.message}</Text>
          <Text size="xs" c="dimmed">
            A shelved alarm pages nobody and stays out of the way until the time is up; then it comes back if its
            condition is still there.
          </Text>
        </div>
        {choices.length === 0 ? (
          <Text size="sm" c="dimmed">
            This alarm’s rule does not allow shelving. An engineer may take it out of service instead.
          </Text>
        ) : (
          <>
            <Radio.Group label="Duration" description={shelveLimitText(maxShelveMinutes)} value={choice} onChange={setChoice}>
              <Group gap="md" mt={6}>
                {choices.map((c) => (
                  <Radio key={String(c.value)} value={String(c.value)} label={c.label} />
                ))}
              </Group>
            </Radio.Group>
            <Textarea
              label="Reason"
              required
              autosize
              minRows={2}
              maxLength={1000}
              value={reason}
              onChange={(event) => setReason(event.currentTarget.value)}
              data-autofocus
            />
          </>
        )}
        {shelve.isError && <ActionError error={shelve.error} title="Not shelved" />}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          {choices.length > 0 && (
            <Button loading={shelve.isPending} disabled={!reasonOk || !picked} onClick={submit}>
              Shelve
            </Button>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}
