import { Badge } from '@mantine/core';
import { IconCircleCheckFilled, IconCircleXFilled, IconClockHour4, IconBan } from '@tabler/icons-react';
import { hostCondition, hostConditionColor, hostConditionLabel, type HostCondition } from '../hostStatus.js';
import type { Host } from '../types.js';

const icons: Record<HostCondition, typeof IconBan> = {
  online: IconCircleCheckFilled,
  offline: IconCircleXFilled,
  pending: IconClockHour4,
  revoked: IconBan,
};

/** Online / Offline / Pending approval / Revoked: colour, icon and word, so it reads without colour too. */
export function HostStatusBadge({ host, size = 'md' }: { host: Host; size?: 'sm' | 'md' | 'lg' }) {
  const condition = hostCondition(host);
  const Icon = icons[condition];
  return (
    <Badge
      color={hostConditionColor[condition]}
      variant="light"
      size={size}
      leftSection={<Icon size={12} aria-hidden />}
      style={{ flexShrink: 0, minWidth: 'max-content' }}
      data-status={condition}
    >
      {hostConditionLabel[condition]}
    </Badge>
  );
}
