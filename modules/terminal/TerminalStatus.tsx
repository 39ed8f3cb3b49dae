/**
 * What the operator must know about a terminal beside its screen: the status line (who, where, size, restored,
 * recorded) and, when it is not live, why and what can be done.
 */
import type { ReactNode } from 'react';
import { Badge, Box, Button, Code, Group, Loader, Paper, Stack, Text, Tooltip } from '@mantine/core';
import { IconPlugConnected, IconPlugConnectedX, IconPlayerStop, IconRefresh, IconX } from '@tabler/icons-react';
import type { TerminalState } from './connection.js';

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
        style={{ textTransform: 'none' }}
        data-recording-id={recording.recordingId}
        tabIndex={0}
      >
        {recording.input ? 'Recorded, with keystrokes' : 'Recorded'}
      </Badge>
    </Tooltip>
  );
}

export function StatusLine({ state, hostName, size }: { state: TerminalState; hostName: string; size: { cols: number; rows: number } }) {
  const who = `${state.unixUser}@${hostName}`;
  let text: string;
  switch (state.phase) {
    case 'connecting':
      text = state.sessionId ? `Re-attaching to ${who}…` : `Opening a shell as ${who}…`;
      break;
    case 'attached':
      text = state.restored ? `${who} · re-attached, screen restored` : who;
      break;
    case 'detached':
      text = `${who} · detached`;
      break;
    case 'lost':
      text = `${who} · connection lost`;
      break;
    case 'exited':
      text = `${who} · ended`;
      break;
    default:
      text = who;
  }
  return (
    <Group justify="space-between" gap="xs" px={4} wrap="nowrap" mih={26}>
      <Group gap={6} wrap="nowrap" style={{ minWidth: 0 }}>
        {state.phase === 'connecting' ? (
          <Loader size={12} />
        ) : (
          <Box
            w={8}
            h={8}
            bg={state.phase === 'attached' ? 'teal.6' : state.phase === 'exited' ? 'gray.5' : 'orange.6'}
            style={{ borderRadius: '50%', flexShrink: 0 }}
            aria-hidden
          />
        )}
        <Text size="xs" c="dimmed" className="gh-truncate" data-terminal-status>
          {text}
        </Text>
        {state.phase === 'attached' && (
          <Text size="xs" c="dimmed" className="gh-num" visibleFrom="xs" style={{ whiteSpace: 'nowrap' }}>
            · {size.cols}×{size.rows}
          </Text>
        )}
      </Group>
      {state.recording && <RecordedBadge recording={state.recording} />}
    </Group>
  );
}

/** Shown over the screen when the terminal is not live: why, and what can be done. */
export function Interruption({ state, onReattach, onClose }: { state: TerminalState; onReattach: () => void; onClose: () => void }) {
  let icon = <IconPlugConnectedX size={18} />;
  let title: string;
  let detail: ReactNode = null;
  let canReattach = state.sessionId !== null;
  switch (state.phase) {
    case 'detached':
      title = 'Detached — re-attach';
      detail = 'The shell is still running on the host.';
      break;
    case 'lost':
      title = 'Connection lost — the shell is still running';
      detail = 'Re-attach when the network is back; the screen is restored.';
      break;
    case 'exited':
      icon = <IconPlayerStop size={18} />;
      title = state.exitCode === null ? 'Session ended' : `Session ended (exit ${state.exitCode})`;
      canReattach = false;
      break;
    case 'failed':
      title = state.sessionId ? 'The terminal was interrupted' : 'The terminal could not be opened';
      detail = state.error ? (
        <>
          <Code color="red.1" c="red.9" fz="xs" mr={6}>
            {state.error.code}
          </Code>
          {state.error.message}
        </>
      ) : null;
      canReattach = state.sessionId !== null && state.error?.code !== 'not-found';
      break;
    default:
      return null;
  }
  return (
    <Paper
      role="status"
      shadow="md"
      radius="md"
      p="sm"
      withBorder
      pos="absolute"
      top={12}
      left="50%"
      maw="calc(100% - 24px)"
      w={460}
      style={{ transform: 'translateX(-50%)', zIndex: 5 }}
      data-terminal-notice={state.phase}
    >
      <Stack gap={6}>
        <Group gap={8} wrap="nowrap" align="flex-start">
          <Box c={state.phase === 'failed' ? 'red.7' : state.phase === 'exited' ? 'dimmed' : 'orange.7'} mt={1}>
            {icon}
          </Box>
          <Stack gap={2} style={{ minWidth: 0 }}>
            <Text size="sm" fw={600}>
              {title}
            </Text>
            {detail && (
              <Text size="sm" c="dimmed" className="gh-break">
                {detail}
              </Text>
            )}
          </Stack>
        </Group>
        <Group gap="xs" justify="flex-end">
          <Button size="xs" variant="default" leftSection={<IconX size={14} />} onClick={onClose}>
            Close tab
          </Button>
          {canReattach ? (
            <Button size="xs" leftSection={<IconPlugConnected size={14} />} onClick={onReattach}>
              Re-attach
            </Button>
          ) : (
            state.phase === 'failed' &&
            !state.sessionId && (
              <Button size="xs" leftSection={<IconRefresh size={14} />} onClick={onReattach}>
                Try again
              </Button>
            )
          )}
        </Group>
      </Stack>
    </Paper>
  );
}
