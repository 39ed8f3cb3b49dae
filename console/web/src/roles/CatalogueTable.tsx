/**
 * The permission catalogue as a table, grouped by module, with one column per role (built-in and custom): what
 * each role allows, leaves out, or denies.
 */
import { Fragment } from 'react';
import { Group, Table, Text } from '@mantine/core';
import { TableFrame } from '../components/TableFrame.js';
import { TableSkeleton } from '../components/TableSkeleton.js';
import { RiskBadge } from './RiskBadge.js';
import { RoleCell } from './RoleCell.js';
import type { ModuleGroup } from './roleDraft.js';
import type { RoleView } from '../../../../modules/kernel/access.js';

export type RoleColumn = Pick<RoleView, 'id' | 'name' | 'builtIn' | 'allow' | 'deny'>;

function choiceIn(role: RoleColumn, code: string) {
  if (role.deny.includes(code)) return 'deny' as const;
  return role.allow.includes(code) ? ('allow' as const) : ('none' as const);
}

export function CatalogueTable({ groups, roles, loading }: { groups: ModuleGroup[]; roles: RoleColumn[]; loading: boolean }) {
  const columns = 1 + roles.length;
  // The sentence sits under the code, so the role columns (narrow, names wrapping) fit beside it.
  return (
    <TableFrame minWidth={380 + roles.length * 84}>
      <Table striped highlightOnHover verticalSpacing={6} aria-label="Permission catalogue">
        <Table.Thead>
          <Table.Tr>
            <Table.Th style={{ verticalAlign: 'bottom' }}>Permission</Table.Th>
            {roles.map((role) => (
              <Table.Th key={role.id} ta="center" w={84} fz="xs" style={{ verticalAlign: 'bottom', lineHeight: 1.25 }}>
                {role.name}
                {!role.builtIn && (
                  <Text size="xs" c="dimmed" fw={400}>
                    custom
                  </Text>
                )}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        {loading ? (
          <TableSkeleton columns={columns} rows={10} />
        ) : (
          <Table.Tbody>
            {groups.map((group) => (
              <Fragment key={group.module}>
                <Table.Tr data-module={group.module}>
                  <Table.Td colSpan={columns} bg="var(--mantine-color-default-hover)">
                    <Text size="sm" fw={650}>
                      {group.title}
                    </Text>
                  </Table.Td>
                </Table.Tr>
                {group.permissions.map((p) => (
                  <Table.Tr key={p.code} data-permission={p.code}>
                    <Table.Td>
                      <Group gap={6} wrap="nowrap">
                        <Text size="sm" ff="monospace">
                          {p.code}
                        </Text>
                        <RiskBadge risk={p.risk} />
                      </Group>
                      <Text size="xs" c="dimmed">
                        {p.summary}
                      </Text>
                    </Table.Td>
                    {roles.map((role) => {
                      const choice = choiceIn(role, p.code);
                      return (
                        <Table.Td key={role.id} ta="center" px={4} data-role={role.id} data-choice={choice} data-held={choice === 'allow' ? 'true' : 'false'}>
                          <RoleCell choice={choice} roleName={role.name} code={p.code} />
                        </Table.Td>
                      );
                    })}
                  </Table.Tr>
                ))}
              </Fragment>
            ))}
          </Table.Tbody>
        )}
      </Table>
    </TableFrame>
  );
}
