/**
 * A tank: a vertical bar filled to the level against its range, the level with its unit and the share of the
 * range, and its level alarms. Without communication the bar is empty and hatched, not left at the last level.
 */
import { Box, Group, Stack, Text } from '@mantine/core';
import { EquipmentCard, OtherRows, TagRow } from './EquipmentCard.js';
import type { SiteTag } from './sitesApi.js';
import { TagReading, type ReadingContext } from './TagReading.js';
import { findSignal, formatNumber, formatUnit, outOfRange, percentOfRange, shownQuality, type Equipment } from './tagState.js';

function LevelBar({ tag, context }: { tag: SiteTag; context: ReadingContext }) {
  const quality = shownQuality(tag, context.now, { gatewayOnline: !context.offlineGateways.has(tag.hostId) }).quality;
  const percent = quality === 'comm-fault' ? undefined : percentOfRange(tag);
  const fill = outOfRange(tag) ? 'var(--mantine-color-orange-5)' : quality === 'stale' || !context.live ? 'var(--mantine-color-gray-5)' : 'var(--mantine-color-blue-5)';
  return (
    <Stack gap={2} align="center" style={{ flexShrink: 0 }}>
      <Text size="xs" c="dimmed" className="gh-num">
        {tag.range ? `${formatNumber(tag.range.max)} ${formatUnit(tag.unit)}` : ''}
      </Text>
      <Box
        role="meter"
        aria-label={`${tag.name} level`}
        aria-valuemin={tag.range?.min}
        aria-valuemax={tag.range?.max}
        aria-valuenow={percent === undefined ? undefined : (tag.value as number)}
        w={44}
        h={132}
        pos="relative"
        style={{
          border: '2px solid var(--mantine-color-default-border)',
          borderRadius: 6,
          overflow: 'hidden',
          background:
            percent === undefined
              ? 'repeating-linear-gradient(135deg, transparent 0 6px, var(--mantine-color-default-border) 6px 8px)'
              : 'var(--mantine-color-body)',
        }}
      >
        {percent !== undefined && <Box pos="absolute" left={0} right={0} bottom={0} h={`${percent}%`} style={{ background: fill, transition: 'height 600ms ease' }} />}
      </Box>
      <Text size="xs" c="dimmed" className="gh-num">
        {tag.range ? `${formatNumber(tag.range.min)} ${formatUnit(tag.unit)}` : ''}
      </Text>
    </Stack>
  );
}

export function TankCard({ equipment, context }: { equipment: Equipment; context: ReadingContext }) {
  const level = findSignal(equipment, 'level') ?? equipment.tags.find((t) => t.range && typeof t.value === 'number');
  const percentTag = findSignal(equipment, 'percent');
  const alarms = equipment.tags.filter((t) => /alarm$/.test(t.name));
  const shownPercent = level && !percentTag && shownQuality(level, context.now).quality !== 'comm-fault' ? percentOfRange(level) : undefined;

  return (
    <EquipmentCard equipment={equipment} main={level}>
      <Group align="center" wrap="nowrap" gap="md">
        {level && <LevelBar tag={level} context={context} />}
        <Stack gap="xs" style={{ flexGrow: 1, minWidth: 0 }}>
          {level && <TagReading tag={level} context={context} size="xl" align="flex-start" />}
          {percentTag ? (
            <TagReading tag={percentTag} context={context} size="md" align="flex-start" />
          ) : (
            shownPercent !== undefined && (
              <Text size="sm" c="dimmed" className="gh-num">
                {formatNumber(shownPercent, 0)} % of range
              </Text>
            )
          )}
        </Stack>
      </Group>
      {alarms.map((tag) => (
        <TagRow key={tag.name} tag={tag} context={context} />
      ))}
      <OtherRows equipment={equipment} shown={[level, percentTag, ...alarms]} context={context} />
    </EquipmentCard>
  );
}
