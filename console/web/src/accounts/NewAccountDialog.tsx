/** "New account": a username, a first password, and one or more grants. */
import { useMemo, useState } from 'react';
import { Alert, Button, Group, Modal, PasswordInput, Stack, TextInput } from '@mantine/core';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { usePhone } from '../hooks/usePhone.js';
import { useGrantableScopes } from '../roles/rolesApi.js';
import { useCreateAccount } from './accountsApi.js';
import { GrantEditor } from './GrantEditor.js';
import { draftsToGrants, emptyGrantDraft, type GrantDraft } from './grants.js';

export function NewAccountDialog({ onClose }: { onClose: () => void }) {
  const phone = usePhone();
  const scopes = useGrantableScopes();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [drafts, setDrafts] = useState<GrantDraft[] | null>(null);
  const [tried, setTried] = useState(false);
  const create = useCreateAccount();
  // The first row waits for the scopes, so a delegated administrator starts on their own site.
  const firstRow = useMemo(() => [emptyGrantDraft(scopes.data)], [scopes.data]);
  const rows = drafts ?? firstRow;
  const { grants, problem } = draftsToGrants(rows);

  return (
    <Modal opened onClose={onClose} title="New account" size="xl" fullScreen={phone} radius="md" closeButtonProps={{ 'aria-label': 'Close' }}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          setTried(true);
          if (grants && username.trim() && password.length >= 12) create.mutate({ username: username.trim(), password, grants }, { onSuccess: onClose });
        }}
      >
        <Stack gap="sm">
          <TextInput label="Username" required value={username} onChange={(e) => setUsername(e.currentTarget.value)} data-autofocus autoComplete="off" />
          <PasswordInput
            label="Password"
            required
            description="At least 12 characters. Tell it to the person by a separate channel."
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            autoComplete="new-password"
            error={tried && password.length < 12 ? 'At least 12 characters.' : undefined}
          />
          {scopes.isError && <ErrorAlert error={scopes.error} title="Could not load where you may give grants" />}
          <GrantEditor drafts={rows} onChange={setDrafts} scopes={scopes.data} />
          {tried && problem && (
            <Alert color="yellow" variant="light" p="xs" role="status">
              {problem}
            </Alert>
          )}
          {create.isError && <ErrorAlert error={create.error} title="The account was not created" />}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Create account
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
