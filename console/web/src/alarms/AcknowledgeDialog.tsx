/**
 * Acknowledging one alarm or several, with a comment (optional, but asked for: it is what the next shift reads).
 * Acknowledging several is alarm by alarm on the console; those it refused are listed here with their codes.
 */
import { useState } from 'react';
import { Alert, Button, Code, Group, List, Modal, Stack, Text, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { usePhone } from '../hooks/usePhone.js';
import type { Alarm } from '../../../../modules/kernel/alarm-model.js';
import { ActionError } from './ActionError.js';
import { optionalComment, useAcknowledge, useAcknowledgeMany, type AcknowledgeManyResult } from './alarmsApi.js';

function Refused({ result, alarms }: { result: AcknowledgeManyResult; alarms: readonly Alarm[] }) {
  const messages = new Map(alarms.map((a) => [a.id, a.message]));
  return (
    <Alert color="orange" variant="light" title={`${result.refused.length} not acknowledged`} role="alert">
      {result.acknowledged.length > 0 && <Text size="sm">{result.acknowledged.length} acknowledged; these were refused:</Text>}
      <List size="sm" mt={4} spacing={2}>
        {result.refused.map((r) => (
          <List.Item key={r.id}>
            {messages.get(r.id) ?? r.id}:{' '}
            <Code color="orange.1" fz="xs">
              {r.code}
            </Code>{' '}
            {r.message}
          </List.Item>
        ))}
      </List>
    </Alert>
  );
}

export function AcknowledgeDialog({ alarms, onClose, onDone }: { alarms: readonly Alarm[]; onClose: () => void; onDone?: (acknowledged: string[]) => void }) {
  const phone = usePhone();
  const [comment, setComment] = useState('');
  const one = useAcknowledge();
  const many = useAcknowledgeMany();
  const single = alarms.length === 1 ? alarms[0] : undefined;
  const pending = one.isPending || many.isPending;
  const error = one.error ?? many.error;
  const refused = many.data && many.data.refused.length > 0 ? many.data : undefined;

  const submit = () => {
    const text = optionalComment(comment);
    if (single) {
      one.mutate(
        { alarmId: single.id, comment: text },
        {
          onSuccess: () => {
            notifications.show({ color: 'teal', message: `Acknowledged: ${single.message}` });
            onDone?.([single.id]);
            onClose();
          },
        },
      );
      return;
    }
    many.mutate(
      { ids: alarms.map((a) => a.id), comment: text },
      {
        onSuccess: (result) => {
          onDone?.(result.acknowledged);
          if (result.refused.length > 0) return;
          notifications.show({ color: 'teal', message: `${result.acknowledged.length} alarms acknowledged.` });
          onClose();
        },
      },
    );
  };

  const title = single ? 'Acknowledge alarm' : `Acknowledge ${alarms.length} alarms`;
  return (
    <Modal opened onClose={onClose} title={<Text fw={650}>{title}</Text>} size="lg" fullScreen={phone} centered>
      <Stack gap="md">
        {single ? (
          <Text size="sm">{single.message}</Text>
        ) : (
          <List size="sm" spacing={2} aria-label="Alarms to acknowledge" style={{ maxHeight: 200, overflowY: 'auto' }}>
            {alarms.map((a) => (
              <List.Item key={a.id}>{a.message}</List.Item>
            ))}
          </List>
        )}
        {!refused && (
          <Textarea
            label="Comment"
            description="What you found or did; the next shift reads it in the alarm's history."
            autosize
            minRows={2}
            maxLength={1000}
            value={comment}
            onChange={(event) => setComment(event.currentTarget.value)}
            data-autofocus
          />
        )}
        {error && <ActionError error={error} title="Not acknowledged" />}
        {refused && <Refused result={refused} alarms={alarms} />}
        <Group justify="flex-end" gap="sm">
          {refused ? (
            <Button onClick={onClose}>Close</Button>
          ) : (
            <>
              <Button variant="default" onClick={onClose}>
                Cancel
              </Button>
              <Button loading={pending} onClick={submit}>
                {single ? 'Acknowledge' : `Acknowledge ${alarms.length}`}
              </Button>
            </>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}
