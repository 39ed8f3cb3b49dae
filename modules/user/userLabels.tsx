import { Badge, Tooltip } from '@mantine/core';
import type { UserAccount } from './contract.js';

export type AccountState = 'expired' | 'locked' | 'no-password' | 'must-change' | 'password-expired' | 'active';

/** The one state an operator needs first, worst first: can this account log in, and how? */
export function accountState(user: UserAccount, now = Date.now()): AccountState {
  if (user.accountExpired) return 'expired';
  if (user.password === 'none') return 'no-password';
  if (user.locked || user.password === 'locked') return 'locked';
  if (user.mustChangePassword) return 'must-change';
  if (user.passwordExpiresAt && Date.parse(user.passwordExpiresAt) <= now) return 'password-expired';
  return 'active';
}

const stateLabels: Record<AccountState, { label: string; color: string; explain: string }> = {
  expired: { label: 'Expired', color: 'red', explain: 'The account has expired: no login at all, by password or key.' },
  'no-password': {
    label: 'No password',
    color: 'red',
    explain: 'The password is empty: anyone may log in as this user where empty passwords are allowed.',
  },
  locked: { label: 'Locked', color: 'gray', explain: 'No password login. SSH keys still work if the account has any.' },
  'must-change': { label: 'Must change', color: 'yellow', explain: 'The user must choose a new password at the next login.' },
  'password-expired': { label: 'Password expired', color: 'orange', explain: 'The password is past its maximum age.' },
  active: { label: 'Active', color: 'teal', explain: 'Password login works.' },
};

export function AccountStateBadge({ user, now }: { user: UserAccount; now: number }) {
  const state = accountState(user, now);
  const { label, color, explain } = stateLabels[state];
  return (
    <Tooltip label={explain} multiline w={260} withArrow openDelay={300}>
      <Badge color={color} variant="light" radius="sm" data-account-state={state} style={{ textTransform: 'none', flexShrink: 0, overflow: 'visible' }} styles={{ label: { overflow: 'visible' } }}>
        {label}
      </Badge>
    </Tooltip>
  );
}

/** A date without the time, in the browser's zone; shadow keeps days only. */
export function formatDay(iso: string | null | undefined, none = 'never'): string {
  if (!iso) return none;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '—';
  return date.toISOString().slice(0, 10);
}

/** "23 d", "2 y" — how old the password is. */
export function formatAge(iso: string | null, now: number): string {
  if (!iso) return '—';
  const days = Math.floor((now - Date.parse(iso)) / 86_400_000);
  if (days < 0) return 'future';
  if (days < 1) return 'today';
  if (days < 365) return `${days} d`;
  return `${(days / 365).toFixed(1)} y`;
}

/** "account expired", "account expired 2025-03-01", "account ends 2031-01-15"; chage -E 0 is day 0, shown without it. */
export function accountExpiryText(user: UserAccount): string {
  if (!user.accountExpiresAt) return 'account never expires';
  const day = Date.parse(user.accountExpiresAt) === 0 ? '' : ` ${formatDay(user.accountExpiresAt)}`;
  return user.accountExpired ? `account expired${day}` : `account ends${day}`;
}
