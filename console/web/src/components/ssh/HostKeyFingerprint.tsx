import { ActionIcon, Badge, CopyButton, Group, Text, Tooltip, type MantineSize } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';
import { hostKeyTypeLabel } from '../../ssh/sshApi.js';

/** A host key's fingerprint as `ssh-keygen -l` prints it, with its type, in monospace, and a copy button. */
export function HostKeyFingerprint({
  fingerprint,
  type,
  size = 'sm',
  testId,
}: {
  fingerprint: string;
  type?: string;
  size?: MantineSize;
  testId?: string;
}) {
  return (
    <Group gap={6} wrap="nowrap" style={{ minWidth: 0 }}>
      {type && (
        <Badge variant="default" size="sm" radius="sm" style={{ flexShrink: 0, fontFamily: 'var(--mantine-font-family-monospace)' }}>
          {hostKeyTypeLabel(type)}
        </Badge>
      )}
      <Text size={size} ff="monospace" className="gh-break" style={{ wordBreak: 'break-all' }} data-testid={testId}>
        {fingerprint}
      </Text>
      <CopyButton value={fingerprint} timeout={2000}>
        {({ copied, copy }) => (
          <Tooltip label={copied ? 'Copied' : 'Copy fingerprint'}>
            <ActionIcon
              variant="subtle"
              color={copied ? 'teal' : 'gray'}
              size="sm"
              onClick={copy}
              aria-label={copied ? 'Copied' : 'Copy fingerprint'}
              style={{ flexShrink: 0 }}
            >
              {copied ? <IconCheck size={14} /> : <IconCopy size={14} />}
            </ActionIcon>
          </Tooltip>
        )}
      </CopyButton>
    </Group>
  );
}
