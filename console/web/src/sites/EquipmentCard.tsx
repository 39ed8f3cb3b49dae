/**
 * The frame every equipment card shares — its name, kind and a line of description — and the rows of secondary
 * values inside it, each with a "Change…" button when the tag is writable and the user may write.
 */
import type { ReactNode } from 'react';
import { Badge, Button, Card, Group, Stack, Text } from '@mantine/core';
import type { SiteTag } from './sitesApi.js';
import { TagReading, type ReadingContext } from './TagReading.js';
import { kindLabel, signalOf, type Equipment } from './tagState.js';

/** Signals whose names are not written the way people write them. */
const spelled: Record<string, string> = { ph: 'pH', orp: 'ORP', do: 'Dissolved oxygen' };

/** run-hours → Run hours: the signal's name as a label. */
export function signalLabel(tag: Pick<SiteTag, 'name'>): string {
  const signal = signalOf(tag.name);
  if (spelled[signal]) return spelled[signal];
  const words = signal.replace(/[-_.]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The first sentence of the main tag's description, as the card's subtitle: "Intake pump 1 actual speed". */
function equipmentDescription(equipment: Equipment, main: SiteTag | undefined): string {
  const text = (main ?? equipment.tags.find((t) => t.description))?.description ?? '';
  return (text.split(/[.:;](\s|$)/)[0] ?? '').trim();
}

export function EquipmentCard({ equipment, main, state, children }: { equipment: Equipment; main: SiteTag | undefined; state?: ReactNode; children: ReactNode }) {
  const description = equipmentDescription(equipment, main);
  return (
    <Card withBorder radius="md" padding="md" data-equipment={equipment.id} data-kind={equipment.kind} h="100%">
      <Group justify="space-between" align="flex-start" wrap="nowrap" gap="xs" mb="xs">
        <div style={{ minWidth: 0 }}>
          <Group gap={8} wrap="nowrap">
            <Text fw={700} size="lg" className="gh-truncate">
              {equipment.id}
            </Text>
            <Badge size="sm" variant="outline" color="gray" style={{ flexShrink: 0 }}>
              {kindLabel[equipment.kind]}
            </Badge>
          </Group>
          <Text size="xs" c="dimmed" lineClamp={1} title={description}>
            {description || '\u00a0'}
          </Text>
        </div>
      </Group>
      {state}
      <Stack gap="sm">{children}</Stack>
    </Card>
  );
}

export function ChangeButton({ tag, context }: { tag: SiteTag; context: ReadingContext }) {
  if (!tag.write || !context.onChange) return null;
  // The gateway would refuse the write whatever the console asks: say so rather than offer a button that fails.
  if (tag.writeBlocked) {
    return (
      <Text size="xs" c="dimmed" title={`Not writable: ${tag.writeBlocked}`} data-write-blocked={tag.name}>
        Locked by policy
      </Text>
    );
  }
  return (
    <Button size="compact-sm" variant="default" onClick={() => context.onChange?.(tag)} aria-label={`Change ${tag.name}`}>
      Change…
    </Button>
  );
}

/** A secondary value: its label on the left, the reading on the right. */
export function TagRow({ tag, context, label = signalLabel(tag) }: { tag: SiteTag; context: ReadingContext; label?: string }) {
  return (
    <Group justify="space-between" align="flex-start" wrap="nowrap" gap="xs">
      <Stack gap={2} style={{ minWidth: 0 }}>
        <Text size="sm" c="dimmed" className="gh-truncate" title={tag.description || tag.name}>
          {label}
        </Text>
        <ChangeButton tag={tag} context={context} />
      </Stack>
      <TagReading tag={tag} context={context} />
    </Group>
  );
}

/** Tags of `equipment` not in `shown`, as rows: nothing the profile reports is left off the card. */
export function OtherRows({ equipment, shown, context }: { equipment: Equipment; shown: (SiteTag | undefined)[]; context: ReadingContext }) {
  const taken = new Set(shown.filter(Boolean).map((t) => t!.name));
  return (
    <>
      {equipment.tags.filter((t) => !taken.has(t.name)).map((tag) => (
        <TagRow key={tag.name} tag={tag} context={context} />
      ))}
    </>
  );
}
