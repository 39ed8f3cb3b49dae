/**
 * The alarm list, shared by the fleet page and a site's card. Dense but calm: an alarm waiting for someone has a
 * solid priority chip, a bar in its priority colour, bold text and an "Unacknowledged" badge; acknowledged rows
 * are plain; shelved, suppressed and out-of-service rows are greyed with how long they are held. On a phone the
 * rows become stacked cards. Clicking a row opens the alarm's detail.
 */
import { type MouseEvent, type ReactNode } from 'react';
import { Checkbox, Group, Paper, Skeleton, Stack, Table, Text, UnstyledButton } from '@mantine/core';
import type { Alarm } from '../../../../modules/kernel/alarm-model.js';
import { TableFrame, useStickyHeader } from '../components/TableFrame.js';
import { TableSkeleton } from '../components/TableSkeleton.js';
import { formatDateTime, formatRelative } from '../format.js';
import { useNow } from '../hooks/useNow.js';
import { usePhone } from '../hooks/usePhone.js';
import { AlarmPriorityChip, StateBadge } from './AlarmBadges.js';
import { useHostNames } from './alarmsApi.js';
import { describeSource, formatAlarmTime, formatAlarmValue, formatLimit, isHeld, needsAcknowledge, priorityLook, standingText } from './alarmFormat.js';

export interface AlarmTableProps {
  alarms: Alarm[];
  loading: boolean;
  /** Shown in place of rows when there are none (no alarms, or none matching the filters). */
  empty: ReactNode;
  onOpen: (alarm: Alarm) => void;
  /** Selection for "Acknowledge selected"; leave out `onSelectedChange` for users who may not acknowledge. */
  selected?: ReadonlySet<string>;
  onSelectedChange?: (selected: Set<string>) => void;
  /** The fleet list names the site; a site's own card does not need to. */
  showSite?: boolean;
  siteNames?: ReadonlyMap<string, string>;
  /** For the table's accessible name. */
  label?: string;
}

interface RowContext {
  now: number;
  hostNames: ReadonlyMap<string, string>;
  siteNames: ReadonlyMap<string, string>;
  showSite: boolean;
  selectable: boolean;
  selected: ReadonlySet<string>;
  toggle: (alarm: Alarm, on: boolean) => void;
  onOpen: (alarm: Alarm) => void;
}

/** Under the state: until when a shelve lasts, since when the alarm is out of service. */
function HoldNote({ alarm, now }: { alarm: Alarm; now: number }) {
  if (alarm.state === 'shelved' && alarm.shelvedUntil) {
    return (
      <Text size="xs" c="dimmed" title={formatDateTime(alarm.shelvedUntil)}>
        until {formatAlarmTime(alarm.shelvedUntil, now)} ({formatRelative(alarm.shelvedUntil, now)})
      </Text>
    );
  }
  if (alarm.state === 'shelved') {
    return (
      <Text size="xs" c="dimmed">
        until it clears
      </Text>
    );
  }
  if (alarm.state === 'latched') {
    return (
      <Text size="xs" c="dimmed">
        cleared; reset to close
      </Text>
    );
  }
  return null;
}

function TimeCell({ iso, now, sub }: { iso: string | null; now: number; sub?: string }) {
  if (!iso) {
    return (
      <Text size="sm" c="dimmed">
        active
      </Text>
    );
  }
  return (
    <>
      <Text size="sm" className="gh-num" component="time" dateTime={iso} title={formatDateTime(iso)} style={{ whiteSpace: 'nowrap' }}>
        {formatAlarmTime(iso, now)}
      </Text>
      <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
        {sub ?? formatRelative(iso, now)}
      </Text>
    </>
  );
}

function Acknowledged({ alarm, now }: { alarm: Alarm; now: number }) {
  if (!alarm.acknowledgedBy) {
    return (
      <Text size="sm" c="dimmed">
        —
      </Text>
    );
  }
  return (
    <>
      <Text size="sm" className="gh-break">
        {alarm.acknowledgedBy}
      </Text>
      {alarm.acknowledgedAt && (
        <Text size="xs" c="dimmed" title={formatDateTime(alarm.acknowledgedAt)} style={{ whiteSpace: 'nowrap' }}>
          {formatAlarmTime(alarm.acknowledgedAt, now)} · {formatRelative(alarm.acknowledgedAt, now)}
        </Text>
      )}
    </>
  );
}

function ValueCell({ alarm }: { alarm: Alarm }) {
  const limit = formatLimit(alarm);
  return (
    <>
      <Text size="sm" fw={needsAcknowledge(alarm) ? 650 : undefined} className="gh-num" style={{ whiteSpace: 'nowrap' }}>
        {formatAlarmValue(alarm.value)}
      </Text>
      {limit && (
        <Text size="xs" c="dimmed" className="gh-num" style={{ whiteSpace: 'nowrap' }}>
          {limit}
        </Text>
      )}
    </>
  );
}

/** The message as the row's button, so the detail opens from the keyboard too. */
function OpenButton({ alarm, onOpen }: { alarm: Alarm; onOpen: (alarm: Alarm) => void }) {
  return (
    <UnstyledButton
      onClick={(event: MouseEvent) => {
        event.stopPropagation();
        onOpen(alarm);
      }}
      aria-label={`Open alarm ${alarm.message}`}
      className="gh-break"
      style={{ textAlign: 'left' }}
    >
      <Text size="sm" fw={needsAcknowledge(alarm) ? 650 : undefined} c={isHeld(alarm) ? 'dimmed' : undefined} component="span">
        {alarm.message}
      </Text>
    </UnstyledButton>
  );
}

function SelectBox({ alarm, context }: { alarm: Alarm; context: RowContext }) {
  const selectable = needsAcknowledge(alarm);
  // The box is inside a clickable row: a click on it selects, it does not open the detail.
  return (
    <div onClick={(event) => event.stopPropagation()}>
      <Checkbox
      aria-label={`Select alarm ${alarm.message}`}
      checked={selectable && context.selected.has(alarm.id)}
      disabled={!selectable}
      title={selectable ? undefined : 'Only alarms waiting for an acknowledgement can be selected'}
      onChange={(event) => context.toggle(alarm, event.currentTarget.checked)}
      />
    </div>
  );
}

/** A bar down the row's edge in the priority colour while the alarm waits for someone. */
function edge(alarm: Alarm): string | undefined {
  return needsAcknowledge(alarm) ? `4px solid var(--mantine-color-${priorityLook[alarm.priority].color}-filled)` : '4px solid transparent';
}

function AlarmRow({ alarm, context }: { alarm: Alarm; context: RowContext }) {
  const held = isHeld(alarm);
  return (
    <Table.Tr
      data-alarm-id={alarm.id}
      data-state={alarm.state}
      onClick={() => context.onOpen(alarm)}
      style={{ cursor: 'pointer', opacity: held ? 0.7 : undefined }}
    >
      {context.selectable && (
        <Table.Td style={{ borderLeft: edge(alarm), width: 40 }}>
          <SelectBox alarm={alarm} context={context} />
        </Table.Td>
      )}
      <Table.Td style={context.selectable ? undefined : { borderLeft: edge(alarm) }}>
        <AlarmPriorityChip alarm={alarm} />
      </Table.Td>
      <Table.Td>
        <StateBadge state={alarm.state} />
        <HoldNote alarm={alarm} now={context.now} />
      </Table.Td>
      <Table.Td maw={360}>
        <OpenButton alarm={alarm} onOpen={context.onOpen} />
        <Text size="xs" c="dimmed" className="gh-break">
          {alarm.kind} · {alarm.ruleId}
        </Text>
      </Table.Td>
      <Table.Td maw={240}>
        <Text size="sm" className="gh-break" c={held ? 'dimmed' : undefined}>
          {describeSource(alarm, context)}
        </Text>
      </Table.Td>
      <Table.Td>
        <ValueCell alarm={alarm} />
      </Table.Td>
      <Table.Td>
        <TimeCell iso={alarm.raisedAt} now={context.now} sub={alarm.clearedAt ? formatRelative(alarm.raisedAt, context.now) : standingText(alarm, context.now)} />
      </Table.Td>
      <Table.Td>
        <TimeCell iso={alarm.clearedAt} now={context.now} sub={alarm.clearedAt ? standingText(alarm, context.now) : undefined} />
      </Table.Td>
      <Table.Td>
        <Acknowledged alarm={alarm} now={context.now} />
      </Table.Td>
    </Table.Tr>
  );
}

function AlarmCard({ alarm, context }: { alarm: Alarm; context: RowContext }) {
  const held = isHeld(alarm);
  return (
    <Paper
      withBorder
      p="sm"
      radius="md"
      data-alarm-id={alarm.id}
      data-state={alarm.state}
      onClick={() => context.onOpen(alarm)}
      style={{ borderLeft: edge(alarm), cursor: 'pointer', opacity: held ? 0.7 : undefined }}
    >
      <Group justify="space-between" wrap="nowrap" align="flex-start" gap="xs">
        <Group gap={6} wrap="wrap">
          <AlarmPriorityChip alarm={alarm} />
          <StateBadge state={alarm.state} />
        </Group>
        {context.selectable && <SelectBox alarm={alarm} context={context} />}
      </Group>
      <Stack gap={2} mt={6}>
        <OpenButton alarm={alarm} onOpen={context.onOpen} />
        <Text size="xs" c="dimmed" className="gh-break">
          {describeSource(alarm, context)}
        </Text>
        <HoldNote alarm={alarm} now={context.now} />
        <Group gap="md" mt={4} wrap="wrap">
          <Text size="sm" className="gh-num">
            {formatAlarmValue(alarm.value)}
            {formatLimit(alarm) && (
              <Text span size="xs" c="dimmed">
                {' '}
                ({formatLimit(alarm)})
              </Text>
            )}
          </Text>
          <Text size="xs" c="dimmed" title={formatDateTime(alarm.raisedAt)}>
            in {formatAlarmTime(alarm.raisedAt, context.now)} · {standingText(alarm, context.now)}
          </Text>
          {alarm.clearedAt && (
            <Text size="xs" c="dimmed" title={formatDateTime(alarm.clearedAt)}>
              out {formatAlarmTime(alarm.clearedAt, context.now)}
            </Text>
          )}
          {alarm.acknowledgedBy && (
            <Text size="xs" c="dimmed">
              ack {alarm.acknowledgedBy} {alarm.acknowledgedAt ? formatRelative(alarm.acknowledgedAt, context.now) : ''}
            </Text>
          )}
        </Group>
      </Stack>
    </Paper>
  );
}

const noNames: ReadonlyMap<string, string> = new Map();

export function AlarmTable({
  alarms,
  loading,
  empty,
  onOpen,
  selected = new Set(),
  onSelectedChange,
  showSite = true,
  siteNames = noNames,
  label = 'Alarms',
}: AlarmTableProps) {
  const phone = usePhone();
  const now = useNow(5_000);
  const hostNames = useHostNames();
  const minWidth = showSite ? 1100 : 1000;
  const sticky = useStickyHeader(minWidth);

  const selectable = onSelectedChange !== undefined;
  const candidates = alarms.filter(needsAcknowledge);
  const chosen = candidates.filter((a) => selected.has(a.id)).length;
  const toggle = (alarm: Alarm, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(alarm.id);
    else next.delete(alarm.id);
    onSelectedChange?.(next);
  };
  const context: RowContext = { now, hostNames, siteNames, showSite, selectable, selected, toggle, onOpen };
  const selectAll = selectable && (
    <Checkbox
      aria-label="Select all alarms waiting for acknowledgement"
      checked={candidates.length > 0 && chosen === candidates.length}
      indeterminate={chosen > 0 && chosen < candidates.length}
      disabled={candidates.length === 0}
      onChange={(event) => onSelectedChange?.(event.currentTarget.checked ? new Set(candidates.map((a) => a.id)) : new Set())}
    />
  );

  if (phone) {
    if (loading) {
      return (
        <Stack gap="xs">
          {[0, 1, 2].map((i) => (
            <Skeleton key={i} h={96} radius="md" />
          ))}
        </Stack>
      );
    }
    return (
      <Stack gap="xs" aria-label={label} role="list">
        {selectable && candidates.length > 1 && (
          <Group gap="xs">
            {selectAll}
            <Text size="sm" c="dimmed">
              Select all waiting for acknowledgement
            </Text>
          </Group>
        )}
        {alarms.map((alarm) => (
          <div role="listitem" key={alarm.id}>
            <AlarmCard alarm={alarm} context={context} />
          </div>
        ))}
        {alarms.length === 0 && empty}
      </Stack>
    );
  }

  const columns = selectable ? 9 : 8;
  return (
    <TableFrame minWidth={minWidth}>
      <Table highlightOnHover {...sticky} aria-label={label}>
        <Table.Thead>
          <Table.Tr>
            {selectable && <Table.Th style={{ borderLeft: '4px solid transparent', width: 40 }}>{selectAll}</Table.Th>}
            <Table.Th>Priority</Table.Th>
            <Table.Th>State</Table.Th>
            <Table.Th>Alarm</Table.Th>
            <Table.Th>Source</Table.Th>
            <Table.Th>Value</Table.Th>
            <Table.Th>In</Table.Th>
            <Table.Th>Out</Table.Th>
            <Table.Th>Acknowledged</Table.Th>
          </Table.Tr>
        </Table.Thead>
        {loading ? (
          <TableSkeleton columns={columns} rows={5} />
        ) : (
          <Table.Tbody>
            {alarms.map((alarm) => (
              <AlarmRow key={alarm.id} alarm={alarm} context={context} />
            ))}
            {alarms.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={columns}>{empty}</Table.Td>
              </Table.Tr>
            )}
          </Table.Tbody>
        )}
      </Table>
    </TableFrame>
  );
}
