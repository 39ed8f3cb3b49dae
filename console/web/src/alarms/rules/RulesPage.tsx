/**
 * Alarm rules (`/alarms/rules`): every rule engineers wrote, what it watches in words, where it applies, its
 * priority and how many of its alarms stand now. Those with `alarm.manage` create, edit and delete rules; the
 * rest read.
 */
import { useMemo, useState } from 'react';
import { ActionIcon, Button, EmptyState, Group, Select, Skeleton, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { IconBellCog, IconPencil, IconPlus, IconTrash } from '@tabler/icons-react';
import { describeError, ErrorAlert } from '../../components/ErrorAlert.js';
import { FilterInput } from '../../components/FilterInput.js';
import { NoFilterMatch } from '../../components/NoFilterMatch.js';
import { RelativeTime } from '../../components/RelativeTime.js';
import { TableFrame, useStickyHeader } from '../../components/TableFrame.js';
import { useHosts } from '../../hooks/useHosts.js';
import { useUser } from '../../session.js';
import { useSites } from '../../sites/sitesApi.js';
import { RuleEditor } from './RuleEditor.js';
import { PriorityChip } from '../AlarmBadges.js';
import { describeRule, ruleSearchText, ruleTypeLabel, ruleTypes, suppressionText, targetText, type TargetNames } from './ruleText.js';
import { useAlarmRules, useDeleteAlarmRule, useSitesTagLists, type AlarmRuleView } from './rulesApi.js';

const tableMinWidth = 1180;

/** "site:<id>", "host:<id>" or "all": one select filters by any. A host target naming its site counts for both. */
function targetKeys(view: AlarmRuleView): string[] {
  const { siteId, hostId, allHosts } = view.rule.target;
  if (allHosts) return ['all'];
  return [...(siteId !== undefined ? [`site:${siteId}`] : []), ...(hostId !== undefined ? [`host:${hostId}`] : [])];
}

function confirmDelete(view: AlarmRuleView, remove: () => void) {
  const standing = view.standing;
  modals.openConfirmModal({
    title: `Delete rule ${view.rule.id}?`,
    children: (
      <Text size="sm">
        {standing === 0
          ? 'No alarm of this rule is standing now. '
          : `${standing} ${standing === 1 ? 'alarm of this rule is' : 'alarms of this rule are'} standing now and will go away with it, unacknowledged or not. `}
        Their history stays in the alarm log.
      </Text>
    ),
    labels: { confirm: standing ? `Delete rule and ${standing} ${standing === 1 ? 'alarm' : 'alarms'}` : 'Delete rule', cancel: 'Cancel' },
    confirmProps: { color: 'red' },
    onConfirm: remove,
  });
}

export function RulesPage() {
  const user = useUser();
  const canManage = user.permissions.includes('alarm.manage');
  const rules = useAlarmRules();
  const sites = useSites();
  const hosts = useHosts();
  const remove = useDeleteAlarmRule();
  const sticky = useStickyHeader(tableMinWidth);
  const [text, setText] = useState('');
  const [type, setType] = useState<string | null>(null);
  const [target, setTarget] = useState<string | null>(null);
  // undefined: closed; null: a new rule; a view: that rule.
  const [editing, setEditing] = useState<AlarmRuleView | null | undefined>(undefined);

  const names = useMemo<TargetNames>(() => {
    const siteNames = new Map((sites.data ?? []).map((s) => [s.id, s.name]));
    const hostNames = new Map((hosts.data ?? []).map((h) => [h.id, h.name]));
    return { site: (id) => siteNames.get(id), host: (id) => hostNames.get(id) };
  }, [sites.data, hosts.data]);

  // Units come from each site's tag list: the sites the rules aim at, directly or through a gateway host.
  const list = useMemo(() => [...(rules.data ?? [])].sort((a, b) => a.rule.id.localeCompare(b.rule.id)), [rules.data]);
  const siteOfHost = useMemo(() => {
    const map = new Map<string, string>();
    for (const site of sites.data ?? []) for (const gateway of site.gateways) map.set(gateway.hostId, site.id);
    return map;
  }, [sites.data]);
  const siteOfRule = (view: AlarmRuleView) => view.rule.target.siteId ?? siteOfHost.get(view.rule.target.hostId ?? '');
  const tagSites = [...new Set(list.map(siteOfRule).filter((id): id is string => id !== undefined))].sort();
  const tagLists = useSitesTagLists(tagSites);
  const unitBySite = new Map(tagSites.map((siteId, i) => [siteId, new Map((tagLists[i]?.data ?? []).map((t) => [t.name, t.unit]))]));
  const unitOf = (view: AlarmRuleView) => (tag: string) => unitBySite.get(siteOfRule(view) ?? '')?.get(tag) || undefined;

  const needle = text.trim().toLowerCase();
  const shown = list.filter(
    (view) =>
      (type === null || view.rule.type === type) &&
      (target === null || targetKeys(view).includes(target)) &&
      (needle === '' || ruleSearchText(view.rule, names).includes(needle)),
  );
  const filtered = needle !== '' || type !== null || target !== null;
  const targetOptions = [...new Set(list.flatMap(targetKeys))]
    .map((key) => {
      const [kind, id = ''] = key.split(/:(.*)/s);
      if (kind === 'all') return { value: key, label: 'Every host' };
      return { value: key, label: kind === 'site' ? `Site ${names.site(id) ?? id}` : targetText({ hostId: id }, names) };
    })
    .sort((a, b) => a.label.localeCompare(b.label));
  const standingTotal = list.reduce((sum, view) => sum + view.standing, 0);

  const clearFilters = () => {
    setText('');
    setType(null);
    setTarget(null);
  };

  const deleteRule = (view: AlarmRuleView) =>
    confirmDelete(view, () =>
      remove.mutate(view.rule.id, {
        onSuccess: () => notifications.show({ color: 'gray', message: `Rule ${view.rule.id} deleted.` }),
        onError: (error) => {
          const { code, message } = describeError(error);
          notifications.show({ color: 'red', title: `Could not delete rule ${view.rule.id}`, message: `${message} (${code})` });
        },
      }),
    );

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2}>Alarm rules</Title>
          <Text size="sm" c="dimmed">
            {list.length
              ? `${list.length} ${list.length === 1 ? 'rule' : 'rules'} · ${standingTotal} standing ${standingTotal === 1 ? 'alarm' : 'alarms'}`
              : 'Written once, applied to every gateway of a site or to one host.'}
            {!canManage && ' · Read only: changing rules needs the alarm.manage permission.'}
          </Text>
        </div>
        {canManage && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing(null)}>
            New rule
          </Button>
        )}
      </Group>

      <Group gap="sm" align="flex-end">
        <FilterInput label="Filter rules" placeholder="Id, tag, message…" value={text} onChange={setText} w={{ base: '100%', xs: 260 }} />
        <Select label="Type" placeholder="Any type" data={ruleTypes.map((t) => ({ value: t.value, label: t.label }))} value={type} onChange={setType} clearable w={{ base: 'calc(50% - 6px)', xs: 200 }} />
        <Select label="Target" placeholder="Any site or host" data={targetOptions} value={target} onChange={setTarget} clearable searchable w={{ base: 'calc(50% - 6px)', xs: 220 }} />
        {filtered && (
          <Button variant="subtle" onClick={clearFilters}>
            Clear filters
          </Button>
        )}
      </Group>

      {rules.isError && !rules.data ? (
        <ErrorAlert error={rules.error} title="Could not load the alarm rules" onRetry={() => void rules.refetch()} />
      ) : rules.isPending ? (
        <Skeleton h={200} radius="md" />
      ) : list.length === 0 ? (
        <EmptyState
          icon={<IconBellCog size={26} />}
          withIndicatorBackground
          title="No alarm rules yet"
          description={canManage ? 'Start with a tag limit or a host-offline rule for a site.' : 'An engineer with alarm.manage writes them.'}
        />
      ) : shown.length === 0 ? (
        <NoFilterMatch title="No rule matches the filters" onClear={clearFilters} />
      ) : (
        <TableFrame minWidth={tableMinWidth}>
            <Table verticalSpacing={6} fz="sm" highlightOnHover {...sticky} aria-label="Alarm rules">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Rule</Table.Th>
                  <Table.Th>Type</Table.Th>
                  <Table.Th>Watches</Table.Th>
                  <Table.Th>Target</Table.Th>
                  <Table.Th>Priority</Table.Th>
                  <Table.Th ta="right">Standing</Table.Th>
                  <Table.Th>Updated</Table.Th>
                  {canManage && <Table.Th w={80} aria-label="Actions" />}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {shown.map((view) => {
                  const { rule } = view;
                  const suppression = suppressionText(rule);
                  return (
                    <Table.Tr key={rule.id} data-rule-id={rule.id}>
                      <Table.Td>
                        <Text size="sm" ff="monospace" fw={600}>
                          {rule.id}
                        </Text>
                        {rule.message && (
                          <Text size="xs" c="dimmed" lineClamp={1}>
                            {rule.message}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>
                        {ruleTypeLabel(rule.type)}
                        {/* Latching is the exception: said only where it holds. */}
                        {rule.latching && (
                          <Text size="xs" c="dimmed">
                            latching: waits for a reset
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{describeRule(rule, unitOf(view))}</Text>
                        {suppression && (
                          <Text size="xs" c="dimmed">
                            {suppression}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>{targetText(rule.target, names)}</Table.Td>
                      <Table.Td>
                        <PriorityChip priority={rule.priority} strong={false} />
                      </Table.Td>
                      <Table.Td ta="right" className="gh-num">
                        <Text size="sm" fw={view.standing ? 650 : undefined} c={view.standing ? undefined : 'dimmed'}>
                          {view.standing}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" lineClamp={1}>
                          {view.updatedBy}
                        </Text>
                        <RelativeTime iso={view.updatedAt} size="xs" c="dimmed" />
                      </Table.Td>
                      {canManage && (
                        <Table.Td>
                          <Group gap={4} wrap="nowrap">
                            <Tooltip label="Edit">
                              <ActionIcon variant="subtle" color="gray" aria-label={`Edit rule ${rule.id}`} onClick={() => setEditing(view)}>
                                <IconPencil size={16} />
                              </ActionIcon>
                            </Tooltip>
                            <Tooltip label="Delete">
                              <ActionIcon variant="subtle" color="red" aria-label={`Delete rule ${rule.id}`} onClick={() => deleteRule(view)}>
                                <IconTrash size={16} />
                              </ActionIcon>
                            </Tooltip>
                          </Group>
                        </Table.Td>
                      )}
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
        </TableFrame>
      )}

      {editing !== undefined && canManage && (
        <RuleEditor view={editing} existingIds={new Set(list.map((v) => v.rule.id))} onClose={() => setEditing(undefined)} />
      )}
    </Stack>
  );
}
