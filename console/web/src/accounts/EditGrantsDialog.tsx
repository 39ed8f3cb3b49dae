/** Change an account's grants: the rows start as the account's grants, and saving replaces all of them. */
import { useMemo, useState } from 'react';
import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { usePhone } from '../hooks/usePhone.js';
import { useGrantableScopes } from '../roles/rolesApi.js';
import { useChangeAccount } from './accountsApi.js';
import { GrantEditor } from './GrantEditor.js';
import { draftsToGrants, grantDraftFrom, type GrantDraft } from './grants.js';
import type { AccountView, GrantView } from '../../../../modules/kernel/access.js';

export function EditGrantsDialog({ account, onClose }: { account: AccountView; onClose: () => void }) {
  const phone = usePhone();
  const scopes = useGrantableScopes();
  const change = useChangeAccount();
  const start = useMemo(() => {
    const current = new Map<string, GrantView>();
    const drafts = account.grants.map((grant) => {
      const draft = grantDraftFrom(grant);
      current.set(draft.key, grant);
      return draft;
    });
    return { drafts, current };
  }, [account]);
  const [drafts, setDrafts] = useState<GrantDraft[]>(start.drafts);
  const [tried, setTried] = useState(false);
  const { grants, problem } = draftsToGrants(drafts);

  return (
    <Modal opened onClose={onClose} title={`Grants of ${account.username}`} size="xl" fullScreen={phone} radius="md" closeButtonProps={{ 'aria-label': 'Close' }}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          setTried(true);
          if (grants) change.mutate({ id: account.id, change: { grants } }, { onSuccess: onClose });
        }}
      >
        <Stack gap="sm">
          <Text size="sm" c="dimmed">
            Saving replaces all of the account&apos;s grants with these, and ends its open sessions.
          </Text>
          {scopes.isError && <ErrorAlert error={scopes.error} title="Could not load where you may give grants" />}
          <GrantEditor drafts={drafts} onChange={setDrafts} scopes={scopes.data} current={start.current} />
          {tried && problem && (
            <Alert color="yellow" variant="light" p="xs" role="status">
              {problem}
            </Alert>
          )}
          {change.isError && <ErrorAlert error={change.error} title="The grants were not changed" />}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={change.isPending}>
              Save grants
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
