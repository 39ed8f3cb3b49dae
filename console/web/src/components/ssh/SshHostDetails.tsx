import type { ReactNode } from 'react';
import { ActionIcon, CopyButton, Group, SimpleGrid, Text, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';
import type { Host, SshTargetView } from '../../types.js';
import { RelativeTime } from '../RelativeTime.js';

function Detail({ label, children, mono = false }: { label: string; children: ReactNode; mono?: boolean }) {
  return (
    <div style={{ minWidth: 0 }}>
      <Text size="xs" c="dimmed" fw={600} tt="uppercase" lh={1.5}>
        {label}
      </Text>
      <Text size="sm" ff={mono ? 'monospace' : undefined} className="gh-break" component="div">
        {children}
      </Text>
    </div>
  );
}

/** The key the console signs in with, as a line of authorized_keys: its type and last characters on screen, copied whole. */
function ClientKey({ publicKey }: { publicKey: string }) {
  const [type, body = ''] = publicKey.split(' ');
  const short = body.length > 10 ? `…${body.slice(-10)}` : body;
  return (
    <Group gap={4} wrap="nowrap">
      <Text size="sm" ff="monospace" className="gh-truncate" title={publicKey}>
        {type} {short}
      </Text>
      <CopyButton value={publicKey} timeout={2000}>
        {({ copied, copy }) => (
          <Tooltip label={copied ? 'Copied' : 'Copy the public key (a line of authorized_keys)'}>
            <ActionIcon variant="subtle" color={copied ? 'teal' : 'gray'} size="sm" onClick={copy} aria-label="Copy public key">
              {copied ? <IconCheck size={14} /> : <IconCopy size={14} />}
            </ActionIcon>
          </Tooltip>
        )}
      </CopyButton>
    </Group>
  );
}

/**
 * What an operator checks about a host reached over SSH beyond the header's address and host key: which key
 * the console signs in with, and who set it up.
 */
export function SshHostDetails({ host, ssh }: { host: Host; ssh: SshTargetView }) {
  return (
    <SimpleGrid cols={{ base: 2, sm: 3, lg: 5 }} spacing="md" verticalSpacing="sm">
      <Detail label="Connection">{host.connection === 'ssh' ? 'SSH, no agent' : 'Agent (installed over SSH)'}</Detail>
      <Detail label="Signs in with">
        <ClientKey publicKey={ssh.clientPublicKey} />
      </Detail>
      <Detail label="Registered by">{ssh.registeredBy}</Detail>
      <Detail label="Registered">
        <RelativeTime iso={ssh.registeredAt} />
      </Detail>
    </SimpleGrid>
  );
}
