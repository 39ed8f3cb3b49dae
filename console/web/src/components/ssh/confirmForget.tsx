import { Code, Stack, Text } from '@mantine/core';
import { modals } from '@mantine/modals';
import type { Host } from '../../types.js';

/**
 * Ask before forgetting an SSH host. Without an agent the host goes from the console; with one, only the SSH
 * credentials go and the agent keeps serving. The key stays in the host's authorized_keys either way.
 */
export function confirmForget(host: Host, forget: () => void) {
  const agentToo = host.connection === 'agent';
  modals.openConfirmModal({
    title: agentToo ? `Forget the SSH credentials of ${host.name}?` : `Forget ${host.name}?`,
    children: (
      <Stack gap="xs">
        <Text size="sm">
          {agentToo
            ? 'The console deletes its SSH key and login for this host. The agent keeps running and the host stays.'
            : 'The host leaves the host list and the console deletes its SSH key for it. Recordings and audit entries stay.'}
        </Text>
        {host.ssh && (
          <Text size="sm">
            The key the console signed in with stays in <Code>~{host.ssh.username}/.ssh/authorized_keys</Code> on the
            host; remove it there if nothing else uses it.
          </Text>
        )}
      </Stack>
    ),
    labels: { confirm: agentToo ? 'Forget SSH credentials' : 'Forget host', cancel: 'Cancel' },
    confirmProps: { color: 'red' },
    onConfirm: forget,
  });
}
