/** Pieces of an account row shared by the table (wide screens) and the cards (phones). */
import { Badge, Button, Group, Text } from '@mantine/core';
import type { AccountView } from '../../../../modules/kernel/access.js';

export function AccountName({ account, mine }: { account: AccountView; mine: boolean }) {
  return (
    <Text size="sm" fw={600} className="gh-break">
      {account.username}
      {mine && (
        <Text span size="xs" c="dimmed" fw={400}>
          {' '}
          (you)
        </Text>
      )}
    </Text>
  );
}

export function AccountState({ disabled }: { disabled: boolean }) {
  return (
    <Badge color={disabled ? 'gray' : 'teal'} variant="light" style={{ textTransform: 'none', minWidth: 'max-content' }}>
      {disabled ? 'Disabled' : 'Can log in'}
    </Badge>
  );
}

export function AccountActions({
  account,
  onGrants,
  onPassword,
  onToggle,
  justify = 'flex-end',
}: {
  account: AccountView;
  onGrants: () => void;
  onPassword: () => void;
  onToggle: () => void;
  justify?: 'flex-end' | 'flex-start';
}) {
  return (
    <Group gap="xs" justify={justify} wrap="nowrap">
      <Button size="xs" variant="default" onClick={onGrants} aria-label={`Edit grants of ${account.username}`}>
        Edit grants
      </Button>
      <Button size="xs" variant="default" onClick={onPassword} aria-label={`Set password of ${account.username}`}>
        Set password
      </Button>
      <Button size="xs" variant={account.disabled ? 'light' : 'subtle'} color={account.disabled ? 'teal' : 'red'} onClick={onToggle}>
        {account.disabled ? 'Enable' : 'Disable'}
      </Button>
    </Group>
  );
}
