/**
 * A site's state at a glance and a tag's quality, each as colour, icon and word together, so neither reads by
 * colour alone. Colours are calm: teal for well, grey for unknown, orange for "look at this", red for down.
 */
import { Badge, type MantineColor } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheckFilled, IconCircleDashed, IconPlugConnectedX, IconWifiOff } from '@tabler/icons-react';
import type { SiteState } from '../../../../modules/modbus/site-api.js';
import type { TagQuality } from './tagState.js';

const siteStateLook: Record<SiteState, { label: string; color: MantineColor; icon: typeof IconAlertTriangle }> = {
  ok: { label: 'OK', color: 'teal', icon: IconCircleCheckFilled },
  degraded: { label: 'Degraded', color: 'yellow', icon: IconAlertTriangle },
  'comm-fault': { label: 'Comm fault', color: 'orange', icon: IconPlugConnectedX },
  offline: { label: 'Offline', color: 'red', icon: IconWifiOff },
  'no-data': { label: 'No data', color: 'gray', icon: IconCircleDashed },
};

export function SiteStateBadge({ state, size = 'lg' }: { state: SiteState; size?: 'md' | 'lg' | 'xl' }) {
  const look = siteStateLook[state];
  return (
    <Badge color={look.color} variant="light" size={size} leftSection={<look.icon size={14} aria-hidden />} data-site-state={state} style={{ flexShrink: 0 }}>
      {look.label}
    </Badge>
  );
}

/** The colour a value's words take by quality; good values keep the normal text colour. */
export const qualityColor: Record<TagQuality, string | undefined> = {
  good: undefined,
  stale: 'dimmed',
  'comm-fault': 'var(--mantine-color-orange-text)',
};
