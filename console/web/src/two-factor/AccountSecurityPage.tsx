/**
 * Account security (docs/api.md "Two-factor login"): the signed-in person's authenticator app, security keys and
 * recovery codes; for account managers, which roles must log in with a second factor. Reached from the user menu.
 */
import { useState } from 'react';
import { Alert, Badge, Button, Checkbox, Group, Modal, Paper, PasswordInput, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IconDeviceMobile, IconKey, IconLifebuoy, IconShieldLock, IconTrash } from '@tabler/icons-react';
import { api } from '../api.js';
import { describeError, ErrorAlert } from '../components/ErrorAlert.js';
import { RelativeTime } from '../components/RelativeTime.js';
import { TableFrame } from '../components/TableFrame.js';
import { roleLabel } from '../components/UserMenu.js';
import { useUser } from '../session.js';
import { roleIds, type RoleId } from '../../../../modules/kernel/console-api.js';
import type { PasskeyView, TotpEnrolment, TwoFactorPolicy, TwoFactorStatus } from '../../../../modules/kernel/two-factor.js';
import { answerRegistration, describePasskeyError, passkeysSupported } from './passkeys.js';
import { RecoveryCodes } from './RecoveryCodes.js';
import { TotpSetup } from './TotpSetup.js';

const statusKey = ['two-factor'] as const;
const policyKey = ['two-factor-policy'] as const;

function failed(title: string) {
  return (error: unknown) => {
    const { code, message } = describeError(error);
    notifications.show({ color: 'red', title, message: `${message} (${code})` });
  };
}

/** Shows fresh recovery codes until the person closes it; they are not kept anywhere in the page after. */
function CodesDialog({ codes, onClose }: { codes: string[] | null; onClose: () => void }) {
  return (
    <Modal opened={codes !== null} onClose={onClose} title="Recovery codes" size="md" closeOnClickOutside={false}>
      <Stack gap="md">
        {codes && <RecoveryCodes codes={codes} />}
        <Group justify="flex-end">
          <Button onClick={onClose}>Done, I have kept them</Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** Asks for the password before a change a stolen session alone must not make. */
function PasswordDialog({ title, action, onClose, onConfirm }: { title: string | null; action: string; onClose: () => void; onConfirm: (password: string) => Promise<void> }) {
  const [password, setPassword] = useState('');
  const confirm = useMutation({ mutationFn: () => onConfirm(password), onSuccess: () => close() });
  const close = () => {
    setPassword('');
    confirm.reset();
    onClose();
  };
  return (
    <Modal opened={title !== null} onClose={close} title={title}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          confirm.mutate();
        }}
      >
        <Stack gap="sm">
          <PasswordInput label="Your password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} data-autofocus />
          {confirm.isError && <ErrorAlert error={confirm.error} title="Not done" />}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" color="red" loading={confirm.isPending} disabled={password === ''}>
              {action}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function AppSection({ status }: { status: TwoFactorStatus }) {
  const queryClient = useQueryClient();
  const [settingUp, setSettingUp] = useState(false);
  const [removing, setRemoving] = useState(false);
  const [codes, setCodes] = useState<string[] | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: statusKey });
  return (
    <Paper withBorder p="md" radius="md">
      <Group justify="space-between" align="flex-start">
        <Group gap="sm">
          <IconDeviceMobile size={22} aria-hidden />
          <div>
            <Text fw={600}>Authenticator app</Text>
            <Text size="sm" c="dimmed">
              A six-digit code from an app on your phone, new every 30 seconds.
            </Text>
          </div>
        </Group>
        {status.totp.enabled ? (
          <Group gap="xs">
            <Badge color="teal" variant="light" data-testid="totp-state">
              on
            </Badge>
            <Button size="xs" variant="default" color="red" onClick={() => setRemoving(true)}>
              Remove
            </Button>
          </Group>
        ) : (
          <Button size="xs" onClick={() => setSettingUp(true)}>
            Set up
          </Button>
        )}
      </Group>
      <Modal opened={settingUp} onClose={() => setSettingUp(false)} title="Set up an authenticator app" closeOnClickOutside={false}>
        {settingUp && (
          <TotpSetup
            begin={() => api.post<TotpEnrolment>('/api/two-factor/totp')}
            confirm={async (code) => {
              const { recoveryCodes } = await api.post<{ recoveryCodes: string[] }>('/api/two-factor/totp/confirm', { code });
              setSettingUp(false);
              if (recoveryCodes.length > 0) setCodes(recoveryCodes);
              notifications.show({ color: 'teal', message: 'The authenticator app is on: logins now ask for its code.' });
              await refresh();
            }}
          />
        )}
      </Modal>
      <PasswordDialog
        title={removing ? 'Remove the authenticator app?' : null}
        action="Remove"
        onClose={() => setRemoving(false)}
        onConfirm={async (password) => {
          await api.post('/api/two-factor/totp/remove', { password });
          await refresh();
        }}
      />
      <CodesDialog codes={codes} onClose={() => setCodes(null)} />
    </Paper>
  );
}

function KeysSection({ status }: { status: TwoFactorStatus }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [codes, setCodes] = useState<string[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: statusKey });
  const add = useMutation({
    mutationFn: async () => {
      setProblem(null);
      const options = await api.post<unknown>('/api/two-factor/passkeys/options');
      const response = await answerRegistration(options);
      return api.post<{ passkey: PasskeyView; recoveryCodes: string[] }>('/api/two-factor/passkeys', { name: name.trim(), response });
    },
    onSuccess: async ({ recoveryCodes }) => {
      setName('');
      if (recoveryCodes.length > 0) setCodes(recoveryCodes);
      await refresh();
    },
    onError: (error) => setProblem(describePasskeyError(error) ?? `${describeError(error).message} (${describeError(error).code})`),
  });
  const remove = useMutation({
    mutationFn: (key: PasskeyView) => api.delete(`/api/two-factor/passkeys/${encodeURIComponent(key.id)}`),
    onSuccess: () => void refresh(),
    onError: failed('Could not remove the key'),
  });
  const confirmRemove = (key: PasskeyView) =>
    modals.openConfirmModal({
      title: `Remove the key “${key.name}”?`,
      children: <Text size="sm">It can no longer be used to log in.</Text>,
      labels: { confirm: 'Remove key', cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: () => remove.mutate(key),
    });
  return (
    <Paper withBorder p="md" radius="md">
      <Group gap="sm" mb="sm">
        <IconKey size={22} aria-hidden />
        <div>
          <Text fw={600}>Security keys and passkeys</Text>
          <Text size="sm" c="dimmed">
            A USB or NFC key, or a passkey on this device. Needs the console's name over HTTPS (or localhost).
          </Text>
        </div>
      </Group>
      {status.passkeys.length > 0 && (
        <TableFrame minWidth={480}>
          <Table verticalSpacing={6} aria-label="Security keys">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Added</Table.Th>
                <Table.Th>Last used</Table.Th>
                <Table.Th aria-label="Actions" />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {status.passkeys.map((key) => (
                <Table.Tr key={key.id}>
                  <Table.Td>{key.name}</Table.Td>
                  <Table.Td>
                    <RelativeTime iso={key.createdAt} />
                  </Table.Td>
                  <Table.Td>{key.lastUsedAt ? <RelativeTime iso={key.lastUsedAt} /> : 'never'}</Table.Td>
                  <Table.Td>
                    <Button size="xs" variant="subtle" color="red" leftSection={<IconTrash size={14} />} onClick={() => confirmRemove(key)}>
                      Remove
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableFrame>
      )}
      <Group align="flex-end" mt="sm">
        <TextInput label="Name of a new key" placeholder="e.g. blue YubiKey" maxLength={64} value={name} onChange={(e) => setName(e.currentTarget.value)} w={260} />
        <Button loading={add.isPending} disabled={name.trim() === '' || !passkeysSupported()} onClick={() => add.mutate()} leftSection={<IconKey size={16} />}>
          Add a security key
        </Button>
      </Group>
      {problem && (
        <Text size="sm" c="red.7" role="alert" mt="xs">
          {problem}
        </Text>
      )}
      <CodesDialog codes={codes} onClose={() => setCodes(null)} />
    </Paper>
  );
}

function RecoverySection({ status }: { status: TwoFactorStatus }) {
  const queryClient = useQueryClient();
  const [asking, setAsking] = useState(false);
  const [codes, setCodes] = useState<string[] | null>(null);
  const hasFactor = status.totp.enabled || status.passkeys.length > 0;
  return (
    <Paper withBorder p="md" radius="md">
      <Group justify="space-between" align="flex-start">
        <Group gap="sm">
          <IconLifebuoy size={22} aria-hidden />
          <div>
            <Text fw={600}>Recovery codes</Text>
            <Text size="sm" c="dimmed" data-testid="recovery-left">
              {hasFactor ? `${status.recoveryCodesLeft} of 10 left; each logs in once.` : 'Made when you set up a second factor.'}
            </Text>
          </div>
        </Group>
        <Button size="xs" variant="default" disabled={!hasFactor} onClick={() => setAsking(true)}>
          Make new codes
        </Button>
      </Group>
      <PasswordDialog
        title={asking ? 'Make new recovery codes? The old ones stop working.' : null}
        action="Make new codes"
        onClose={() => setAsking(false)}
        onConfirm={async (password) => {
          const { recoveryCodes } = await api.post<{ recoveryCodes: string[] }>('/api/two-factor/recovery-codes', { password });
          setCodes(recoveryCodes);
          await queryClient.invalidateQueries({ queryKey: statusKey });
        }}
      />
      <CodesDialog codes={codes} onClose={() => setCodes(null)} />
    </Paper>
  );
}

/** For account managers: which roles must log in with a second factor. */
function PolicySection() {
  const queryClient = useQueryClient();
  const policy = useQuery({ queryKey: policyKey, queryFn: ({ signal }) => api.get<TwoFactorPolicy>('/api/two-factor/policy', { signal }) });
  const [chosen, setChosen] = useState<RoleId[] | null>(null);
  const save = useMutation({
    mutationFn: (requiredRoles: RoleId[]) => api.put<TwoFactorPolicy>('/api/two-factor/policy', { requiredRoles }),
    onSuccess: (saved) => {
      queryClient.setQueryData(policyKey, saved);
      setChosen(null);
      notifications.show({ color: 'teal', message: 'Saved: those roles are asked for a second factor at their next login.' });
      void queryClient.invalidateQueries({ queryKey: statusKey });
    },
    onError: failed('Could not save the policy'),
  });
  const value = chosen ?? policy.data?.requiredRoles ?? [];
  return (
    <Paper withBorder p="md" radius="md">
      <Group gap="sm" mb="sm">
        <IconShieldLock size={22} aria-hidden />
        <div>
          <Text fw={600}>Roles that must use two-factor login</Text>
          <Text size="sm" c="dimmed">
            People holding one of these roles set up a second factor at their next login before they get in.
          </Text>
        </div>
      </Group>
      {policy.isError && <ErrorAlert error={policy.error} title="Could not load the policy" />}
      <Checkbox.Group value={value} onChange={(roles) => setChosen(roles as RoleId[])} aria-label="Roles that must use two-factor login">
        <Group gap="lg">
          {roleIds.map((role) => (
            <Checkbox key={role} value={role} label={roleLabel(role)} />
          ))}
        </Group>
      </Checkbox.Group>
      <Group justify="flex-end" mt="sm">
        <Button size="xs" disabled={chosen === null} loading={save.isPending} onClick={() => save.mutate(value)}>
          Save
        </Button>
      </Group>
    </Paper>
  );
}

export function AccountSecurityPage() {
  const user = useUser();
  const status = useQuery({ queryKey: statusKey, queryFn: ({ signal }) => api.get<TwoFactorStatus>('/api/two-factor', { signal }) });
  const data = status.data;
  return (
    <Stack gap="md" maw={860}>
      <div>
        <Title order={2}>Account security</Title>
        <Text size="sm" c="dimmed">
          A second factor makes a stolen password useless on its own. Changes here are recorded in the audit log.
        </Text>
      </div>
      {status.isError && <ErrorAlert error={status.error} title="Could not load your second factors" />}
      {data?.required && !data.totp.enabled && data.passkeys.length === 0 && (
        <Alert color="orange" variant="light">
          Your role requires two-factor login: set up an app or a key now, or you will be asked at your next login.
        </Alert>
      )}
      {data && (
        <>
          <AppSection status={data} />
          <KeysSection status={data} />
          <RecoverySection status={data} />
        </>
      )}
      {user.permissions.includes('account.manage') && <PolicySection />}
    </Stack>
  );
}
