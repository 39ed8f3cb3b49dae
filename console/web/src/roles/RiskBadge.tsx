import { Badge } from '@mantine/core';
import type { Permission } from './roleDraft.js';

/** Risk as a word and a calm colour: only what can break a machine is red. */
const riskLook: Record<NonNullable<Permission['risk']>, { label: string; color: string }> = {
  read: { label: 'read', color: 'gray' },
  change: { label: 'change', color: 'yellow' },
  dangerous: { label: 'dangerous', color: 'red' },
};

export function RiskBadge({ risk }: { risk: Permission['risk'] }) {
  if (risk === null)
    return (
      <Badge variant="outline" color="indigo" size="sm" radius="sm" style={{ textTransform: 'none', minWidth: 'max-content' }}>
        console
      </Badge>
    );
  const look = riskLook[risk];
  return (
    <Badge variant="light" color={look.color} size="sm" radius="sm" style={{ textTransform: 'none', minWidth: 'max-content' }}>
      {look.label}
    </Badge>
  );
}
