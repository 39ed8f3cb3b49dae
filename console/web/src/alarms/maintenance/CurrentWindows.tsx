/**
 * Windows running now, as the page's first and loudest thing: each a card saying plainly that notifications are
 * paused for what, until when, and why. None running is said too, quietly, so an empty space is never a guess.
 */
import { Button, Card, Group, Stack, Text, ThemeIcon } from '@mantine/core';
import { IconBellCheck, IconBellOff } from '@tabler/icons-react';
import { formatDateTime, formatDuration } from '../../format.js';
import { ScopeLabel, type ScopeNames } from './ScopeLabel.js';
import type { MaintenanceWindow } from './maintenanceApi.js';

function CurrentWindow({ window, now, names, onEnd, ending }: { window: MaintenanceWindow; now: number; names: ScopeNames; onEnd?: () => void; ending: boolean }) {
  const left = Math.max(0, Date.parse(window.to) - now) / 1000;
  return (
    <Card
      withBorder
      radius="md"
      padding="md"
      data-window-id={window.id}
      style={{ borderColor: 'var(--mantine-color-orange-filled)', borderWidth: 2, background: 'var(--mantine-color-orange-light)' }}
      role="status"
    >
      <Group justify="space-between" align="flex-start" wrap="wrap" gap="sm">
        <Group gap="sm" align="flex-start" wrap="nowrap" style={{ minWidth: 0 }}>
          <ThemeIcon color="orange" size={40} radius="md" variant="filled" aria-hidden>
            <IconBellOff size={24} />
          </ThemeIcon>
          <Stack gap={4} style={{ minWidth: 0 }}>
            <Text fw={700} size="lg" c="var(--mantine-color-orange-light-color)">
              In maintenance: notifications paused
            </Text>
            <ScopeLabel scope={window.scope} names={names} size="md" />
            <Text size="sm">
              Until{' '}
              <Text span fw={600} className="gh-num" title={window.to}>
                {formatDateTime(window.to)}
              </Text>{' '}
              <Text span c="dimmed">
                ({formatDuration(left)} left, started {formatDateTime(window.from)})
              </Text>
            </Text>
            <Text size="sm" style={{ overflowWrap: 'anywhere', whiteSpace: 'pre-wrap' }}>
              {window.reason}
            </Text>
            <Text size="xs" c="dimmed">
              Scheduled by {window.createdBy}
            </Text>
          </Stack>
        </Group>
        {onEnd && (
          <Button color="orange" variant="filled" onClick={onEnd} loading={ending}>
            End now
          </Button>
        )}
      </Group>
    </Card>
  );
}

export function CurrentWindows({
  windows,
  now,
  names,
  onEnd,
  endingId,
}: {
  windows: MaintenanceWindow[];
  now: number;
  names: ScopeNames;
  /** Absent for users who may not end windows. */
  onEnd?: (window: MaintenanceWindow) => void;
  endingId: string | null;
}) {
  if (windows.length === 0) {
    return (
      <Card withBorder radius="md" padding="md">
        <Group gap="sm" wrap="nowrap">
          <ThemeIcon color="teal" variant="light" size={36} radius="md" aria-hidden>
            <IconBellCheck size={20} />
          </ThemeIcon>
          <div>
            <Text fw={600}>No maintenance running</Text>
            <Text size="sm" c="dimmed">
              Every alarm pages the on-call staff as usual.
            </Text>
          </div>
        </Group>
      </Card>
    );
  }
  return (
    <Stack gap="sm" aria-label="Maintenance running now">
      {windows.map((window) => (
        <CurrentWindow
          key={window.id}
          window={window}
          now={now}
          names={names}
          ending={endingId === window.id}
          {...(onEnd ? { onEnd: () => onEnd(window) } : {})}
        />
      ))}
    </Stack>
  );
}
