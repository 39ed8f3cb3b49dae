/**
 * Console accounts: who may log in to Gatehouse, and their grants (a role on the whole fleet, a site, a host
 * group or one host). Create an account with its grants, change the grants, disable or enable it, set a new
 * password. Each change ends the account's sessions and is audited. A site's delegated administrator sees the
 * same page, limited by the server to the accounts and scopes in their sites.
 */
import { useState } from 'react';
import { Box, Button, Card, Group, Skeleton, Stack, Table, Text, Title } from '@mantine/core';
import { IconUserPlus } from '@tabler/icons-react';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { RelativeTime } from '../components/RelativeTime.js';
import { TableFrame } from '../components/TableFrame.js';
import { TableSkeleton } from '../components/TableSkeleton.js';
import { usePhone } from '../hooks/usePhone.js';
import { useUser } from '../session.js';
import { AccountActions, AccountName, AccountState } from '../accounts/AccountParts.js';
import { useAccounts, useChangeAccount } from '../accounts/accountsApi.js';
import { EditGrantsDialog } from '../accounts/EditGrantsDialog.js';
import { GrantChips } from '../accounts/GrantChips.js';
import { NewAccountDialog } from '../accounts/NewAccountDialog.js';
import { PasswordDialog } from '../accounts/PasswordDialog.js';
import type { AccountView } from '../../../../modules/kernel/access.js';

type Dialog = null | { kind: 'new' } | { kind: 'grants' | 'password'; account: AccountView };

export function AccountsPage() {
  const me = useUser();
  const accounts = useAccounts();
  const change = useChangeAccount();
  const [dialog, setDialog] = useState<Dialog>(null);
  const close = () => setDialog(null);
  const phone = usePhone();
  const actionsFor = (account: AccountView) => ({
    onGrants: () => setDialog({ kind: 'grants', account }),
    onPassword: () => setDialog({ kind: 'password', account }),
    onToggle: () => change.mutate({ id: account.id, change: { disabled: !account.disabled } }),
  });

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-start">
        <div>
          <Title order={2}>Accounts</Title>
          <Text size="sm" c="dimmed" maw={760}>
            Who may log in to Gatehouse, and their grants: a role (see Roles for what each may do) on the whole fleet, a site, a host group or one
            host. Changes end the account&apos;s open sessions.
          </Text>
        </div>
        <Button leftSection={<IconUserPlus size={16} />} onClick={() => setDialog({ kind: 'new' })}>
          New account
        </Button>
      </Group>
      {accounts.isError && <ErrorAlert error={accounts.error} title="Could not load the accounts" />}
      {change.isError && <ErrorAlert error={change.error} title="Not changed" />}
      {phone ? (
        <Stack gap="xs" aria-label="Accounts">
          {accounts.isPending && <Skeleton h={120} radius="md" />}
          {(accounts.data ?? []).map((account) => (
            <Card key={account.id} withBorder radius="md" padding="sm" data-account={account.username}>
              <Group justify="space-between" wrap="nowrap" gap="xs">
                <AccountName account={account} mine={account.username === me.username} />
                <AccountState disabled={account.disabled} />
              </Group>
              <Box my={8}>
                <GrantChips grants={account.grants ?? []} />
              </Box>
              <Text size="xs" c="dimmed" mb={8}>
                Created <RelativeTime iso={account.createdAt} size="xs" />
              </Text>
              <AccountActions account={account} justify="flex-start" {...actionsFor(account)} />
            </Card>
          ))}
        </Stack>
      ) : (
        <TableFrame minWidth={860}>
          <Table striped highlightOnHover verticalSpacing={8} aria-label="Accounts">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Username</Table.Th>
                <Table.Th>Grants</Table.Th>
                <Table.Th>State</Table.Th>
                <Table.Th>Created</Table.Th>
                <Table.Th aria-label="Actions" />
              </Table.Tr>
            </Table.Thead>
            {accounts.isPending ? (
              <TableSkeleton columns={5} rows={4} />
            ) : (
              <Table.Tbody>
                {(accounts.data ?? []).map((account) => (
                  <Table.Tr key={account.id} data-account={account.username}>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      <AccountName account={account} mine={account.username === me.username} />
                    </Table.Td>
                    <Table.Td>
                      <GrantChips grants={account.grants ?? []} />
                    </Table.Td>
                    <Table.Td>
                      <AccountState disabled={account.disabled} />
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      <RelativeTime iso={account.createdAt} size="sm" />
                    </Table.Td>
                    <Table.Td>
                      <AccountActions account={account} {...actionsFor(account)} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            )}
          </Table>
        </TableFrame>
      )}
      {dialog?.kind === 'new' && <NewAccountDialog onClose={close} />}
      {dialog?.kind === 'grants' && <EditGrantsDialog account={dialog.account} onClose={close} />}
      {dialog?.kind === 'password' && <PasswordDialog account={dialog.account} onClose={close} />}
    </Stack>
  );
}
