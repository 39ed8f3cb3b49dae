/** The small confirmations of the Users page: set a password, set an expiry, and delete with the name typed. */
import { useEffect, useState, type ReactNode } from 'react';
import { Alert, Button, Checkbox, Code, Group, Modal, PasswordInput, Radio, Stack, Text, TextInput } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { ErrorAlert } from '../../console/web/src/components/ErrorAlert.js';
import { ErrorOrApproval } from '../../console/web/src/approvals/NeedsApproval.js';
import type { UserAccount } from './contract.js';
import { formatDay } from './userLabels.js';

function Actions({ busy, onClose, submit, color, disabled }: { busy: boolean; onClose: () => void; submit: string; color?: string; disabled?: boolean }) {
  return (
    <Group justify="flex-end">
      <Button variant="default" onClick={onClose} disabled={busy}>
        Cancel
      </Button>
      <Button type="submit" color={color} loading={busy} disabled={disabled}>
        {submit}
      </Button>
    </Group>
  );
}

export function PasswordDialog({
  user,
  busy,
  error,
  onSubmit,
  onClose,
}: {
  user: UserAccount | null;
  busy: boolean;
  error: unknown;
  onSubmit: (password: string) => void;
  onClose: () => void;
}) {
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  useEffect(() => {
    setPassword('');
    setAgain('');
  }, [user]);
  const mismatch = again !== '' && again !== password;
  const problem = /[\r\n]/.test(password) ? 'One line only' : null;
  return (
    <Modal opened={user !== null} onClose={onClose} title={user ? `Set the password of ${user.name}` : ''}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (password !== '' && password === again && !problem) onSubmit(password);
        }}
      >
        <Stack gap="sm">
          <PasswordInput label="New password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} error={problem} autoComplete="new-password" data-autofocus />
          <PasswordInput label="Repeat it" value={again} onChange={(e) => setAgain(e.currentTarget.value)} error={mismatch ? 'The passwords differ' : null} autoComplete="new-password" />
          {user?.locked && <Text size="sm">Setting a password also unlocks password login.</Text>}
          <Text size="xs" c="dimmed">
            Sent to the host's chpasswd on its standard input; it is not kept by Gatehouse nor written to the audit log.
          </Text>
          {error !== null && error !== undefined && <ErrorAlert error={error} title="Could not set the password" />}
          <Actions busy={busy} onClose={onClose} submit="Set password" disabled={password === '' || password !== again || problem !== null} />
        </Stack>
      </form>
    </Modal>
  );
}

export interface ExpiryValues {
  accountExpiresOn?: string | 'now' | null;
  forcePasswordChange?: boolean;
}

export function ExpireDialog({
  user,
  busy,
  error,
  onSubmit,
  onClose,
}: {
  user: UserAccount | null;
  busy: boolean;
  error: unknown;
  onSubmit: (values: ExpiryValues) => void;
  onClose: () => void;
}) {
  const [mode, setMode] = useState<'keep' | 'never' | 'date' | 'now'>('keep');
  const [date, setDate] = useState('');
  const [force, setForce] = useState(false);
  useEffect(() => {
    setMode('keep');
    setDate(user?.accountExpiresAt ? formatDay(user.accountExpiresAt) : '');
    setForce(false);
  }, [user]);
  const dateOk = /^\d{4}-\d{2}-\d{2}$/.test(date);
  const values: ExpiryValues = {
    ...(mode === 'never' ? { accountExpiresOn: null } : mode === 'now' ? { accountExpiresOn: 'now' } : mode === 'date' ? { accountExpiresOn: date } : {}),
    ...(force ? { forcePasswordChange: true } : {}),
  };
  const nothing = mode === 'keep' && !force;
  return (
    <Modal opened={user !== null} onClose={onClose} title={user ? `Expiry of ${user.name}` : ''}>
      {user && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (!nothing && (mode !== 'date' || dateOk)) onSubmit(values);
          }}
        >
          <Stack gap="sm">
            <Text size="sm">
              The account {user.accountExpiresAt ? (user.accountExpired ? `expired on ${formatDay(user.accountExpiresAt)}` : `expires on ${formatDay(user.accountExpiresAt)}`) : 'never expires'}.
              After that day no login works, neither by password nor by key.
            </Text>
            <Radio.Group value={mode} onChange={(value) => setMode(value as typeof mode)} label="Account expiry">
              <Stack gap={6} mt={6}>
                <Radio value="keep" label="Leave as it is" />
                <Radio value="never" label="Never expires" />
                <Group gap="sm" wrap="nowrap">
                  <Radio value="date" label="Expires on" />
                  <TextInput
                    type="date"
                    aria-label="Expiry date"
                    size="xs"
                    value={date}
                    onChange={(e) => {
                      setDate(e.currentTarget.value);
                      setMode('date');
                    }}
                    error={mode === 'date' && !dateOk ? 'Pick a date' : null}
                  />
                </Group>
                <Radio value="now" label="Expire now (no more logins)" color="red" />
              </Stack>
            </Radio.Group>
            <Checkbox label="Make the user choose a new password at the next login" checked={force} onChange={(e) => setForce(e.currentTarget.checked)} />
            {error !== null && error !== undefined && <ErrorAlert error={error} title="Could not change the expiry" />}
            <Actions busy={busy} onClose={onClose} submit="Apply" color={mode === 'now' ? 'red' : undefined} disabled={nothing || (mode === 'date' && !dateOk)} />
          </Stack>
        </form>
      )}
    </Modal>
  );
}

/** A destructive action the operator confirms by typing the name, as for a folder in the file manager. */
export function TypedConfirmDialog({
  opened,
  title,
  name,
  what,
  warning,
  extra,
  submit,
  busy,
  error,
  approval,
  onConfirm,
  onClose,
}: {
  opened: boolean;
  title: string;
  name: string;
  what: string;
  warning: ReactNode;
  extra?: ReactNode;
  submit: string;
  busy: boolean;
  error: unknown;
  /** The call being confirmed, so a refusal for want of approval offers to request it. */
  approval?: { hostId: string; action: string; params: Record<string, unknown> };
  onConfirm: () => void;
  onClose: () => void;
}) {
  const [typed, setTyped] = useState('');
  useEffect(() => setTyped(''), [opened, name]);
  const confirmed = typed === name;
  return (
    <Modal opened={opened} onClose={onClose} title={title}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (confirmed) onConfirm();
        }}
      >
        <Stack gap="sm">
          <Code block>{name}</Code>
          <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} p="xs">
            {warning}
          </Alert>
          {extra}
          <TextInput
            label={
              <>
                Type <b>{name}</b> to confirm
              </>
            }
            aria-label={`Type the ${what} name to confirm`}
            value={typed}
            onChange={(event) => setTyped(event.currentTarget.value)}
            classNames={{ input: 'gh-mono-input' }}
            autoComplete="off"
            spellCheck={false}
            data-autofocus
          />
          {error !== null &&
            error !== undefined &&
            (approval ? (
              <ErrorOrApproval error={error} {...approval} what={title.replace(/\?$/, '')} title={`Could not delete the ${what}`} />
            ) : (
              <ErrorAlert error={error} title={`Could not delete the ${what}`} />
            ))}
          <Actions busy={busy} onClose={onClose} submit={submit} color="red" disabled={!confirmed} />
        </Stack>
      </form>
    </Modal>
  );
}
