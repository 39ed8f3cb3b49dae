import { ActionIcon, Alert, Code, CopyButton, Group, Paper, Stack, Text, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy, IconInfoCircle } from '@tabler/icons-react';
import { formatDateTime } from '../../format.js';
import type { CreatedEnrollmentToken } from '../../types.js';
import { RelativeTime } from '../RelativeTime.js';

/** The command to run on the new machine, exactly as the console made it, ready to copy. */
export function EnrollmentCommand({ created, autoApprove }: { created: CreatedEnrollmentToken; autoApprove: boolean }) {
  return (
    <Stack gap="sm">
      <Text size="sm" fw={500}>
        Run this as root on the new machine:
      </Text>
      <Paper withBorder radius="sm" p={0} bg="var(--mantine-color-default-hover)">
        <Group gap={0} wrap="nowrap" align="flex-start">
          <Code
            block
            data-testid="enrollment-command"
            aria-label="Enrollment command"
            style={{ flexGrow: 1, background: 'transparent', whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}
            fz="sm"
          >
            {created.command}
          </Code>
          <CopyButton value={created.command} timeout={2000}>
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
