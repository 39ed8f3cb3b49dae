/**
 * Roles and the permission catalogue: every permission code the modules declare and the console's own, with its
 * module, risk and a sentence in plain words, and what each role (built-in or custom) allows or denies. Generated
 * by the console from the module contracts (GET /api/permissions), so it is never out of date. People who manage
 * accounts on the whole fleet make, change and delete custom roles here; everyone else reads.
 */
import { useMemo, useState } from 'react';
import { Button, Group, Stack, Text, Title } from '@mantine/core';
import { modals } from '@mantine/modals';
import { IconPlus } from '@tabler/icons-react';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { FilterInput } from '../components/FilterInput.js';
import { roleLabel } from '../components/UserMenu.js';
import { useUser } from '../session.js';
import { CatalogueTable } from '../roles/CatalogueTable.js';
import { RoleCards } from '../roles/RoleCards.js';
import { RoleEditor } from '../roles/RoleEditor.js';
import { groupByModule } from '../roles/roleDraft.js';
import { useCatalogue, useDeleteRole, useGrantableScopes, useRoles } from '../roles/rolesApi.js';
import type { RoleView } from '../../../../modules/kernel/access.js';

/** Editing: null (closed), 'new', or the custom role being changed. */
type Editing = null | 'new' | RoleView;

export function RolesPage() {
  const user = useUser();
  const manages = user.permissions.includes('account.manage');
  const catalogue = useCatalogue();
  const roleList = useRoles();
  // Roles are changed only with account.manage on the whole fleet: a site's delegated administrator reads.
  const scopes = useGrantableScopes(manages);
  const canEdit = manages && scopes.data?.fleet === true;
  const [text, setText] = useState('');
  const [editing, setEditing] = useState<Editing>(null);
  const remove = useDeleteRole();

  // Until GET /api/roles answers (or where it cannot), the catalogue's built-in roles fill the columns.
  const roles: RoleView[] = useMemo(
    () =>
      roleList.data ??
      (catalogue.data?.roles ?? []).map((r) => ({ id: r.id, name: roleLabel(r.id), summary: r.summary, builtIn: true, allow: r.codes, deny: [], grantCount: 0 })),
    [roleList.data, catalogue.data],
  );
  const permissions = catalogue.data?.permissions ?? [];
  const groups = useMemo(() => groupByModule(permissions, text), [permissions, text]);

  const confirmDelete = (role: RoleView) =>
    modals.openConfirmModal({
      title: `Delete the role ${role.name}?`,
      children: <Text size="sm">No grant uses it. Accounts and tokens are not changed; the role is gone from the lists.</Text>,
      labels: { confirm: 'Delete role', cancel: 'Keep it' },
      confirmProps: { color: 'red' },
      onConfirm: () => remove.mutate(role.id),
    });

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-start">
        <div>
          <Title order={2}>Roles and permissions</Title>
          <Text size="sm" c="dimmed" maw={760}>
            Every permission code, from the modules&apos; own declarations, and what each role allows or denies. Deny by default: a role holds
            only what is ticked, and a denied code stays denied wherever that role is granted.
          </Text>
        </div>
        {canEdit && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')} disabled={!catalogue.data}>
            New role
          </Button>
        )}
      </Group>
      {catalogue.isError && <ErrorAlert error={catalogue.error} title="Could not load the permission catalogue" />}
      {roleList.isError && <ErrorAlert error={roleList.error} title="Could not load the custom roles; showing the built-in ones" />}
      {remove.isError && <ErrorAlert error={remove.error} title="The role was not deleted" />}
      <RoleCards roles={roles} catalogueSize={permissions.length} canEdit={canEdit} onEdit={setEditing} onDelete={confirmDelete} />
      <FilterInput label="Filter permissions" placeholder="Code, module or words…" value={text} onChange={setText} w={{ base: '100%', xs: 320 }} />
      <CatalogueTable groups={groups} roles={roles} loading={catalogue.isPending} />
      {editing && catalogue.data && (
        <RoleEditor role={editing === 'new' ? null : editing} roles={roles} permissions={permissions} onClose={() => setEditing(null)} />
      )}
    </Stack>
  );
}
