/**
 * The inputs one rule type has: thresholds for limit and metric rules, the state for digital, rate and window,
 * comm-loss periods and tags, heartbeats. Labels are what the tests and screen readers find the inputs by.
 */
import { Autocomplete, Group, NumberInput, SegmentedControl, Select, TagsInput, Text } from '@mantine/core';
import type { RuleDraft } from './ruleForm.js';
import { metricSuggestions, metricUnit } from './ruleText.js';
import { formatUnit } from '../../sites/tagState.js';

export interface FieldProps {
  draft: RuleDraft;
  update: (patch: Partial<RuleDraft>) => void;
  /** The message of a mistake at each field (by rule key). */
  errors: Record<string, string>;
  /** Tag names of the target's site, for suggestions. */
  tagNames: string[];
  unitOf: (tag: string) => string | undefined;
}

/** NumberInput gives a number, '' when empty, or a string while half typed ("1."). */
const asField = (value: number | string): number | string => value;

function Seconds({ label, field, description, min = 0, ...props }: { label: string; field: keyof RuleDraft; description?: string; min?: number } & Pick<FieldProps, 'draft' | 'update' | 'errors'>) {
  return (
    <NumberInput
      label={label}
      description={description}
      value={props.draft[field] as number | string}
      onChange={(value) => props.update({ [field]: asField(value) })}
      error={props.errors[field]}
      min={min}
      allowDecimal={false}
      rightSection={<Text size="sm" c="dimmed">s</Text>}
      w={150}
      className="gh-num"
    />
  );
}

function unitSection(unit: string | undefined) {
  return unit ? { rightSection: <Text size="sm" c="dimmed">{formatUnit(unit)}</Text>, rightSectionWidth: Math.max(36, unit.length * 9 + 16) } : {};
}

function TagField({ draft, update, errors, tagNames, unitOf }: FieldProps) {
  const unit = draft.tag ? unitOf(draft.tag) : undefined;
  return (
    <Autocomplete
      label="Tag"
      description={unit ? `Unit: ${formatUnit(unit)}` : tagNames.length ? undefined : 'Choose the target to get its tags as suggestions'}
      placeholder="LT-201"
      value={draft.tag}
      onChange={(tag) => update({ tag })}
      data={tagNames}
      limit={50}
      error={errors.tag}
      spellCheck={false}
      autoComplete="off"
      classNames={{ input: 'gh-mono-input' }}
      w={260}
    />
  );
}

function Threshold(props: FieldProps) {
  const { draft, update, errors } = props;
  const unit = draft.type === 'metric' ? metricUnit(draft.metric) : draft.tag ? props.unitOf(draft.tag) : undefined;
  return (
    <>
      <Group gap="sm" align="flex-start">
        {draft.type === 'metric' ? (
          <Autocomplete
            label="Metric"
            description="Free text; the console feeds these and disk.<mount>.used.percent"
            placeholder="disk.used.percent"
            value={draft.metric}
            onChange={(metric) => update({ metric })}
            data={[...metricSuggestions]}
            error={errors.metric}
            spellCheck={false}
            autoComplete="off"
            classNames={{ input: 'gh-mono-input' }}
            w={260}
          />
        ) : (
          <TagField {...props} />
        )}
        <div>
          <Text size="sm" fw={500} id="rule-limit-label">
            Limit
          </Text>
          <SegmentedControl
            aria-labelledby="rule-limit-label"
            value={draft.limit}
            onChange={(value) => update({ limit: value as RuleDraft['limit'] })}
            data={['HH', 'H', 'L', 'LL']}
            mt={4}
          />
          {errors.limit && (
            <Text size="xs" c="red">
              {errors.limit}
            </Text>
          )}
        </div>
      </Group>
      <Group gap="sm" align="flex-start">
        <NumberInput
          label="Setpoint"
          description={draft.limit === 'HH' || draft.limit === 'H' ? 'Active at or above' : 'Active at or below'}
          value={draft.setpoint}
          onChange={(value) => update({ setpoint: asField(value) })}
          error={errors.setpoint}
          w={170}
          className="gh-num"
          {...unitSection(unit)}
        />
        <NumberInput
          label="Deadband"
          description="Clears this far back past it"
          value={draft.deadband}
          onChange={(value) => update({ deadband: asField(value) })}
          error={errors.deadband}
          min={0}
          w={170}
          className="gh-num"
          {...unitSection(unit)}
        />
        <Seconds label="On-delay" field="onDelayS" description="Holds this long to raise" {...props} />
        <Seconds label="Off-delay" field="offDelayS" description="Gone this long to clear" {...props} />
      </Group>
    </>
  );
}

/** The fields of the draft's type; drift rules have none. */
export function RuleTypeFields(props: FieldProps) {
  const { draft, update, errors, tagNames } = props;
  switch (draft.type) {
    case 'limit':
    case 'metric':
      return <Threshold {...props} />;
    case 'digital':
      return (
        <Group gap="sm" align="flex-start">
          <TagField {...props} />
          <Select
            label="Alarm when"
            data={[
              { value: 'true', label: 'true (1, on)' },
              { value: 'false', label: 'false (0, off)' },
            ]}
            value={String(draft.alarmWhen)}
            onChange={(value) => update({ alarmWhen: value === 'true' })}
            allowDeselect={false}
            error={errors.alarmWhen}
            w={150}
          />
          <Seconds label="On-delay" field="onDelayS" {...props} />
          <Seconds label="Off-delay" field="offDelayS" {...props} />
        </Group>
      );
    case 'rate-of-change': {
      const unit = draft.tag ? props.unitOf(draft.tag) : undefined;
      return (
        <Group gap="sm" align="flex-start">
          <TagField {...props} />
          <NumberInput
            label="Rate per minute"
            value={draft.ratePerMinute}
            onChange={(value) => update({ ratePerMinute: asField(value) })}
            error={errors.ratePerMinute}
            min={0}
            w={170}
            className="gh-num"
            {...unitSection(unit ? `${unit}/min` : '/min')}
          />
          <Seconds label="Window" field="windowS" description="Oldest to newest sample" min={1} {...props} />
          <Select
            label="Direction"
            data={[
              { value: 'either', label: 'Either way' },
              { value: 'rise', label: 'Rising' },
              { value: 'fall', label: 'Falling' },
            ]}
            value={draft.direction}
            onChange={(value) => update({ direction: (value ?? 'either') as RuleDraft['direction'] })}
            allowDeselect={false}
            error={errors.direction}
            w={150}
          />
        </Group>
      );
    }
    case 'comm-loss':
      return (
        <>
          <Group gap="sm" align="flex-start">
            <Seconds label="Poll period" field="periodS" description="The device's poll period" min={1} {...props} />
            <NumberInput
              label="Periods"
              description="Missed before it alarms"
              value={draft.periods}
              onChange={(value) => update({ periods: asField(value) })}
              error={errors.periods}
              min={1}
              allowDecimal={false}
              w={150}
              className="gh-num"
            />
          </Group>
          <TagsInput
            label="Tags"
            description="The tags read through this device or gateway; empty means every tag of the host. Their own alarms are suppressed while it is lost."
            placeholder={draft.tags.length ? undefined : 'Every tag'}
            value={draft.tags}
            onChange={(tags) => update({ tags: [...new Set(tags.map((t) => t.trim()).filter((t) => t !== ''))] })}
            data={tagNames}
            limit={50}
            splitChars={[',', ' ']}
            error={errors.tags}
            clearable
          />
          <Autocomplete
            label="Comm-status tag"
            description="Optional: the device's <device>.comm tag; false raises at once, so the silence limit only covers a gateway that stops reporting"
            placeholder="intake-plc.comm"
            value={draft.commTag}
            onChange={(commTag) => update({ commTag })}
            data={tagNames.filter((name) => name.endsWith('.comm'))}
            limit={50}
            error={errors.commTag}
            spellCheck={false}
            autoComplete="off"
            classNames={{ input: 'gh-mono-input' }}
            maw={520}
          />
        </>
      );
    case 'host-offline':
      return (
        <Group gap="sm" align="flex-start">
          <Seconds label="Heartbeat" field="heartbeatS" description="How often the host reports" min={1} {...props} />
          <NumberInput
            label="Missed heartbeats"
            value={draft.missed}
            onChange={(value) => update({ missed: asField(value) })}
            error={errors.missed}
            min={1}
            allowDecimal={false}
            w={170}
            className="gh-num"
          />
        </Group>
      );
    case 'drift':
      return (
        <Text size="sm" c="dimmed">
          Active while the host&apos;s last drift check found changes from its approved baseline. Nothing to set.
        </Text>
      );
    case 'recording-failed':
      return (
        <Text size="sm" c="dimmed">
          Active when a terminal session on the host could not be recorded (it went on unrecorded, or was refused). Nothing to set.
        </Text>
      );
    case 'audit-chain':
      return (
        <Text size="sm" c="dimmed">
          Active when the audit log&apos;s hash chain does not verify (checked at start and daily). Aim it at the console itself.
        </Text>
      );
  }
}
