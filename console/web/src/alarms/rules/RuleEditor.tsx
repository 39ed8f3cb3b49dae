/**
 * Writing one alarm rule: the type, that type's fields, what every rule has (id, message, priority, target,
 * latching, shelving, suppression), and a JSON tab for the raw rule. The shared schema checks the rule before it
 * is sent; a refusal from the console (`Alarm rule: setpoint: …`) is shown at the input it names.
 */
import { useMemo, useState } from 'react';
import { Alert, Button, Code, Group, List, Modal, NumberInput, Radio, Select, Stack, Switch, Tabs, Text, TextInput, Textarea, Autocomplete } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { alarmPriorities } from '../../../../../modules/kernel/alarm-model.js';
import { consoleHostId } from '../../../../../modules/kernel/alarm-rules.js';
import { isApiError } from '../../api.js';
import { describeError } from '../../components/ErrorAlert.js';
import { useHosts } from '../../hooks/useHosts.js';
import { usePhone } from '../../hooks/usePhone.js';
import { useSites } from '../../sites/sitesApi.js';
import {
  draftToRule,
  emptyDraft,
  fieldOfPath,
  isRuleType,
  parseRuleError,
  placeProblems,
  ruleToDraft,
  validateRule,
  type RuleDraft,
  type RuleProblem,
} from './ruleForm.js';
import { RuleTypeFields } from './RuleTypeFields.js';
import { priorityText } from '../alarmFormat.js';
import { ruleTypes } from './ruleText.js';
import { useSaveAlarmRule, useSiteTagList, type AlarmRuleView } from './rulesApi.js';

/** The form field a draft key edits, so typing in it clears the mistake shown there. */
const fieldOfDraftKey: Partial<Record<keyof RuleDraft, string>> = {
  targetKind: 'target',
  siteId: 'target',
  hostId: 'target',
  hostSiteId: 'target',
  suppressTag: 'suppressedWhen.tag',
  suppressEquals: 'suppressedWhen.equals',
};

/** Every key some rule type has; anything else in the JSON would be lost by the form. */
const knownKeys = new Set([
  'id', 'type', 'message', 'priority', 'latching', 'maxShelveMinutes', 'target', 'suppressedWhen', 'tag', 'metric', 'limit', 'setpoint',
  'deadband', 'onDelayS', 'offDelayS', 'alarmWhen', 'ratePerMinute', 'windowS', 'direction', 'periodS', 'periods', 'tags', 'commTag', 'heartbeatS', 'missed',
]);

function ProblemList({ problems }: { problems: RuleProblem[] }) {
  if (problems.length === 0) return null;
  return (
    <Alert color="red" variant="light" title="The rule has mistakes" role="alert">
      <List size="sm" spacing={2}>
        {problems.map((p) => (
          <List.Item key={`${p.path}:${p.message}`}>
            <Code fz="xs">{p.path}</Code> {p.message}
          </List.Item>
        ))}
      </List>
    </Alert>
  );
}

export function RuleEditor({ view, existingIds, onClose }: { view: AlarmRuleView | null; existingIds: ReadonlySet<string>; onClose: () => void }) {
  const phone = usePhone();
  const sites = useSites();
  const hosts = useHosts();
  const save = useSaveAlarmRule();
  const editing = view !== null;
  const [draft, setDraft] = useState<RuleDraft>(() => (view ? ruleToDraft(view.rule) : emptyDraft));
  const [tab, setTab] = useState<'form' | 'json'>('form');
  const [jsonText, setJsonText] = useState('');
  const [problems, setProblems] = useState<RuleProblem[]>([]);
  const [failure, setFailure] = useState<unknown>(null);

  // Tag suggestions come from the target's site: the site itself, or the site the host is a gateway of.
  const suggestionSite =
    draft.targetKind === 'site' ? draft.siteId || null : (sites.data?.find((s) => s.gateways.some((g) => g.hostId === draft.hostId))?.id ?? null);
  const siteTags = useSiteTagList(suggestionSite);
  const tagNames = useMemo(() => [...new Set((siteTags.data ?? []).map((t) => t.name))].sort(), [siteTags.data]);
  const unitOf = (tag: string) => siteTags.data?.find((t) => t.name === tag)?.unit || undefined;

  const update = (patch: Partial<RuleDraft>) => {
    setDraft((current) => ({ ...current, ...patch }));
    const touched = new Set(Object.keys(patch).map((key) => fieldOfDraftKey[key as keyof RuleDraft] ?? key));
    setProblems((current) => current.filter((p) => !touched.has(fieldOfPath(p.path))));
    setFailure(null);
  };

  const switchTab = (next: string | null) => {
    if (next === tab || (next !== 'form' && next !== 'json')) return;
    setFailure(null);
    if (next === 'json') {
      setJsonText(JSON.stringify(draftToRule(draft), null, 2));
      setProblems([]);
      setTab('json');
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(jsonText);
    } catch (error) {
      setProblems([{ path: 'rule', message: `not valid JSON (${error instanceof Error ? error.message : String(error)})` }]);
      return;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      setProblems([{ path: 'rule', message: 'a rule is a JSON object' }]);
      return;
    }
    const record = parsed as Record<string, unknown>;
    const unknown = Object.keys(record).filter((key) => !knownKeys.has(key));
    if (unknown.length) {
      setProblems([{ path: 'rule', message: `the form has no place for ${unknown.join(', ')}; remove them or save from this tab` }]);
      return;
    }
    if (!isRuleType(record.type)) {
      setProblems([{ path: 'type', message: `one of ${ruleTypes.map((t) => t.value).join(', ')}` }]);
      return;
    }
    setDraft(ruleToDraft(record));
    setProblems([]);
    setTab('form');
  };

  const submit = () => {
    setFailure(null);
    let rule: unknown;
    if (tab === 'json') {
      try {
        rule = JSON.parse(jsonText);
      } catch (error) {
        setProblems([{ path: 'rule', message: `not valid JSON (${error instanceof Error ? error.message : String(error)})` }]);
        return;
      }
    } else {
      rule = draftToRule(draft);
    }
    const id = typeof rule === 'object' && rule !== null ? (rule as { id?: unknown }).id : undefined;
    if (editing && id !== view.rule.id) {
      setProblems([{ path: 'id', message: `stays ${view.rule.id} for a saved rule; make a new rule for another id` }]);
      return;
    }
    if (!editing && typeof id === 'string' && existingIds.has(id)) {
      setProblems([{ path: 'id', message: 'a rule with this id exists; edit it, or choose another id' }]);
      return;
    }
    const found = validateRule(rule);
    setProblems(found);
    if (found.length || typeof id !== 'string') return;
    save.mutate(
      { id, rule },
      {
        onSuccess: (saved) => {
          notifications.show({ color: 'teal', message: `Rule ${saved.rule.id} saved.` });
          onClose();
        },
        onError: (error) => {
          const problem = isApiError(error, 'invalid-params') ? parseRuleError(error.message) : null;
          if (problem) setProblems([problem]);
          else setFailure(error);
        },
      },
    );
  };

  // The console's own alarms (audit chain) are raised on the host `console`; a deleted host still shows by its id.
  const hostOptions = [
    { value: consoleHostId, label: 'The console itself' },
    ...(hosts.data ?? []).map((h) => ({ value: h.id, label: h.name })),
  ];
  if (draft.hostId && !hostOptions.some((o) => o.value === draft.hostId)) hostOptions.push({ value: draft.hostId, label: draft.hostId });
  const siteOptions = (sites.data ?? []).map((s) => ({ value: s.id, label: s.name }));
  if (draft.siteId && !siteOptions.some((o) => o.value === draft.siteId)) siteOptions.push({ value: draft.siteId, label: draft.siteId });
  const siteName = (siteId: string) => sites.data?.find((s) => s.id === siteId)?.name ?? siteId;

  const placed = placeProblems(problems, draft.type);
  const errors = tab === 'form' ? placed.byField : {};
  const unplaced = tab === 'form' ? placed.elsewhere : problems;
  const failed = failure ? describeError(failure) : null;

  return (
    <Modal
      opened
      onClose={onClose}
      title={<Text fw={650}>{editing ? `Edit rule ${view.rule.id}` : 'New alarm rule'}</Text>}
      size={900}
      fullScreen={phone}
      closeOnClickOutside={false}
    >
      <form
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        <Stack gap="md">
          <Tabs value={tab} onChange={switchTab}>
            <Tabs.List>
              <Tabs.Tab value="form">Form</Tabs.Tab>
              <Tabs.Tab value="json">JSON</Tabs.Tab>
            </Tabs.List>
          </Tabs>

          {tab === 'form' ? (
            <Stack gap="sm">
              <Group gap="sm" align="flex-start">
                <TextInput
                  label="Id"
                  description={editing ? 'Fixed once saved' : 'Letters, digits and _ . : / -'}
                  placeholder="lt201-high-high"
                  value={draft.id}
                  onChange={(event) => update({ id: event.currentTarget.value })}
                  disabled={editing}
                  error={errors.id}
                  spellCheck={false}
                  autoComplete="off"
                  classNames={{ input: 'gh-mono-input' }}
                  w={240}
                  data-autofocus={editing ? undefined : true}
                />
                <Select
                  label="Type"
                  data={ruleTypes.map((t) => ({ value: t.value, label: t.label }))}
                  value={draft.type}
                  onChange={(value) => isRuleType(value) && update({ type: value })}
                  allowDeselect={false}
                  error={errors.type}
                  w={220}
                />
                <Select
                  label="Priority"
                  data={alarmPriorities.map((p) => ({ value: p, label: priorityText(p) }))}
                  value={draft.priority}
                  onChange={(value) => value && update({ priority: value as RuleDraft['priority'] })}
                  allowDeselect={false}
                  error={errors.priority}
                  w={160}
                />
              </Group>

              <RuleTypeFields draft={draft} update={update} errors={errors} tagNames={tagNames} unitOf={unitOf} />

              <TextInput
                label="Message"
                description="What operators read in the alarm list; left empty, it is made from the rule"
                placeholder="Low flow to filter 1"
                value={draft.message}
                onChange={(event) => update({ message: event.currentTarget.value })}
                error={errors.message}
                maxLength={300}
              />

              <Group gap="md" align="flex-start">
                <Radio.Group
                  label="Applies to"
                  value={draft.targetKind}
                  onChange={(value) => update({ targetKind: value === 'host' || value === 'all' ? value : 'site' })}
                >
                  <Group gap="md" mt={8}>
                    <Radio value="site" label="Every gateway of a site" />
                    <Radio value="host" label="One host" />
                    <Radio value="all" label="Every host" />
                  </Group>
                </Radio.Group>
                {draft.targetKind === 'all' ? (
                  errors.target && (
                    <Text size="sm" c="red" mt={26}>
                      {errors.target}
                    </Text>
                  )
                ) : draft.targetKind === 'site' ? (
                  <Select
                    label="Site"
                    data={siteOptions}
                    value={draft.siteId || null}
                    onChange={(value) => update({ siteId: value ?? '' })}
                    placeholder={sites.isPending ? 'Loading sites…' : 'Choose a site'}
                    searchable
                    error={errors.target}
                    w={240}
                  />
                ) : (
                  <Select
                    label="Host"
                    data={hostOptions}
                    value={draft.hostId || null}
                    onChange={(value) => update({ hostId: value ?? '', hostSiteId: '' })}
                    description={draft.hostSiteId ? `Named with site ${siteName(draft.hostSiteId)}` : undefined}
                    placeholder={hosts.isPending ? 'Loading hosts…' : 'Choose a host'}
                    searchable
                    error={errors.target}
                    w={240}
                  />
                )}
              </Group>

              <Group gap="md" align="flex-start">
                <NumberInput
                  label="Max shelve (minutes)"
                  description="0 forbids shelving"
                  value={draft.maxShelveMinutes}
                  onChange={(value) => update({ maxShelveMinutes: value })}
                  error={errors.maxShelveMinutes}
                  min={0}
                  max={7 * 24 * 60}
                  allowDecimal={false}
                  w={180}
                  className="gh-num"
                />
                <Autocomplete
                  label="Suppressed when tag"
                  description="On the same host; empty: never"
                  placeholder="P-101.running"
                  value={draft.suppressTag}
                  onChange={(suppressTag) => update({ suppressTag })}
                  data={tagNames}
                  limit={50}
                  error={errors['suppressedWhen.tag']}
                  spellCheck={false}
                  autoComplete="off"
                  classNames={{ input: 'gh-mono-input' }}
                  w={220}
                />
                <TextInput
                  label="Equals"
                  description="true, false or a number"
                  placeholder="false"
                  value={draft.suppressEquals}
                  onChange={(event) => update({ suppressEquals: event.currentTarget.value })}
                  error={errors['suppressedWhen.equals']}
                  spellCheck={false}
                  autoComplete="off"
                  w={140}
                />
                <Switch
                  label="Latching"
                  description="Stays until reset after it clears"
                  checked={draft.latching}
                  onChange={(event) => update({ latching: event.currentTarget.checked })}
                  mt={26}
                />
              </Group>
            </Stack>
          ) : (
            <Textarea
              label="Rule JSON"
              description="The rule as the API takes it (fields left out take their defaults)"
              value={jsonText}
              onChange={(event) => {
                setJsonText(event.currentTarget.value);
                setProblems([]);
                setFailure(null);
              }}
              autosize
              minRows={14}
              maxRows={30}
              spellCheck={false}
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13 } }}
            />
          )}

          <ProblemList problems={unplaced} />
          {failed && (
            <Alert color="red" variant="light" title="Could not save the rule" role="alert">
              <Text size="sm">
                <Code color="red.1" c="red.9" fz="xs" mr={6}>
                  {failed.code}
                </Code>
                {failed.message}
              </Text>
            </Alert>
          )}

          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              {editing ? 'Save rule' : 'Create rule'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
