import { ActionIcon, Alert, Code, CopyButton, Group, Paper, Stack, Text, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy, IconInfoCircle } from '@tabler/icons-react';
import { formatDateTime } from '../../format.js';
import type { CreatedEnrollmentToken } from '../../types.js';
import { RelativeTime } from '../RelativeTime.js';

/** One shell line, exactly as the console made it, in a box with a copy button. */
function CopyableCommand({ label, command, testId }: { label: string; command: string; testId: string }) {
  return (
    <Stack gap={4}>
      <Text size="sm" fw={500}>
        {label}
      </Text>
      <Paper withBorder radius="sm" p={0} bg="var(--mantine-color-default-hover)">
        <Group gap={0} wrap="nowrap" align="flex-start">
          <Code
            block
            data-testid={testId}
            aria-label={label}
            style={{ flexGrow: 1, background: 'transparent', whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}
            fz="sm"
          >
            {command}
          </Code>
          <CopyButton value={command} timeout={2000}>
            {({ copied, copy }) => (
              <Tooltip label={copied ? 'Copied' : 'Copy command'}>
                <ActionIcon
                  variant="subtle"
                  color={copied ? 'teal' : 'gray'}
                  onClick={copy}
                  aria-label={copied ? 'Copied' : 'Copy command'}
                  m={6}
                  size="lg"
                >
                  {copied ? <IconCheck size={18} /> : <IconCopy size={18} />}
                </ActionIcon>
              </Tooltip>
            )}
          </CopyButton>
        </Group>
      </Paper>
    </Stack>
  );
}

/** What to run on the new machine: the console's own lines, ready to copy, and how long they work. */
export function EnrollmentCommand({ created, autoApprove }: { created: CreatedEnrollmentToken; autoApprove: boolean }) {
  return (
    <Stack gap="sm">
      <CopyableCommand
        label="Run this as root on the new machine (the agent is already installed):"
        command={created.command}
        testId="enrollment-command"
      />
      {created.installCommand && (
        <CopyableCommand
          label="Or, on a machine with only Node.js, this installs the agent as a service and enrolls it:"
          command={created.installCommand}
          testId="enrollment-install-command"
        />
      )}
      <Text size="sm">
        Expires <b>{formatDateTime(created.expiresAt)}</b> (<RelativeTime iso={created.expiresAt} />).{' '}
        {autoApprove
          ? 'The host will be approved as soon as it enrolls.'
          : 'The host will wait in the host list until you approve it.'}
      </Text>
      <Alert variant="light" color="indigo" icon={<IconInfoCircle size={18} />} p="xs">
        The token works once, and this is the only time it is shown. Copy the command now; if it is lost, revoke the
        token below and create another.
      </Alert>
    </Stack>
  );
}
