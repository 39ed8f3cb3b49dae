import { Badge, Tooltip } from '@mantine/core';
import { IconBan, IconCircleCheckFilled, IconCircleXFilled, IconClockHour4, IconTerminal2 } from '@tabler/icons-react';
import { hostCondition, hostConditionColor, hostConditionLabel, type HostCondition } from '../hostStatus.js';
import type { Host } from '../types.js';

const icons: Record<HostCondition, typeof IconBan> = {
  online: IconCircleCheckFilled,
  offline: IconCircleXFilled,
  ssh: IconTerminal2,
  pending: IconClockHour4,
  revoked: IconBan,
};

/** Online / Offline / SSH / Pending approval / Revoked: colour, icon and word, so it reads without colour too. */
export function HostStatusBadge({ host, size = 'md' }: { host: Host; size?: 'sm' | 'md' | 'lg' }) {
  const condition = hostCondition(host);
  const Icon = icons[condition];
  const badge = (
    <Badge
      color={hostConditionColor[condition]}
      variant="light"
      size={size}
      leftSection={<Icon size={12} aria-hidden />}
      style={{ flexShrink: 0, minWidth: 'max-content' }}
      data-status={condition}
      tabIndex={condition === 'ssh' ? 0 : undefined}
    >
      {hostConditionLabel[condition]}
    </Badge>
  );
  if (condition !== 'ssh') return badge;
  // "SSH" is not a state like online or offline; say what it means for whoever wonders.
  return (
    <Tooltip label="Reached over SSH when you open a terminal; no agent reports its state." multiline maw={260}>
      {badge}
    </Tooltip>
  );
}
