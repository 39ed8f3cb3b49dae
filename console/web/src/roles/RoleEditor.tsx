/**
 * Making or changing a custom role (POST /api/roles, PUT /api/roles/:id): a name, a summary, and for each
 * catalogue code allow / — / deny, grouped by module with a per-module "allow all reads", a filter, and a start
 * from any existing role. The server's answer (a refusal, a clash of names) shows inside the editor.
 */
import { useCallback, useMemo, useReducer, useState } from 'react';
import { Alert, Badge, Box, Button, Divider, Drawer, Group, Select, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { FilterInput } from '../components/FilterInput.js';
import { NoFilterMatch } from '../components/NoFilterMatch.js';
import { usePhone } from '../hooks/usePhone.js';
import { ChoiceRow } from './ChoiceRow.js';
import { useSaveRole } from './rolesApi.js';
import {
  choiceOf,
  countChoices,
  draftFromRole,
  draftProblem,
  draftToRequest,
  emptyDraft,
  groupByModule,
  roleDraftReducer,
  type Choice,
  type ModuleGroup,
  type Permission,
  type RoleDraft,
} from './roleDraft.js';
import type { RoleView } from '../../../../modules/kernel/access.js';

/** Allowed and denied counts; `quiet` leaves out the zeros (a module's header stays calm until something is chosen). */
function Counts({ allowed, denied, quiet = false }: { allowed: number; denied: number; quiet?: boolean }) {
  return (
    <Group gap={6} wrap="nowrap">
      {(allowed > 0 || !quiet) && (
        <Badge color={allowed ? 'teal' : 'gray'} variant="light" size="sm" radius="sm" style={{ textTransform: 'none' }}>
          {allowed} allowed
        </Badge>
      )}
      {(denied > 0 || !quiet) && (
        <Badge color={denied ? 'red' : 'gray'} variant="light" size="sm" radius="sm" style={{ textTransform: 'none' }}>
          {denied} denied
        </Badge>
      )}
    </Group>
  );
}

function ModuleSection({ group, draft, onChoose, dispatchReads, clear }: {
  group: ModuleGroup;
  draft: RoleDraft;
  onChoose: (code: string, choice: Choice) => void;
  dispatchReads: (codes: Permission[]) => void;
  clear: (codes: string[]) => void;
}) {
  const codes = group.permissions.map((p) => p.code);
  const counts = countChoices(draft, codes);
  const hasReads = group.permissions.some((p) => p.risk === 'read');
  return (
    <Box component="section" aria-label={group.title} data-editor-module={group.module}>
      <Group justify="space-between" gap="xs" py={6} px="xs" wrap="wrap" style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}>
        <Group gap="sm" wrap="nowrap">
          <Text fw={650} size="sm">
            {group.title}
          </Text>
          <Counts {...counts} quiet />
        </Group>
        <Group gap={4} wrap="nowrap">
          {hasReads && (
            <Button size="compact-xs" variant="light" onClick={() => dispatchReads(group.permissions)}>
              Allow all reads
            </Button>
          )}
          <Button size="compact-xs" variant="subtle" color="gray" disabled={counts.allowed + counts.denied === 0} onClick={() => clear(codes)}>
            Clear
          </Button>
        </Group>
      </Group>
      <Stack gap={2} py={4}>
        {group.permissions.map((p) => (
          <ChoiceRow key={p.code} permission={p} choice={choiceOf(draft, p.code)} onChoose={onChoose} />
        ))}
      </Stack>
    </Box>
  );
}

export function RoleEditor({
  role,
  roles,
  permissions,
  onClose,
}: {
  /** The custom role being changed; null for a new one. */
  role: RoleView | null;
  /** Roles to start from. */
  roles: RoleView[];
  permissions: Permission[];
  onClose: () => void;
}) {
  const phone = usePhone();
  const [draft, dispatch] = useReducer(roleDraftReducer, role, (r) => (r ? draftFromRole(r) : emptyDraft));
  const [filter, setFilter] = useState('');
  const [startFrom, setStartFrom] = useState<string | null>(null);
  const [tried, setTried] = useState(false);
  const save = useSaveRole(role?.id ?? null);
  const groups = useMemo(() => groupByModule(permissions, filter), [permissions, filter]);
  const onChoose = useCallback((code: string, choice: Choice) => dispatch({ type: 'choose', code, choice }), []);
  const total = countChoices(draft);
  const problem = draftProblem(draft);

  const submit = () => {
    setTried(true);
    if (problem) return;
    save.mutate(draftToRequest(draft), { onSuccess: onClose });
  };

  return (
    <Drawer
      opened
      onClose={onClose}
      position="right"
      size={phone ? '100%' : 760}
      title={<Text fw={650}>{role ? `Edit role ${role.name}` : 'New role'}</Text>}
      closeOnClickOutside={false}
      aria-label={role ? `Edit role ${role.name}` : 'New role'}
      closeButtonProps={{ 'aria-label': 'Close' }}
    >
      <form
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        <Stack gap="sm">
          <TextInput
            label="Name"
            description={role ? `Its id stays ${role.id}.` : 'What people will see in grants; the id is made from it.'}
            placeholder="e.g. Pump station viewer"
            required
            maxLength={64}
            data-autofocus
            value={draft.name}
            onChange={(e) => dispatch({ type: 'name', name: e.currentTarget.value })}
            error={tried && !draft.name.trim() ? 'Give the role a name.' : undefined}
          />
          <Textarea
            label="Summary"
            description="One sentence: who holds it and why."
            autosize
            minRows={1}
            maxRows={3}
            maxLength={300}
            value={draft.summary}
            onChange={(e) => dispatch({ type: 'summary', summary: e.currentTarget.value })}
          />
          <Select
            label="Start from"
            description="Copies that role's allows and denies; then change what you need."
            placeholder="A role to copy…"
            data={roles.filter((r) => r.id !== role?.id).map((r) => ({ value: r.id, label: r.builtIn ? r.name : `${r.name} (custom)` }))}
            value={startFrom}
            clearable
            onChange={(id) => {
              setStartFrom(id);
              const from = roles.find((r) => r.id === id);
              if (from) dispatch({ type: 'start-from', role: from });
            }}
          />
          <Divider mt={4} />
          <Group justify="space-between" gap="sm" wrap="wrap">
            <FilterInput label="Filter permissions" placeholder="Code, module or words…" value={filter} onChange={setFilter} w={{ base: '100%', xs: 300 }} />
            <Group gap="xs" wrap="nowrap" data-testid="role-counts">
              <Text size="sm" c="dimmed">
                In all:
              </Text>
              <Counts {...total} />
            </Group>
          </Group>
          <Text size="xs" c="dimmed">
            Deny by default: a role gives only what it allows. A denied code is taken away wherever this role holds, even if another grant of the
            same person allows it.
          </Text>
          <Stack gap="xs">
            {groups.map((group) => (
              <ModuleSection
                key={group.module}
                group={group}
                draft={draft}
                onChoose={onChoose}
                dispatchReads={(codes) => dispatch({ type: 'allow-reads', codes })}
                clear={(codes) => dispatch({ type: 'clear', codes })}
              />
            ))}
            {groups.length === 0 && <NoFilterMatch title="No permission matches the filter" onClear={() => setFilter('')} />}
          </Stack>
          <Box
            pos="sticky"
            bottom={0}
            py="sm"
            bg="var(--mantine-color-body)"
            style={{ borderTop: '1px solid var(--mantine-color-default-border)', zIndex: 2 }}
          >
            <Stack gap="xs">
              {save.isError && <ErrorAlert error={save.error} title={role ? 'The role was not changed' : 'The role was not made'} />}
              {tried && problem && !save.isError && (
                <Alert color="yellow" variant="light" p="xs" role="status">
                  {problem}
                </Alert>
              )}
              <Group justify="flex-end" gap="xs">
                <Button variant="default" onClick={onClose}>
                  Cancel
                </Button>
                <Button type="submit" loading={save.isPending}>
                  {role ? 'Save role' : 'Create role'}
                </Button>
              </Group>
            </Stack>
          </Box>
        </Stack>
      </form>
    </Drawer>
  );
}
