import type { ReactNode } from 'react';
import { Anchor, Table, Text } from '@mantine/core';
import { SortableTh, type SortState } from '../../console/web/src/components/SortableTh.js';
import { TableFrame, useStickyHeader } from '../../console/web/src/components/TableFrame.js';
import { TableSkeleton } from '../../console/web/src/components/TableSkeleton.js';
import { formatDateTime, formatRelative } from '../../console/web/src/format.js';
import { usePhone } from '../../console/web/src/hooks/usePhone.js';
import type { UserAccount } from './contract.js';
import { accountExpiryText, accountState, AccountStateBadge, formatAge, formatDay } from './userLabels.js';

export type UserSortKey = 'name' | 'uid' | 'groups' | 'shell' | 'state' | 'password' | 'login';

const stateOrder = ['no-password', 'expired', 'password-expired', 'must-change', 'locked', 'active'];

export function userSortValue(user: UserAccount, key: UserSortKey, now: number): string | number | null {
  switch (key) {
    case 'name':
      return user.name;
    case 'uid':
      return user.uid;
    case 'groups':
      return [user.group, ...user.groups].join(' ');
    case 'shell':
      return user.shell;
    case 'state':
      return stateOrder.indexOf(accountState(user, now));
    case 'password':
      return user.passwordChangedAt ? Date.parse(user.passwordChangedAt) : null;
    case 'login':
      return user.lastLogin ? Date.parse(user.lastLogin.at) : null;
  }
}

function GroupsCell({ user }: { user: UserAccount }) {
  const text = user.groups.join(', ');
  return (
    <Text size="sm" className="gh-truncate" title={`primary ${user.group || user.gid}${text ? `; also ${text}` : ''}`}>
      <Text span fw={600} size="sm">
        {user.group || user.gid}
      </Text>
      {text && (
        <Text span c="dimmed" size="sm">
          {' '}
          · {text}
        </Text>
      )}
    </Text>
  );
}

function PasswordCell({ user, now }: { user: UserAccount; now: number }) {
  if (user.password === 'none') return <Text size="sm" c="red">empty</Text>;
  return (
    <div>
      <Text size="sm" style={{ whiteSpace: 'nowrap' }} title={`changed ${formatDay(user.passwordChangedAt, 'unknown')}`}>
        {user.mustChangePassword ? 'change at login' : formatAge(user.passwordChangedAt, now)}
      </Text>
      {user.passwordExpiresAt && (
        <Text size="xs" c={Date.parse(user.passwordExpiresAt) <= now ? 'orange' : 'dimmed'} style={{ whiteSpace: 'nowrap' }}>
          expires {formatDay(user.passwordExpiresAt)}
        </Text>
      )}
      {user.accountExpiresAt && (
        <Text size="xs" c={user.accountExpired ? 'red' : 'dimmed'} style={{ whiteSpace: 'nowrap' }}>
          {accountExpiryText(user)}
        </Text>
      )}
    </div>
  );
}

function LoginCell({ user, now }: { user: UserAccount; now: number }) {
  if (!user.lastLogin) return <Text size="sm" c="dimmed">never</Text>;
  return (
    <div title={`${formatDateTime(user.lastLogin.at)} on ${user.lastLogin.terminal || '?'}${user.lastLogin.from ? ` from ${user.lastLogin.from}` : ''}`}>
      <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
        {formatRelative(user.lastLogin.at, now)}
      </Text>
      {user.lastLogin.from && (
        <Text size="xs" c="dimmed" className="gh-truncate" maw={160}>
          {user.lastLogin.from}
        </Text>
      )}
    </div>
  );
}

/** The accounts table: click a name (or anywhere on the row) for the account's drawer. */
export function UsersTable({
  users,
  loading,
  sort,
  onSort,
  onOpen,
  selected,
  now,
  empty,
}: {
  users: UserAccount[];
  loading: boolean;
  sort: SortState<UserSortKey>;
  onSort: (sort: SortState<UserSortKey>) => void;
  onOpen: (user: UserAccount) => void;
  selected: string | null;
  now: number;
  empty: ReactNode;
}) {
  const phone = usePhone();
  const minWidth = phone ? 340 : 940;
  const sticky = useStickyHeader(minWidth);
  const columns = phone ? 3 : 7;
  const th = (key: UserSortKey, label: string, align: 'left' | 'right' = 'left', firstDescending = false) => (
    <SortableTh column={key} sort={sort} onSort={onSort} align={align} firstDescending={firstDescending}>
      {label}
    </SortableTh>
  );
  const nameCell = (user: UserAccount, detail?: ReactNode) => (
    <Table.Td style={{ maxWidth: 0, width: phone ? '100%' : '22%' }}>
      <Anchor
        component="button"
        type="button"
        size="sm"
        fw={600}
        ff="monospace"
        className="gh-truncate"
        onClick={(event) => {
          event.stopPropagation();
          onOpen(user);
        }}
        data-user={user.name}
      >
        {user.name}
      </Anchor>
      {detail ?? (
        <Text size="xs" c="dimmed" className="gh-truncate" title={user.comment}>
          {user.comment.replace(/,+$/, '') || (user.system ? 'system account' : '\u00a0')}
        </Text>
      )}
    </Table.Td>
  );
  return (
    <TableFrame minWidth={minWidth}>
      <Table striped highlightOnHover {...sticky} verticalSpacing={5} horizontalSpacing={phone ? 6 : 'sm'} aria-label="Users">
        <Table.Thead>
          {phone ? (
            <Table.Tr>
              {th('name', 'User')}
              {th('state', 'State')}
              {th('login', 'Last login', 'left', true)}
            </Table.Tr>
          ) : (
            <Table.Tr>
              {th('name', 'User')}
              {th('uid', 'UID', 'right')}
              {th('groups', 'Groups')}
              {th('shell', 'Shell')}
              {th('state', 'State')}
              {th('password', 'Password age', 'left', true)}
              {th('login', 'Last login', 'left', true)}
            </Table.Tr>
          )}
        </Table.Thead>
        {loading ? (
          <TableSkeleton columns={columns} rows={8} />
        ) : (
          <Table.Tbody>
            {users.map((user) => (
              <Table.Tr
                key={user.name}
                onClick={() => onOpen(user)}
                style={{ cursor: 'pointer' }}
                bg={selected === user.name ? 'var(--mantine-primary-color-light)' : undefined}
                data-user-row={user.name}
              >
                {phone ? (
                  <>
                    {nameCell(
                      user,
                      <Text size="xs" c="dimmed" className="gh-truncate">
                        uid {user.uid} · {user.shell.split('/').pop() || '—'}
                      </Text>,
                    )}
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      <AccountStateBadge user={user} now={now} />
                    </Table.Td>
                    <Table.Td>
                      <LoginCell user={user} now={now} />
                    </Table.Td>
                  </>
                ) : (
                  <>
                    {nameCell(user)}
                    <Table.Td>
                      <Text size="sm" ff="monospace" ta="right">
                        {user.uid}
                      </Text>
                    </Table.Td>
                    <Table.Td style={{ maxWidth: 0, width: '22%' }}>
                      <GroupsCell user={user} />
                    </Table.Td>
                    <Table.Td maw={170}>
                      <Text size="sm" ff="monospace" className="gh-truncate" c={/nologin|false$/.test(user.shell) ? 'dimmed' : undefined} title={user.shell}>
                        {user.shell || '—'}
                      </Text>
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      <AccountStateBadge user={user} now={now} />
                    </Table.Td>
                    <Table.Td>
                      <PasswordCell user={user} now={now} />
                    </Table.Td>
                    <Table.Td>
                      <LoginCell user={user} now={now} />
                    </Table.Td>
                  </>
                )}
              </Table.Tr>
            ))}
            {users.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={columns}>{empty}</Table.Td>
              </Table.Tr>
            )}
          </Table.Tbody>
        )}
      </Table>
    </TableFrame>
  );
}
