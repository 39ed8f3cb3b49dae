import { Badge } from '@mantine/core';
import { IconBan, IconCheck, IconMinus } from '@tabler/icons-react';
import type { Choice } from './roleDraft.js';

/** What one role does with one code: a tick, a dash, or a red "Denied" that cannot be mistaken for either. */
export function RoleCell({ choice, roleName, code }: { choice: Choice; roleName: string; code: string }) {
  if (choice === 'allow') return <IconCheck size={16} color="var(--mantine-color-teal-7)" aria-label={`${roleName} allows ${code}`} />;
  if (choice === 'deny')
    return (
      <Badge
        color="red"
        variant="light"
        size="sm"
        radius="sm"
        leftSection={<IconBan size={11} aria-hidden />}
        px={4}
        style={{ textTransform: 'none', minWidth: 'max-content', overflow: 'visible' }}
        aria-label={`${roleName} denies ${code}`}
      >
        Denied
      </Badge>
    );
  return <IconMinus size={14} color="var(--mantine-color-gray-4)" aria-label={`${roleName} does not give ${code}`} />;
}
