/**
 * An account's grants as rows: a role (from GET /api/scopes roles), where it holds (only the kinds of scope the
 * caller may give), and which site, host group or host. The server checks each grant again and refuses what is
 * beyond the caller's reach; the form shows its answer.
 */
import { ActionIcon, Box, Button, Flex, Group, Input, Paper, Select, Stack, Text, Tooltip } from '@mantine/core';
import { usePhone } from '../hooks/usePhone.js';
import { IconPlus, IconX } from '@tabler/icons-react';
import { allowedKinds, emptyGrantDraft, scopeKindLabels, targetOptions, type GrantDraft, type Option, type ScopeKind } from './grants.js';
import type { GrantableScopes, GrantView } from '../../../../modules/kernel/access.js';

const targetLabel: Record<Exclude<ScopeKind, 'fleet'>, string> = { site: 'Site', group: 'Host group (tag)', host: 'Host' };

function GrantRow({
  draft,
  index,
  scopes,
  current,
  removable,
  onChange,
  onRemove,
}: {
  draft: GrantDraft;
  index: number;
  scopes: GrantableScopes | undefined;
  /** The account's grant this row started from, for names the caller's lists do not have. */
  current: GrantView | undefined;
  removable: boolean;
  onChange: (draft: GrantDraft) => void;
  onRemove: () => void;
}) {
  const roleOptions: Option[] = (scopes?.roles ?? []).map((r) => ({ value: r.id, label: r.name }));
  if (current && draft.role === current.role && !roleOptions.some((o) => o.value === current.role)) roleOptions.unshift({ value: current.role, label: current.roleName });
  const kinds = scopes ? allowedKinds(scopes) : [];
  if (!kinds.includes(draft.kind)) kinds.unshift(draft.kind);
  const keep = current && current.scope.kind === draft.kind && draft.target ? { target: draft.target, name: current.scopeName } : undefined;
  const n = index + 1;
  const phone = usePhone();
  const remove = (
    <Tooltip label="Remove this grant">
      <ActionIcon variant="subtle" color="gray" size={phone ? 'md' : 'lg'} onClick={onRemove} aria-label={`Remove grant ${n}`} style={{ alignSelf: 'flex-end' }}>
        <IconX size={16} />
      </ActionIcon>
    </Tooltip>
  );
  return (
    <Paper withBorder radius="sm" p="xs" data-grant-row={n}>
      {/* On a phone the fields stack; the remove button goes to the row's head instead of a line of its own. */}
      {phone && (
        <Group justify="space-between" mb={4}>
          <Text size="xs" c="dimmed" fw={600}>
            Grant {n}
          </Text>
          {removable && remove}
        </Group>
      )}
      <Flex direction={{ base: 'column', sm: 'row' }} gap="xs" align={{ base: 'stretch', sm: 'flex-end' }}>
        <Select
          label="Role"
          aria-label={`Role of grant ${n}`}
          placeholder="Choose a role"
          data={roleOptions}
          value={draft.role}
          onChange={(role) => onChange({ ...draft, role })}
          searchable
          allowDeselect={false}
          style={{ flex: 1.2 }}
          comboboxProps={{ withinPortal: true }}
        />
        <Select
          label="Where"
          aria-label={`Where grant ${n} holds`}
          data={kinds.map((kind) => ({ value: kind, label: scopeKindLabels[kind] }))}
          value={draft.kind}
          onChange={(kind) => kind && kind !== draft.kind && onChange({ ...draft, kind: kind as ScopeKind, target: null })}
          allowDeselect={false}
          style={{ flex: 0.9 }}
        />
        {draft.kind === 'fleet' ? (
          <Text size="sm" c="dimmed" style={{ flex: 1.4 }} pb={{ base: 0, sm: 8 }} visibleFrom="sm">
            Every host and site.
          </Text>
        ) : (
          <Select
            label={targetLabel[draft.kind]}
            aria-label={`${targetLabel[draft.kind]} of grant ${n}`}
            placeholder={`Choose a ${draft.kind === 'group' ? 'tag' : draft.kind}`}
            data={targetOptions(draft.kind, scopes, keep)}
            value={draft.target}
            onChange={(target) => onChange({ ...draft, target })}
            searchable
            allowDeselect={false}
            nothingFoundMessage="None you may give"
            style={{ flex: 1.4 }}
          />
        )}
        {/* The one grant an account must have has no remove button; the space stays so the rows line up. */}
        {!phone && (removable ? remove : <Box w={34} style={{ flexShrink: 0 }} />)}
      </Flex>
    </Paper>
  );
}

export function GrantEditor({
  drafts,
  onChange,
  scopes,
  current,
}: {
  drafts: GrantDraft[];
  onChange: (drafts: GrantDraft[]) => void;
  scopes: GrantableScopes | undefined;
  /** The account's grants before editing, by the key of the row made from each. */
  current?: ReadonlyMap<string, GrantView>;
}) {
  return (
    <Stack gap="xs">
      <div>
        <Input.Label>Grants</Input.Label>
        <Input.Description>Each grant gives a role on the whole fleet, a site, a host group or one host. An account can hold several.</Input.Description>
      </div>
      {drafts.map((draft, index) => (
        <GrantRow
          key={draft.key}
          draft={draft}
          index={index}
          scopes={scopes}
          current={current?.get(draft.key)}
          removable={drafts.length > 1}
          onChange={(next) => onChange(drafts.map((d) => (d.key === draft.key ? next : d)))}
          onRemove={() => onChange(drafts.filter((d) => d.key !== draft.key))}
        />
      ))}
      <Button variant="subtle" size="compact-sm" leftSection={<IconPlus size={14} />} onClick={() => onChange([...drafts, emptyGrantDraft(scopes)])} style={{ alignSelf: 'flex-start' }}>
        Add a grant
      </Button>
    </Stack>
  );
}
