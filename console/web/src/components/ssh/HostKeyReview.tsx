/**
 * "Review new key…": the key the host presents now beside the pinned one, and — only after a confirmation —
 * trusting the new one. A changed key is either a deliberate change (reinstalled server, replaced keys) or
 * someone between the console and the host; the page says so and leaves the call to the administrator.
 */
import { Alert, Button, Group, Modal, Paper, Skeleton, Stack, Text } from '@mantine/core';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { useQuery } from '@tanstack/react-query';
import { IconAlertTriangle, IconCircleCheck, IconShieldCheck } from '@tabler/icons-react';
import { usePhone } from '../../hooks/usePhone.js';
import { hostKeyFile, scanHostKey, useTrustHostKey } from '../../ssh/sshApi.js';
import type { Host } from '../../types.js';
import { ErrorAlert } from '../ErrorAlert.js';
import { HostKeyFingerprint } from './HostKeyFingerprint.js';

function KeyBox({ label, fingerprint, type, tone }: { label: string; fingerprint: string; type: string; tone: 'plain' | 'same' | 'changed' }) {
  const border = tone === 'changed' ? 'var(--mantine-color-red-5)' : tone === 'same' ? 'var(--mantine-color-teal-5)' : undefined;
  return (
    <Paper withBorder radius="sm" p="sm" style={border ? { borderColor: border } : undefined}>
      <Text size="xs" c="dimmed" fw={600} tt="uppercase" mb={4}>
        {label}
      </Text>
      <HostKeyFingerprint fingerprint={fingerprint} type={type} />
    </Paper>
  );
}

export function HostKeyReview({
  host,
  opened,
  onClose,
  onTrusted,
}: {
  host: Host;
  opened: boolean;
  onClose: () => void;
  /** After the new key is pinned (a terminal may then try again). */
  onTrusted?: () => void;
}) {
  const phone = usePhone();
  const ssh = host.ssh;
  const scan = useQuery({
    queryKey: ['host', host.id, 'ssh', 'scan'],
    queryFn: ({ signal }) => scanHostKey({ address: ssh!.address, port: ssh!.port }, signal),
    enabled: opened && ssh !== null,
    retry: false,
    staleTime: 0,
    gcTime: 0,
  });
  const trust = useTrustHostKey();

  if (!ssh) return null;
  const presented = scan.data;
  const changed = presented !== undefined && presented.hostKeyFingerprint !== ssh.hostKeyFingerprint;

  const close = () => {
    trust.reset();
    onClose();
  };

  const confirmTrust = () => {
    if (!presented) return;
    modals.openConfirmModal({
      title: `Trust the new key of ${host.name}?`,
      children: (
        <Stack gap="xs">
          <Text size="sm">From now on the console accepts only this key from the host, and refuses the old one:</Text>
          <HostKeyFingerprint fingerprint={presented.hostKeyFingerprint} type={presented.hostKeyType} />
          <Text size="sm">Do this only if you know why the key changed.</Text>
        </Stack>
      ),
      size: 'lg',
      labels: { confirm: 'Trust the new key', cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: () =>
        trust.mutate(
          { host, hostKeyFingerprint: presented.hostKeyFingerprint },
          {
            onSuccess: (updated) => {
              notifications.show({ color: 'teal', message: `The new host key of ${updated.name} is trusted.` });
              onTrusted?.();
              close();
            },
          },
        ),
    });
  };

  return (
    <Modal opened={opened} onClose={close} title={`Host key of ${host.name}`} size="lg" fullScreen={phone} radius="md">
      <Stack gap="md">
        <KeyBox label="Pinned (trusted until now)" fingerprint={ssh.hostKeyFingerprint} type={ssh.hostKeyType} tone="plain" />
        {scan.isPending ? (
          <Skeleton height={64} aria-label="Reading the key the host presents" />
        ) : scan.isError ? (
          <ErrorAlert error={scan.error} title="Could not read the key the host presents" onRetry={() => void scan.refetch()} />
        ) : (
          presented && (
            <KeyBox
              label="Presented now"
              fingerprint={presented.hostKeyFingerprint}
              type={presented.hostKeyType}
              tone={changed ? 'changed' : 'same'}
            />
          )
        )}

        {presented && !changed && (
          <Alert color="teal" variant="light" icon={<IconCircleCheck size={18} />} title="The host presents the pinned key">
            Nothing to change.
          </Alert>
        )}
        {presented && changed && (
          <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title="The host presents a different key" role="alert">
            <Stack gap={4}>
              <Text size="sm">
                Do not continue unless you know why the key changed — the server was reinstalled, or its keys were replaced
                on purpose. Otherwise someone may be between the console and the host.
              </Text>
              <Text size="sm">
                Compare the new fingerprint with what the server itself prints for{' '}
                <Text span ff="monospace" size="sm" fw={600}>
                  ssh-keygen -lf {hostKeyFile(presented.hostKeyType)}
                </Text>
                .
              </Text>
            </Stack>
          </Alert>
        )}
        {trust.isError && <ErrorAlert error={trust.error} title="Could not trust the new key" />}

        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={close}>
            {changed ? 'Cancel' : 'Close'}
          </Button>
          {changed && (
            <Button color="red" leftSection={<IconShieldCheck size={16} />} loading={trust.isPending} onClick={confirmTrust}>
              Trust the new key
            </Button>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}
