/** A new password for someone else's account; their open sessions end. */
import { useState } from 'react';
import { Button, Group, Modal, PasswordInput, Stack } from '@mantine/core';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { useChangeAccount } from './accountsApi.js';
import type { AccountView } from '../../../../modules/kernel/access.js';

export function PasswordDialog({ account, onClose }: { account: AccountView; onClose: () => void }) {
  const [password, setPassword] = useState('');
  const change = useChangeAccount();
  return (
    <Modal opened onClose={onClose} title={`New password for ${account.username}`} centered closeButtonProps={{ 'aria-label': 'Close' }}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          change.mutate({ id: account.id, change: { password } }, { onSuccess: onClose });
        }}
      >
        <Stack gap="sm">
          <PasswordInput
            label="New password"
            description="At least 12 characters. Their open sessions end."
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            autoComplete="new-password"
            data-autofocus
          />
          {change.isError && <ErrorAlert error={change.error} title="The password was not changed" />}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={change.isPending} disabled={password.length < 12}>
              Set password
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
