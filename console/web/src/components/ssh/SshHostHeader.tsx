import { Button, Group, Stack, Text } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import { usePhone } from '../../hooks/usePhone.js';
import { sshTarget } from '../../hostStatus.js';
import { hostKeyTypeLabel } from '../../ssh/sshApi.js';
import type { Host } from '../../types.js';
import { HostKeyFingerprint } from './HostKeyFingerprint.js';

/**
 * The line under an SSH host's name: where the console signs in, the key it trusts, and (for those who may)
 * the way to a full agent.
 */
export function SshHostHeader({ host, onInstall }: { host: Host; onInstall?: () => void }) {
  const phone = usePhone();
  if (!host.ssh) return null;
  const target = (
    <Text size="sm" ff="monospace" className="gh-break" data-testid="ssh-target">
      {sshTarget(host)}
    </Text>
  );
  const install = onInstall && (
    <Button size="xs" variant="light" leftSection={<IconDownload size={14} />} onClick={onInstall} style={{ flexShrink: 0 }}>
      Install agent…
    </Button>
  );
  // A fingerprint is 50 characters: on a phone it gets a line of its own, smaller, below its label.
  if (phone) {
    return (
      <Stack gap={6} mt="xs" data-ssh-header>
        {target}
        <div>
          <Text size="xs" c="dimmed">
            Host key · {hostKeyTypeLabel(host.ssh.hostKeyType)}
          </Text>
          <HostKeyFingerprint fingerprint={host.ssh.hostKeyFingerprint} size="xs" testId="pinned-fingerprint" />
        </div>
        {install && <Group>{install}</Group>}
      </Stack>
    );
  }
  return (
    <Group justify="space-between" gap="xs" mt="xs" wrap="nowrap" align="center" data-ssh-header>
      <Group gap="md" wrap="wrap" style={{ minWidth: 0, rowGap: 4 }}>
        {target}
        <Group gap={6} wrap="nowrap" style={{ minWidth: 0 }}>
          <Text size="sm" c="dimmed" style={{ flexShrink: 0 }}>
            Host key
          </Text>
          <HostKeyFingerprint fingerprint={host.ssh.hostKeyFingerprint} type={host.ssh.hostKeyType} testId="pinned-fingerprint" />
        </Group>
      </Group>
      {install}
    </Group>
  );
}
