/**
 * What the operator must know about a terminal beside its screen: the status line (who, where, size, restored,
 * recorded or not) and, when it is not live, why and what can be done.
 */
import type { ReactNode } from 'react';
import { Box, Button, Code, Group, Loader, Paper, Stack, Text } from '@mantine/core';
import {
  IconAlertTriangle,
  IconFingerprint,
  IconKeyOff,
  IconPlugConnected,
  IconPlugConnectedX,
  IconPlayerStop,
  IconRefresh,
  IconX,
} from '@tabler/icons-react';
import type { TerminalState } from './connection.js';
import { RecordingBadge } from './RecordingBadge.js';
import { NeedsApproval } from '../../console/web/src/approvals/NeedsApproval.js';

export function StatusLine({ state, hostName, size }: { state: TerminalState; hostName: string; size: { cols: number; rows: number } }) {
  const who = `${state.unixUser}@${hostName}`;
  let text: string;
  switch (state.phase) {
    case 'connecting':
      text = state.sessionId ? `Re-attaching to ${who}…` : `Opening a shell as ${who}…`;
      break;
    case 'attached':
      text = state.restored ? `${who} · re-attached, screen restored` : state.viaSsh ? `${who} · over SSH` : who;
      break;
    case 'detached':
      text = `${who} · detached`;
      break;
    case 'lost':
      text = state.viaSsh ? `${who} · connection lost, shell ended` : `${who} · connection lost`;
      break;
    case 'exited':
      text = `${who} · ended`;
      break;
    case 'failed':
      text = `${who} · ${state.error?.code ?? 'failed'}`;
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
            bg={state.phase === 'attached' ? 'teal.6' : state.phase === 'exited' ? 'gray.5' : state.phase === 'failed' ? 'red.6' : 'orange.6'}
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
      <RecordingBadge state={state} />
    </Group>
  );
}

/**
 * The host presented another key than the pinned one: the terminal was refused, and it stays refused until an
 * administrator has looked at the new key. Red and wordy on purpose: this is the one to stop and think about.
 */
function HostKeyChanged({
  state,
  pinnedFingerprint,
  onReviewKey,
  onClose,
}: {
  state: TerminalState;
  pinnedFingerprint?: string;
  onReviewKey?: () => void;
  onClose: () => void;
}) {
  const message = state.error?.message ?? '';
  // The console's message names both keys; the one that is not pinned is the one presented now.
  const presented = message.match(/SHA256:[A-Za-z0-9+/]{43}/g)?.find((fingerprint) => fingerprint !== pinnedFingerprint);
  return (
    <Paper
      role="alert"
      shadow="md"
      radius="md"
      p="md"
      withBorder
      pos="absolute"
      top={12}
      left="50%"
      maw="calc(100% - 24px)"
      w={600}
      style={{ transform: 'translateX(-50%)', zIndex: 5, borderColor: 'var(--mantine-color-red-6)', borderWidth: 2 }}
      data-terminal-notice="host-key-changed"
    >
      <Stack gap="xs">
        <Group gap={8} wrap="nowrap" align="flex-start">
          <Box c="var(--mantine-color-red-text)" mt={2}>
            <IconAlertTriangle size={20} />
          </Box>
          <Stack gap={4} style={{ minWidth: 0 }}>
            <Text size="sm" fw={700} c="var(--mantine-color-red-text)">
              The host presented a different key
            </Text>
            {presented && pinnedFingerprint && (
              <Box
                component="dl"
                m={0}
                style={{ display: 'grid', gridTemplateColumns: 'max-content minmax(0, 1fr)', columnGap: 12, rowGap: 2 }}
              >
                <Text component="dt" size="sm" c="dimmed">
                  Pinned
                </Text>
                <Text component="dd" m={0} size="sm" ff="monospace" style={{ wordBreak: 'break-all' }}>
                  {pinnedFingerprint}
                </Text>
                <Text component="dt" size="sm" c="dimmed">
                  Presented
                </Text>
                <Text component="dd" m={0} size="sm" ff="monospace" c="var(--mantine-color-red-text)" fw={600} style={{ wordBreak: 'break-all' }}>
                  {presented}
                </Text>
              </Box>
            )}
            <Text size="sm" fw={600}>
              Do not continue unless you know why the key changed.
            </Text>
            <Text size="xs" c="dimmed" className="gh-break">
              {message}
              {onReviewKey ? '' : ' Ask an administrator to check the host’s key.'}
            </Text>
          </Stack>
        </Group>
        <Group gap="xs" justify="flex-end">
          <Button size="xs" variant="default" leftSection={<IconX size={14} />} onClick={onClose}>
            Close tab
          </Button>
          {onReviewKey && (
            <Button size="xs" color="red" variant="light" leftSection={<IconFingerprint size={14} />} onClick={onReviewKey}>
              Review new key…
            </Button>
          )}
        </Group>
      </Stack>
    </Paper>
  );
}

/** Why an SSH host refused or did not answer, in the operator's words; null for problems said well enough by the console. */
function sshProblemTitle(code: string | undefined): string | null {
  switch (code) {
    case 'ssh-auth-failed':
      return 'The host refused the console’s key';
    case 'unreachable':
      return 'The host did not answer over SSH';
    case 'timeout':
      return 'The host took too long to answer over SSH';
    default:
      return null;
  }
}

/** Shown over the screen when the terminal is not live: why, and what can be done. */
export function Interruption({
  state,
  onReattach,
  onClose,
  approvalFor,
  onReviewKey,
  pinnedFingerprint,
}: {
  state: TerminalState;
  /** Re-attach (agent) or, over SSH and after a failure, open a new shell. */
  onReattach: () => void;
  onClose: () => void;
  /** Offered when the host's key changed, to those who may review it. */
  onReviewKey?: () => void;
  /** The SSH host key the console trusts, to set beside the one presented. */
  pinnedFingerprint?: string;
  /** Where and as whom: a terminal that needs a second person's approval offers to request it. */
  approvalFor?: { hostId: string; unixUser: string };
}) {
  if (state.phase === 'failed' && state.error?.code === 'approval-required' && approvalFor) {
    return (
      <Paper role="status" shadow="md" radius="md" p="sm" withBorder pos="absolute" top={12} left="50%" maw="calc(100% - 24px)" w={520} style={{ transform: 'translateX(-50%)', zIndex: 5 }} data-terminal-notice="approval-required">
        <Stack gap="xs">
          <NeedsApproval hostId={approvalFor.hostId} action="terminal.session" params={{ cols: 80, rows: 24, unixUser: approvalFor.unixUser }} what={`A terminal as ${approvalFor.unixUser}`} />
          <Text size="xs" c="dimmed">
            Once approved, open the terminal again: it opens once, within the time limit.
          </Text>
          <Group justify="flex-end">
            <Button size="xs" variant="default" onClick={onClose}>
              Close
            </Button>
          </Group>
        </Stack>
      </Paper>
    );
  }
  if (state.phase === 'failed' && state.error?.code === 'host-key-changed') {
    return <HostKeyChanged state={state} pinnedFingerprint={pinnedFingerprint} onReviewKey={onReviewKey} onClose={onClose} />;
  }
  let icon = <IconPlugConnectedX size={18} />;
  let title: string;
  let detail: ReactNode = null;
  let canReattach = state.sessionId !== null && !state.viaSsh;
  /** Over SSH: start a new shell instead. */
  let canStartAgain = false;
  switch (state.phase) {
    case 'detached':
      title = 'Detached — re-attach';
      detail = 'The shell is still running on the host.';
      break;
    case 'lost':
      if (state.viaSsh) {
        title = 'Connection lost — the SSH shell has ended';
        detail = 'SSH sessions end with their connection. Install the agent to keep shells running.';
        canStartAgain = true;
      } else {
        title = 'Connection lost — the shell is still running';
        detail = 'Re-attach when the network is back; the screen is restored.';
      }
      break;
    case 'exited':
      icon = <IconPlayerStop size={18} />;
      title = state.exitCode === null ? 'Session ended' : `Session ended (exit ${state.exitCode})`;
      canReattach = false;
      canStartAgain = state.viaSsh;
      break;
    case 'failed': {
      const sshTitle = state.viaSsh ? sshProblemTitle(state.error?.code) : null;
      if (state.error?.code === 'ssh-auth-failed') icon = <IconKeyOff size={18} />;
      title = sshTitle ?? (state.sessionId && !state.viaSsh ? 'The terminal was interrupted' : 'The terminal could not be opened');
      detail = state.error ? (
        <>
          <Code color="red.1" c="red.9" fz="xs" mr={6}>
            {state.error.code}
          </Code>
          {state.error.message}
          {state.error.code === 'ssh-auth-failed' && (
            <Text component="span" display="block" size="sm" mt={4}>
              Its key may have been removed from the user’s authorized_keys on the host.
            </Text>
          )}
        </>
      ) : null;
      canReattach = canReattach && state.error?.code !== 'not-found';
      canStartAgain = state.viaSsh || !state.sessionId;
      break;
    }
    default:
      return null;
  }
  const failed = state.phase === 'failed';
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
          <Box c={failed ? 'red.7' : state.phase === 'exited' ? 'dimmed' : 'orange.7'} mt={1}>
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
            canStartAgain && (
              <Button size="xs" leftSection={<IconRefresh size={14} />} onClick={onReattach}>
                {failed ? 'Try again' : 'New shell'}
              </Button>
            )
          )}
        </Group>
      </Stack>
    </Paper>
  );
}
