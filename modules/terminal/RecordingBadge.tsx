/**
 * Whether the terminal is recorded, said where the operator looks: a badge in the status line, and, when a
 * session runs unrecorded, a one-line notice above the screen. People must know they are recorded, and an
 * operator must know when they are not: what they do then leaves no trace but the alarm.
 */
import { useEffect, useState } from 'react';
import { Badge, Box, CloseButton, Group, Text, Tooltip } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import type { TerminalState } from './connection.js';

/** Height the notice takes above the screen, which gives it up (terminal.css `--gh-terminal-notice`). */
export const unrecordedNoticeHeight = 36;

/** The console's messages start in lower case, as error messages do; shown alone they read as a sentence. */
function sentence(message: string): string {
  const text = message.trim();
  const capitalised = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(capitalised) ? capitalised : `${capitalised}.`;
}

function RecordedBadge({ recording }: { recording: NonNullable<TerminalState['recording']> }) {
  return (
    <Tooltip
      label={
        recording.input
          ? 'This session is recorded on the console: the screen and your keystrokes.'
          : 'This session is recorded on the console: everything shown on the screen.'
      }
      multiline
      maw={280}
    >
      <Badge
        color="red"
        variant="light"
        size="sm"
        leftSection={<Box component="span" w={7} h={7} bg="red.6" style={{ borderRadius: '50%', display: 'inline-block' }} />}
        style={{ textTransform: 'none', flexShrink: 0 }}
        data-recording-id={recording.recordingId}
        tabIndex={0}
      >
        {recording.input ? 'Recorded, with keystrokes' : 'Recorded'}
      </Badge>
    </Tooltip>
  );
}

function NotRecordedBadge({ message }: { message: string }) {
  return (
    // On a phone the notice's line is cut short: a tap on the badge shows the whole reason.
    <Tooltip label={sentence(message)} multiline maw={300} events={{ hover: true, focus: true, touch: true }}>
      <Badge
        color="orange"
        variant="light"
        size="sm"
        leftSection={<IconAlertTriangle size={12} aria-hidden />}
        style={{ textTransform: 'none', flexShrink: 0 }}
        data-recording-failed
        tabIndex={0}
      >
        Not recorded
      </Badge>
    </Tooltip>
  );
}

/** The status line's recording badge: recorded, not recorded, or nothing while the console has not said. */
export function RecordingBadge({ state }: { state: TerminalState }) {
  if (state.recordingFailed !== null) return <NotRecordedBadge message={state.recordingFailed} />;
  if (state.recording) return <RecordedBadge recording={state.recording} />;
  return null;
}

/**
 * Whether the notice above the screen shows: while the session runs unrecorded, until the operator hides it.
 * It comes back with each attachment and with each new failure, so hiding it once does not hide the next.
 */
export function useUnrecordedNotice(state: TerminalState | null): { message: string | null; hide: () => void } {
  const [hidden, setHidden] = useState(false);
  const message = state?.recordingFailed ?? null;
  const connecting = state?.phase === 'connecting';
  useEffect(() => {
    setHidden(false);
  }, [message, connecting]);
  return { message: hidden ? null : message, hide: () => setHidden(true) };
}

/** One calm line above the screen: the session goes on, unrecorded, and why. */
export function UnrecordedNotice({ message, onHide }: { message: string; onHide: () => void }) {
  const text = sentence(message);
  return (
    <Group
      role="status"
      gap={8}
      wrap="nowrap"
      h={unrecordedNoticeHeight}
      pl="sm"
      pr={4}
      bg="var(--mantine-color-orange-light)"
      style={{ borderRadius: 'var(--mantine-radius-md)', border: '1px solid var(--mantine-color-orange-outline)', flexShrink: 0 }}
      data-terminal-notice="recording-failed"
    >
      <Box c="var(--mantine-color-orange-light-color)" style={{ display: 'flex', flexShrink: 0 }}>
        <IconAlertTriangle size={16} aria-hidden />
      </Box>
      <Text size="sm" fw={600} c="var(--mantine-color-orange-light-color)" style={{ whiteSpace: 'nowrap', flexShrink: 0 }}>
        Not recorded
      </Text>
      <Text size="sm" className="gh-truncate" title={text} style={{ minWidth: 0, flex: 1 }}>
        {text}
      </Text>
      <CloseButton size="sm" aria-label="Hide the notice (the status line still says the session is not recorded)" onClick={onHide} />
    </Group>
  );
}
