/** An account's grants as compact chips, "Role · Scope", with an icon for the kind of scope. */
import { Badge, Group, Text } from '@mantine/core';
import { IconBuildingFactory2, IconServer, IconTag, IconWorld } from '@tabler/icons-react';
import { grantLabel, scopeKindLabels, type ScopeKind } from './grants.js';
import { scopeKey, type GrantView } from '../../../../modules/kernel/access.js';

const kindIcon: Record<ScopeKind, typeof IconWorld> = { fleet: IconWorld, site: IconBuildingFactory2, group: IconTag, host: IconServer };

export function GrantChip({ grant }: { grant: GrantView }) {
  const Icon = kindIcon[grant.scope.kind];
  return (
    <Badge
      variant="light"
      color={grant.scope.kind === 'fleet' ? 'indigo' : 'gray'}
      radius="sm"
      size="md"
      leftSection={<Icon size={12} aria-label={scopeKindLabels[grant.scope.kind]} />}
      style={{ textTransform: 'none', fontWeight: 500, maxWidth: '100%' }}
      data-grant={grantLabel(grant)}
    >
      {grantLabel(grant)}
    </Badge>
  );
}

export function GrantChips({ grants }: { grants: GrantView[] }) {
  if (grants.length === 0)
    return (
      <Text size="sm" c="dimmed">
        No grants: cannot do anything
      </Text>
    );
  return (
    <Group gap={4}>
      {grants.map((grant) => (
        <GrantChip key={`${grant.role}@${scopeKey(grant.scope)}`} grant={grant} />
      ))}
    </Group>
  );
}
