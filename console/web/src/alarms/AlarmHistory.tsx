/** An alarm's transitions, newest first: when, from → to, why, who, what they wrote, and the value at the time. */
import { Group, Text, Timeline } from '@mantine/core';
import { IconArrowRight } from '@tabler/icons-react';
import type { AlarmTransition } from '../../../../modules/kernel/alarm-model.js';
import { formatDateTime } from '../format.js';
import { causeText, formatAlarmValue, stateLook } from './alarmFormat.js';

/** Operator actions stand out from condition changes: a person did something. */
const operatorCauses = new Set<AlarmTransition['cause']>(['acknowledge', 'shelve', 'unshelve', 'remove-from-service', 'return-to-service', 'reset']);

export function AlarmHistory({ history }: { history: readonly AlarmTransition[] }) {
  if (history.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        No transitions recorded.
      </Text>
    );
  }
  const newestFirst = [...history].reverse();
  return (
    <Timeline bulletSize={12} lineWidth={2} active={-1} aria-label="Alarm history">
      {newestFirst.map((t, index) => (
        <Timeline.Item
          key={`${t.at}-${index}`}
          color={operatorCauses.has(t.cause) ? 'indigo' : 'gray'}
          title={
            <Group gap={6} wrap="wrap">
              <Text size="sm" fw={600}>
                {causeText[t.cause]}
              </Text>
              {t.user && (
                <Text size="sm" c="dimmed">
                  by {t.user}
                </Text>
              )}
            </Group>
          }
          data-cause={t.cause}
        >
          <Text size="xs" c="dimmed" className="gh-num" component="time" dateTime={t.at}>
            {formatDateTime(t.at)}
          </Text>
          <Group gap={4} wrap="wrap">
            <Text size="xs">{stateLook[t.from].label}</Text>
            <IconArrowRight size={12} aria-label="to" />
            <Text size="xs">{stateLook[t.to].label}</Text>
            {t.value !== undefined && (
              <Text size="xs" c="dimmed" className="gh-num">
                · value {formatAlarmValue(t.value)}
              </Text>
            )}
          </Group>
          {t.comment && (
            <Text size="sm" mt={2} className="gh-break" style={{ whiteSpace: 'pre-wrap' }}>
              “{t.comment}”
            </Text>
          )}
        </Timeline.Item>
      ))}
    </Timeline>
  );
}
