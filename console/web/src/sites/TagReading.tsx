/**
 * One tag's value as an operator reads it: the number and unit, and under it how old it is and how far to trust
 * it. Good is plain text; stale is greyed with its age; no communication is a dash in the warning colour, never
 * the last number. The value links to its trend.
 */
import { Badge, Group, Stack, Text, Tooltip, UnstyledButton, type MantineSize } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { Link } from 'react-router';
import { formatDateTime } from '../format.js';
import { qualityColor } from './siteState.js';
import type { SiteTag } from './sitesApi.js';
import { formatTagValue, formatUnit, outOfRange, shownQuality } from './tagState.js';
import { trendLink } from './trendData.js';

export interface ReadingContext {
  siteId: string;
  now: number;
  /** False while the browser's live socket is down: every value is then shown as possibly old. */
  live: boolean;
  /** Gateways (host ids) known to be offline. */
  offlineGateways: ReadonlySet<string>;
  /** Open the setpoint dialog for a writable tag; absent when the user may not write. */
  onChange?: (tag: SiteTag) => void;
}

const valueSize: Record<'md' | 'lg' | 'xl', { value: MantineSize | string; unit: MantineSize }> = {
  md: { value: 'lg', unit: 'sm' },
  lg: { value: '1.75rem', unit: 'md' },
  xl: { value: '2.5rem', unit: 'lg' },
};

export function TagReading({
  tag,
  context,
  size = 'md',
  align = 'flex-end',
}: {
  tag: SiteTag;
  context: ReadingContext;
  size?: 'md' | 'lg' | 'xl';
  align?: 'flex-start' | 'flex-end';
}) {
  const shown = shownQuality(tag, context.now, { gatewayOnline: !context.offlineGateways.has(tag.hostId) });
  const text = formatTagValue({ ...tag, quality: shown.quality === 'comm-fault' ? 'comm-fault' : tag.quality });
  const numeric = typeof tag.value === 'number' && text !== '—';
  const outside = shown.quality !== 'comm-fault' && outOfRange(tag);
  const dim = shown.quality === 'stale' || !context.live;
  const color = outside && !dim ? 'var(--mantine-color-orange-text)' : shown.quality === 'good' && dim ? 'dimmed' : qualityColor[shown.quality];
  const sizes = valueSize[size];
  const title = [tag.description || tag.name, tag.ts ? `read ${formatDateTime(tag.ts)}` : 'never read', tag.range ? `expected ${tag.range.min} – ${tag.range.max} ${formatUnit(tag.unit)}` : '']
    .filter(Boolean)
    .join(' · ');

  return (
    <Stack gap={0} align={align} data-tag={tag.name} data-quality={shown.quality} data-out-of-range={outside || undefined} style={{ minWidth: 0 }}>
      <UnstyledButton component={Link} to={trendLink(context.siteId, [tag.name])} title={`${title} — open the trend`} aria-label={`${tag.name}: ${text}${numeric && tag.unit ? ` ${formatUnit(tag.unit)}` : ''}, ${shown.text}. Open the trend`}>
        <Group gap={6} wrap="nowrap" align="baseline">
          {outside && (
            <Tooltip label="Outside the expected range">
              <IconAlertTriangle size={size === 'md' ? 16 : 20} color="var(--mantine-color-orange-text)" aria-hidden style={{ alignSelf: 'center' }} />
            </Tooltip>
          )}
          <Text component="span" fz={sizes.value} fw={size === 'md' ? 600 : 650} c={color} className="gh-num" lh={1.15} data-value>
            {text}
          </Text>
          {numeric && tag.unit && (
            <Text component="span" fz={sizes.unit} c="dimmed">
              {formatUnit(tag.unit)}
            </Text>
          )}
        </Group>
      </UnstyledButton>
      <Group gap={6} wrap="nowrap">
        {outside && (
          <Badge size="xs" color="orange" variant="light">
            out of range
          </Badge>
        )}
        <Text size="xs" c={shown.quality === 'good' ? 'dimmed' : qualityColor[shown.quality]} fw={shown.quality === 'comm-fault' ? 600 : undefined} data-quality-text>
          {shown.text}
        </Text>
      </Group>
    </Stack>
  );
}
