import { Alert, Button, Group, Paper, Stack, Text } from '@mantine/core';
import { IconAlertTriangle, IconFingerprint } from '@tabler/icons-react';
import { hostKeyFile } from '../../ssh/sshApi.js';
import type { SshScanResult } from '../../types.js';
import { HostKeyFingerprint } from './HostKeyFingerprint.js';

/**
 * The register form's host key step: read the key the server presents, show it as `ssh-keygen -l` prints it,
 * and say what to compare it with. A key that changed between this check and the registration is shown red.
 */
export function HostKeyCheck({
  checked,
  changedMessage,
  checking,
  onCheck,
}: {
  /** The key read for the address and port now in the form; null before (or after they changed). */
  checked: SshScanResult | null;
  /** The console's message when the server presented another key at registration. */
  changedMessage: string | null;
  checking: boolean;
  onCheck: () => void;
}) {
  return (
    <>
      {changedMessage && (
        <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title="The server now presents a different key" role="alert">
          <Text size="sm" className="gh-break">
            {changedMessage}
          </Text>
          <Text size="sm" mt={4}>
            Nothing was registered. Check the host key again and compare it before you go on.
          </Text>
        </Alert>
      )}
      {checked ? (
        <Paper withBorder radius="sm" p="sm" bg="var(--mantine-color-default-hover)" data-host-key-checked>
          <Stack gap={6}>
            <HostKeyFingerprint fingerprint={checked.hostKeyFingerprint} type={checked.hostKeyType} testId="scanned-fingerprint" />
            <Text size="sm">
              Compare it with what the server itself prints for{' '}
              <Text span ff="monospace" size="sm" fw={600}>
                ssh-keygen -lf {hostKeyFile(checked.hostKeyType)}
              </Text>{' '}
              (at its own console, or over a connection you already trust). Register only if they match.
            </Text>
            <Group justify="flex-end">
              <Button
                variant="subtle"
                size="compact-sm"
                leftSection={<IconFingerprint size={14} />}
                loading={checking}
                onClick={onCheck}
              >
                Check again
              </Button>
            </Group>
          </Stack>
        </Paper>
      ) : (
        <Group gap="sm" wrap="nowrap" align="center">
          <Button
            variant="light"
            leftSection={<IconFingerprint size={16} />}
            loading={checking}
            onClick={onCheck}
            style={{ flexShrink: 0 }}
          >
            Check host key
          </Button>
          <Text size="sm" c="dimmed">
            Reads the key the server presents, for you to compare with the server’s own before trusting it.
          </Text>
        </Group>
      )}
    </>
  );
}
