/**
 * An alarm's priority and state as chips with words, so neither reads by colour alone. Priority is a solid chip
 * while the alarm needs acknowledging and a quiet outline once someone has it in hand; the state badge is strong
 * only for "Unacknowledged" and "Cleared, unacknowledged".
 */
import { Badge } from '@mantine/core';
import { IconBellRinging, IconClockPause, IconEyeOff, IconLock, IconTool } from '@tabler/icons-react';
import { faultGrade, type Alarm, type AlarmPriority, type AlarmState } from '../../../../modules/kernel/alarm-model.js';
import { needsAcknowledge, priorityLook, stateLook } from './alarmFormat.js';

export function PriorityChip({ priority, strong = true, size = 'sm' }: { priority: AlarmPriority; strong?: boolean; size?: 'xs' | 'sm' | 'md' }) {
  const look = priorityLook[priority];
  return (
    <Badge
      color={look.color}
      variant={strong ? 'filled' : 'outline'}
      size={size}
      radius="sm"
      autoContrast={strong}
      style={{ textTransform: 'none', flexShrink: 0, minWidth: 'max-content' }}
      title={`Priority ${look.label}, fault grade ${faultGrade[priority]}`}
      data-priority={priority}
    >
      {faultGrade[priority]} · {look.label}
    </Badge>
  );
}

const stateIcon: Partial<Record<AlarmState, typeof IconLock>> = {
  unacknowledged: IconBellRinging,
  latched: IconLock,
  shelved: IconClockPause,
  suppressed: IconEyeOff,
  'out-of-service': IconTool,
};

export function StateBadge({ state, size = 'sm' }: { state: AlarmState; size?: 'xs' | 'sm' | 'md' }) {
  const look = stateLook[state];
  const Icon = stateIcon[state];
  const strong = needsAcknowledge({ state });
  return (
    <Badge
      color={look.color}
      variant={state === 'unacknowledged' ? 'filled' : strong ? 'outline' : 'light'}
      size={size}
      radius="sm"
      style={{ textTransform: 'none', flexShrink: 0, minWidth: 'max-content' }}
      leftSection={Icon ? <Icon size={12} aria-hidden /> : undefined}
      data-state={state}
    >
      {look.label}
    </Badge>
  );
}

/** Solid while the alarm waits for someone; quiet once it has been acknowledged or is held. */
export function AlarmPriorityChip({ alarm, size }: { alarm: Pick<Alarm, 'priority' | 'state'>; size?: 'xs' | 'sm' | 'md' }) {
  return <PriorityChip priority={alarm.priority} strong={needsAcknowledge(alarm)} size={size} />;
}
