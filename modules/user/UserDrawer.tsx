import type { ReactNode } from 'react';
import { Button, Divider, Drawer, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconCalendarX, IconLock, IconLockOpen, IconPassword, IconPencil, IconTrash } from '@tabler/icons-react';
import { formatDateTime, formatRelative } from '../../console/web/src/format.js';
import { usePhone } from '../../console/web/src/hooks/usePhone.js';
import type { Host } from '../../console/web/src/types.js';
import type { UserAccount } from './contract.js';
import { SshKeys } from './SshKeys.js';
import { accountExpiryText, AccountStateBadge, formatAge, formatDay } from './userLabels.js';

const ageWords = (age: string) => (age === 'today' || age === 'future' || age === '—' ? age : `${age} ago`);

export interface UserActions {
  onEdit: (user: UserAccount) => void;
  onPassword: (user: UserAccount) => void;
  onLock: (user: UserAccount, lock: boolean) => void;
  onExpire: (user: UserAccount) => void;
  onDelete: (user: UserAccount) => void;
}

function Fact({ label, children, mono = false }: { label: string; children: ReactNode; mono?: boolean }) {
  return (
    <div style={{ minWidth: 0 }}>
      <Text size="xs" c="dimmed" fw={600} tt="uppercase">
        {label}
      </Text>
      <Text size="sm" ff={mono ? 'monospace' : undefined} className="gh-break">
        {children}
      </Text>
    </div>
  );
}

/** One account: what it is, whether it can log in, and what may be done to it. */
export function UserDrawer({
  host,
  user,
  now,
  canManage,
  canDelete,
  locking,
  actions,
  onClose,
}: {
  host: Host;
  user: UserAccount | null;
  now: number;
  canManage: boolean;
  canDelete: boolean;
  locking: boolean;
  actions: UserActions;
  onClose: () => void;
}) {
  const phone = usePhone();
  return (
    <Drawer
      opened={user !== null}
      onClose={onClose}
      position="right"
      size={phone ? '100%' : 480}
      title={
        user && (
          <Group gap="sm">
            <Title order={4} ff="monospace">
              {user.name}
            </Title>
            <AccountStateBadge user={user} now={now} />
          </Group>
        )
      }
    >
      {user && (
        <Stack gap="md" data-user-drawer={user.name}>
          {user.comment && (
            <Text size="sm" c="dimmed">
              {user.comment}
            </Text>
          )}
          <SimpleGrid cols={2} spacing="sm" verticalSpacing="sm">
            <Fact label="UID / GID" mono>
              {user.uid} / {user.gid}
            </Fact>
            <Fact label="Primary group" mono>
              {user.group || '—'}
            </Fact>
            <Fact label="Home" mono>
              {user.home || '—'}
            </Fact>
            <Fact label="Shell" mono>
              {user.shell || '—'}
            </Fact>
          </SimpleGrid>
          <Fact label="Other groups" mono>
            {user.groups.length > 0 ? user.groups.join(', ') : 'none'}
          </Fact>
          <Divider />
          <SimpleGrid cols={2} spacing="sm" verticalSpacing="sm">
            <Fact label="Password">
              {user.password === 'none' ? 'empty (no password needed!)' : user.locked ? 'locked' : user.password === 'usable' ? 'set' : 'no password login'}
            </Fact>
            <Fact label="Changed">
              {user.mustChangePassword ? 'must change at next login' : user.passwordChangedAt ? `${formatDay(user.passwordChangedAt)} (${ageWords(formatAge(user.passwordChangedAt, now))})` : 'unknown'}
            </Fact>
            <Fact label="Password expires">
              {user.passwordExpiresAt ? `${formatDay(user.passwordExpiresAt)} (every ${user.passwordMaxDays} d)` : 'never'}
            </Fact>
            <Fact label="Account expires">
              {user.accountExpiresAt ? accountExpiryText(user).replace(/^account /, '') : 'never'}
            </Fact>
            <Fact label="Last login">
              {user.lastLogin ? (
                <span title={formatDateTime(user.lastLogin.at)}>
                  {formatRelative(user.lastLogin.at, now)}
                  {user.lastLogin.from ? ` from ${user.lastLogin.from}` : ''}
                  {user.lastLogin.terminal ? ` on ${user.lastLogin.terminal}` : ''}
                </span>
              ) : (
                'never, or not recorded'
              )}
            </Fact>
          </SimpleGrid>
          {canManage && (
            <>
              <Divider />
              <Group gap="xs">
                <Button size="xs" variant="default" leftSection={<IconPencil size={14} />} onClick={() => actions.onEdit(user)}>
                  Edit…
                </Button>
                <Button size="xs" variant="default" leftSection={<IconPassword size={14} />} onClick={() => actions.onPassword(user)}>
                  Set password…
                </Button>
                {user.locked ? (
                  <Button size="xs" variant="default" leftSection={<IconLockOpen size={14} />} loading={locking} onClick={() => actions.onLock(user, false)}>
                    Unlock
                  </Button>
                ) : (
                  <Button size="xs" variant="default" leftSection={<IconLock size={14} />} loading={locking} onClick={() => actions.onLock(user, true)}>
                    Lock password
                  </Button>
                )}
                <Button size="xs" variant="default" leftSection={<IconCalendarX size={14} />} onClick={() => actions.onExpire(user)}>
                  Expiry…
                </Button>
              </Group>
            </>
          )}
          <Divider />
          <SshKeys host={host} user={user} canManage={canManage} />
          {canDelete && (
            <>
              <Divider label="Danger zone" labelPosition="left" color="red" />
              <Group>
                <Button size="xs" color="red" variant="light" leftSection={<IconTrash size={14} />} onClick={() => actions.onDelete(user)} disabled={user.uid === 0}>
                  Delete user…
                </Button>
                {user.uid === 0 && (
                  <Text size="xs" c="dimmed">
                    The superuser cannot be deleted.
                  </Text>
                )}
              </Group>
            </>
          )}
        </Stack>
      )}
    </Drawer>
  );
}
