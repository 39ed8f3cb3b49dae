/**
 * The buttons for what may be done to an alarm in its state, by this user: acknowledge, shelve or unshelve,
 * reset a latched alarm (`alarm.acknowledge`); remove from or return to service (`alarm.manage`). Nothing else
 * is offered; the console checks again.
 */
import { useState } from 'react';
import { Button, Group } from '@mantine/core';
import { IconCheck, IconClockPause, IconClockPlay, IconRefresh, IconTool, IconToolsOff } from '@tabler/icons-react';
import { useUser } from '../session.js';
import type { Alarm } from '../../../../modules/kernel/alarm-model.js';
import type { AlarmRule } from '../../../../modules/kernel/alarm-rules.js';
import { AcknowledgeDialog } from './AcknowledgeDialog.js';
import { alarmPermissions, type CommentAction } from './alarmsApi.js';
import { needsAcknowledge } from './alarmFormat.js';
import { CommentActionDialog } from './CommentActionDialog.js';
import { RemoveFromServiceDialog } from './RemoveFromServiceDialog.js';
import { ShelveDialog } from './ShelveDialog.js';

type Open = 'acknowledge' | 'shelve' | 'remove-from-service' | CommentAction | null;

export function AlarmActions({ alarm, rule }: { alarm: Alarm; rule: AlarmRule | undefined }) {
  const may = alarmPermissions(useUser());
  const [open, setOpen] = useState<Open>(null);
  const close = () => setOpen(null);
  const { state } = alarm;
  const maxShelve = rule?.maxShelveMinutes ?? 0;

  const canAcknowledge = may.acknowledge && needsAcknowledge(alarm);
  const canShelve = may.acknowledge && rule !== undefined && maxShelve > 0 && state !== 'shelved' && state !== 'out-of-service' && state !== 'normal';
  const canUnshelve = may.acknowledge && state === 'shelved';
  const canReset = may.acknowledge && state === 'latched';
  const canRemove = may.manage && state !== 'out-of-service';
  const canReturn = may.manage && state === 'out-of-service';
  if (!(canAcknowledge || canShelve || canUnshelve || canReset || canRemove || canReturn)) return null;

  return (
    <>
      <Group gap="xs" wrap="wrap" aria-label="Alarm actions" role="group">
        {canAcknowledge && (
          <Button size="sm" leftSection={<IconCheck size={16} />} onClick={() => setOpen('acknowledge')}>
            Acknowledge
          </Button>
        )}
        {canReset && (
          <Button size="sm" leftSection={<IconRefresh size={16} />} onClick={() => setOpen('reset')}>
            Reset
          </Button>
        )}
        {canShelve && (
          <Button size="sm" variant="default" leftSection={<IconClockPause size={16} />} onClick={() => setOpen('shelve')}>
            Shelve
          </Button>
        )}
        {canUnshelve && (
          <Button size="sm" variant="default" leftSection={<IconClockPlay size={16} />} onClick={() => setOpen('unshelve')}>
            Unshelve
          </Button>
        )}
        {canRemove && (
          <Button size="sm" variant="subtle" color="gray" leftSection={<IconTool size={16} />} onClick={() => setOpen('remove-from-service')}>
            Remove from service
          </Button>
        )}
        {canReturn && (
          <Button size="sm" variant="default" leftSection={<IconToolsOff size={16} />} onClick={() => setOpen('return-to-service')}>
            Return to service
          </Button>
        )}
      </Group>
      {open === 'acknowledge' && <AcknowledgeDialog alarms={[alarm]} onClose={close} />}
      {open === 'shelve' && <ShelveDialog alarm={alarm} maxShelveMinutes={maxShelve} onClose={close} />}
      {open === 'remove-from-service' && <RemoveFromServiceDialog alarm={alarm} onClose={close} />}
      {(open === 'unshelve' || open === 'reset' || open === 'return-to-service') && <CommentActionDialog action={open} alarm={alarm} onClose={close} />}
    </>
  );
}
