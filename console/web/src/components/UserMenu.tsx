import { Avatar, Group, Menu, Text, UnstyledButton } from '@mantine/core';
import { IconChevronDown, IconKey, IconLogout, IconShieldLock } from '@tabler/icons-react';
import { Link } from 'react-router';
import { useSession, useUser } from '../session.js';
import { grantSentence } from '../accounts/grants.js';

const roleLabels: Record<string, string> = {
  administrator: 'Administrator',
  'system-operator': 'System operator',
  'plant-operator': 'Plant operator',
  'on-call': 'On call',
  auditor: 'Auditor',
  viewer: 'Viewer',
};

export function roleLabel(role: string): string {
  return roleLabels[role] ?? role;
}

export function UserMenu() {
  const user = useUser();
  const { signOut } = useSession();
  return (
    <Menu position="bottom-end" width={260} shadow="md">
      <Menu.Target>
        <UnstyledButton aria-label={`Account: ${user.username}`} px={6} py={4} style={{ borderRadius: 4 }}>
          <Group gap={8} wrap="nowrap">
            <Avatar size={28} radius="xl" color="indigo" name={user.username} />
            <Text size="sm" fw={500} visibleFrom="xs" maw={160} truncate>
              {user.username}
            </Text>
            <IconChevronDown size={14} aria-hidden />
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>
          Signed in as <b>{user.username}</b>
          {/* Each grant in words ("Plant operator on North plant"); a console older than grants says the role. */}
          {(user.grants ?? []).length === 0 ? (
            <Text size="xs" c="dimmed" data-user-grant>
              {roleLabel(user.role)}
            </Text>
          ) : (
            user.grants.map((grant) => (
              <Text key={`${grant.role}@${grant.scope.kind}:${grant.scopeName}`} size="xs" c="dimmed" data-user-grant>
                {grantSentence(grant)}
              </Text>
            ))
          )}
        </Menu.Label>
        <Menu.Divider />
        <Menu.Item leftSection={<IconShieldLock size={16} />} component={Link} to="/security">
          Account security
        </Menu.Item>
        <Menu.Item leftSection={<IconKey size={16} />} component={Link} to="/tokens">
          API tokens
        </Menu.Item>
        <Menu.Item leftSection={<IconLogout size={16} />} onClick={() => void signOut()}>
          Sign out
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
