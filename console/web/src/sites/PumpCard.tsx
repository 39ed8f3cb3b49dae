/**
 * A pump: whether it runs, stands or has tripped, large enough to read across a room; then its speed (or rate)
 * and the figures an operator checks — current, run hours, starts — and its setpoints.
 */
import { Badge, Group, type MantineColor } from '@mantine/core';
import { IconAlertOctagon, IconPlayerPlayFilled, IconPlayerStopFilled, IconPlugConnectedX, IconQuestionMark } from '@tabler/icons-react';
import { EquipmentCard, OtherRows, TagRow, ChangeButton } from './EquipmentCard.js';
import type { SiteTag } from './sitesApi.js';
import { TagReading, type ReadingContext } from './TagReading.js';
import { findSignal, shownQuality, type Equipment } from './tagState.js';

export type PumpState = 'running' | 'stopped' | 'fault' | 'no-communication' | 'unknown';

/** A pump's state from its running and fault tags: a trip outranks everything, no communication outranks a guess. */
export function pumpState(running: SiteTag | undefined, fault: SiteTag | undefined, now: number): { state: PumpState; stale: boolean } {
  const faultQuality = fault ? shownQuality(fault, now).quality : undefined;
  if (fault && faultQuality !== 'comm-fault' && fault.value === true) return { state: 'fault', stale: faultQuality === 'stale' };
  if (!running) return { state: 'unknown', stale: false };
  const quality = shownQuality(running, now).quality;
  if (quality === 'comm-fault' || typeof running.value !== 'boolean') return { state: 'no-communication', stale: false };
  return { state: running.value ? 'running' : 'stopped', stale: quality === 'stale' };
}

const look: Record<PumpState, { label: string; color: MantineColor; variant: 'filled' | 'light' | 'outline'; icon: typeof IconAlertOctagon }> = {
  running: { label: 'Running', color: 'teal', variant: 'filled', icon: IconPlayerPlayFilled },
  stopped: { label: 'Stopped', color: 'gray', variant: 'light', icon: IconPlayerStopFilled },
  fault: { label: 'Fault', color: 'red', variant: 'filled', icon: IconAlertOctagon },
  'no-communication': { label: 'No communication', color: 'orange', variant: 'light', icon: IconPlugConnectedX },
  unknown: { label: 'State unknown', color: 'gray', variant: 'outline', icon: IconQuestionMark },
};

export function PumpStateBadge({ state, stale }: { state: PumpState; stale: boolean }) {
  const l = look[state];
  return (
    <Badge
      size="xl"
      h={40}
      fullWidth
      mb="xs"
      radius="sm"
      color={stale ? 'gray' : l.color}
      variant={stale ? 'light' : l.variant}
      leftSection={<l.icon size={16} aria-hidden />}
      data-pump-state={state}
      title={stale ? 'The last reading is stale' : undefined}
      style={{ flexShrink: 0 }}
    >
      {l.label}
      {stale ? ' (stale)' : ''}
    </Badge>
  );
}

export function PumpCard({ equipment, context }: { equipment: Equipment; context: ReadingContext }) {
  const running = findSignal(equipment, 'running');
  const fault = findSignal(equipment, 'fault', 'trip');
  const main = findSignal(equipment, 'speed', 'rate', 'flow');
  const figures = [findSignal(equipment, 'current'), findSignal(equipment, 'run-hours'), findSignal(equipment, 'starts')];
  const setpoints = [findSignal(equipment, 'speed-setpoint', 'rate-setpoint'), findSignal(equipment, 'run-command')];
  const { state, stale } = pumpState(running, fault, context.now);

  return (
    <EquipmentCard equipment={equipment} main={main} state={<PumpStateBadge state={state} stale={stale} />}>
      {main && (
        <Group justify="space-between" align="flex-end" wrap="nowrap">
          <TagReading tag={main} context={context} size="xl" align="flex-start" />
          <ChangeButton tag={main} context={context} />
        </Group>
      )}
      {[...figures, ...setpoints].map((tag) => tag && <TagRow key={tag.name} tag={tag} context={context} />)}
      <OtherRows equipment={equipment} shown={[running, fault, main, ...figures, ...setpoints]} context={context} />
    </EquipmentCard>
  );
}
