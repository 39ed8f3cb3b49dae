/**
 * Flow, pressure, an analyser or anything else measured: the main value large, the rest (a totaliser, say) as
 * rows. The main value is the signal named like the kind, else the first number.
 */
import { Group, Text } from '@mantine/core';
import { ChangeButton, EquipmentCard, OtherRows, signalLabel } from './EquipmentCard.js';
import { TagReading, type ReadingContext } from './TagReading.js';
import { findSignal, type Equipment } from './tagState.js';

export function MeasurementCard({ equipment, context }: { equipment: Equipment; context: ReadingContext }) {
  const main =
    findSignal(equipment, equipment.kind === 'flow' ? 'flow' : equipment.kind === 'pressure' ? 'pressure' : 'value') ??
    equipment.tags.find((t) => t.type !== 'bool') ??
    equipment.tags[0];
  return (
    <EquipmentCard equipment={equipment} main={main}>
      {main && (
        <Group justify="space-between" align="flex-end" wrap="nowrap">
          <div style={{ minWidth: 0 }}>
            <Text size="sm" c="dimmed">
              {signalLabel(main)}
            </Text>
            <TagReading tag={main} context={context} size="lg" align="flex-start" />
          </div>
          <ChangeButton tag={main} context={context} />
        </Group>
      )}
      <OtherRows equipment={equipment} shown={[main]} context={context} />
    </EquipmentCard>
  );
}
