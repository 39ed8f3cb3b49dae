import { lazy, Suspense, useState } from 'react';
import { Button, Checkbox, Divider, Group, Modal, SegmentedControl, Skeleton, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { IconKey } from '@tabler/icons-react';
import { useNavigate } from 'react-router';
import { api } from '../../api.js';
import { usePhone } from '../../hooks/usePhone.js';
import { storeHost } from '../../live.js';
import { useUser } from '../../session.js';
import { canManageSsh } from '../../ssh/sshApi.js';
import type { CreatedEnrollmentToken, Host } from '../../types.js';
import { ErrorAlert } from '../ErrorAlert.js';
import { EnrollmentCommand } from './EnrollmentCommand.js';
import { EnrollmentTokenList, enrollmentTokensQueryKey } from './EnrollmentTokenList.js';

const expiryChoices = [
  { value: '15', label: '15 min' },
  { value: '60', label: '1 h' },
  { value: '1440', label: '24 h' },
];

// The SSH form checks its request with the kernel's zod schema: loaded when chosen, not with every page.
const SshRegisterForm = lazy(() => import('../ssh/SshRegisterForm.js'));

type Method = 'agent' | 'ssh';

/**
 * "Add host": make a one-time enrollment token and show the exact command to run on the new machine, or (for
 * administrators who manage SSH hosts) register a server the console reaches over SSH, without an agent.
 */
export function EnrollmentDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const phone = usePhone();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const sshAllowed = canManageSsh(useUser());
  const [method, setMethod] = useState<Method>('agent');
  const [autoApprove, setAutoApprove] = useState(false);
  const [ttlMinutes, setTtlMinutes] = useState('60');
  const [note, setNote] = useState('');

  const create = useMutation({
    mutationFn: () =>
      api.post<CreatedEnrollmentToken>('/api/enrollment-tokens', {
        autoApprove,
        ttlMinutes: Number(ttlMinutes),
        note: note.trim(),
      }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: enrollmentTokensQueryKey }),
  });

  const startOver = () => {
    create.reset();
    setNote('');
    setAutoApprove(false);
    setTtlMinutes('60');
  };

  const close = () => {
    startOver();
    setMethod('agent');
    onClose();
  };

  const registered = (host: Host) => {
    storeHost(queryClient, host);
    notifications.show({ color: 'teal', message: `${host.name} registered. Open a terminal to reach it over SSH.` });
    close();
    navigate(`/hosts/${encodeURIComponent(host.id)}`);
  };

  const methodChoice = sshAllowed && !create.data && (
    <SegmentedControl
      aria-label="How the console reaches the host"
      fullWidth
      data={[
        { value: 'agent', label: 'Install or enroll an agent' },
        { value: 'ssh', label: 'Over SSH (no agent)' },
      ]}
      value={method}
      onChange={(value) => setMethod(value as Method)}
    />
  );

  if (method === 'ssh') {
    return (
      <Modal opened={opened} onClose={close} title="Add a host" size="lg" fullScreen={phone} radius="md">
        <Stack gap="md">
          {methodChoice}
          <Suspense fallback={<Skeleton height={420} />}>
            <SshRegisterForm onCancel={close} onRegistered={registered} />
          </Suspense>
        </Stack>
      </Modal>
    );
  }

  return (
    <Modal opened={opened} onClose={close} title="Add a host" size="lg" fullScreen={phone} radius="md">
      <Stack gap="md">
        {methodChoice}
        {create.data ? (
          <EnrollmentCommand created={create.data} autoApprove={autoApprove} />
        ) : (
          <form
            onSubmit={(event) => {
              event.preventDefault();
              create.mutate();
            }}
          >
            <Stack gap="md">
              <Text size="sm">
                Create a one-time enrollment command, then run it on the server or gateway you want to manage. The
                agent connects out to this console; no port needs to be opened on the machine.
              </Text>
              <TextInput
                label="Note"
                description="Shown in the token list, so you know later what it was for."
                placeholder="e.g. pump station 3 gateway"
                maxLength={200}
                value={note}
                onChange={(event) => setNote(event.currentTarget.value)}
              />
              <Stack gap={4}>
                <Text size="sm" fw={500} id="enrollment-expiry-label">
                  Expires after
                </Text>
                <SegmentedControl
                  aria-labelledby="enrollment-expiry-label"
                  data={expiryChoices}
                  value={ttlMinutes}
                  onChange={setTtlMinutes}
                  w={phone ? '100%' : 300}
                />
              </Stack>
              <Checkbox
                label="Approve automatically"
                description="The host can be managed as soon as it enrolls. Leave this off to approve it by hand in the host list."
                checked={autoApprove}
                onChange={(event) => setAutoApprove(event.currentTarget.checked)}
              />
              {create.isError && <ErrorAlert error={create.error} title="Could not create the enrollment command" />}
              <Group justify="flex-end">
                <Button variant="default" onClick={close}>
                  Cancel
                </Button>
                <Button type="submit" loading={create.isPending} leftSection={<IconKey size={16} />}>
                  Create enrollment command
                </Button>
              </Group>
            </Stack>
          </form>
        )}
        {create.data && (
          <Group justify="flex-end">
            <Button variant="default" onClick={startOver}>
              Create another
            </Button>
            <Button onClick={close}>Done</Button>
          </Group>
        )}
        <Divider label="Outstanding enrollment tokens" labelPosition="left" mt="xs" />
        <EnrollmentTokenList enabled={opened} />
      </Stack>
    </Modal>
  );
}
