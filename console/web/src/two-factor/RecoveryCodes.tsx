/** Ten one-time recovery codes, shown once, with a copy button and a plain warning. */
import { CopyIconButton } from '../components/CopyIconButton.js';
import { ActionIcon, Alert, Code, CopyButton, Group, Paper, Stack, Text, Tooltip } from '@mantine/core';
import { IconAlertTriangle, IconCheck, IconCopy } from '@tabler/icons-react';

export function RecoveryCodes({ codes }: { codes: string[] }) {
  const text = codes.join('\n');
  return (
    <Stack gap="sm">
      <Alert variant="light" color="orange" icon={<IconAlertTriangle size={18} />} p="xs" title="Keep these recovery codes">
        Each code logs you in once if your phone or security key is lost. They are shown only now: print them or keep
        them in a password manager, away from the phone.
      </Alert>
      <Paper withBorder radius="sm" p={0} bg="var(--mantine-color-default-hover)">
        <Group gap={0} wrap="nowrap" align="flex-start">
          <Code block data-testid="recovery-codes" aria-label="Recovery codes" fz="sm" style={{ flexGrow: 1, background: 'transparent', columnCount: 2 }}>
            {text}
          </Code>
          <CopyIconButton value={text} label="Copy codes" />
        </Group>
      </Paper>
      <Text size="xs" c="dimmed">
        Making new codes later voids these.
      </Text>
    </Stack>
  );
}
