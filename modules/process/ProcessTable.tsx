import type { ReactNode } from 'react';
import { Table } from '@mantine/core';
import { SortableTh, type SortState } from '../../console/web/src/components/SortableTh.js';
import { TableSkeleton } from '../../console/web/src/components/TableSkeleton.js';
import { usePhone } from '../../console/web/src/hooks/usePhone.js';
import type { ProcessInfo } from './contract.js';
import { ProcessRow, type ProcessRowHandlers, type TreePosition } from './ProcessRow.js';
import { TableFrame, useStickyHeader } from '../../console/web/src/components/TableFrame.js';

export type ProcessSortKey = 'pid' | 'user' | 'cpu' | 'memory' | 'state' | 'started' | 'command';

export function processSortValue(process: ProcessInfo, key: ProcessSortKey): string | number {
  switch (key) {
    case 'pid':
      return process.pid;
    case 'user':
      return process.user;
    case 'cpu':
      return process.cpuPercent;
    case 'memory':
      return process.residentBytes;
    case 'state':
      return process.state;
    case 'started':
      return Date.parse(process.startedAt) || 0;
    case 'command':
      return process.command || `[${process.name}]`;
  }
}

export interface ProcessRowModel {
  process: ProcessInfo;
  tree?: TreePosition;
}

/** The process table, flat (sortable headers) or as a tree (rows carry their depth; headers do not sort). */
export function ProcessTable({
  rows,
  loading,
  sort,
  onSort,
  handlers,
  now,
  empty,
}: {
  rows: ProcessRowModel[];
  loading: boolean;
  /** Absent in tree view, where the order is the tree's. */
  sort?: SortState<ProcessSortKey>;
  onSort: (sort: SortState<ProcessSortKey>) => void;
  handlers: ProcessRowHandlers;
  now: number;
  empty: ReactNode;
}) {
  const phone = usePhone();
  const header = (column: ProcessSortKey, label: string, align: 'left' | 'right' = 'left', firstDescending = false) =>
    sort ? (
      <SortableTh column={column} sort={sort} onSort={onSort} align={align} firstDescending={firstDescending}>
        {label}
      </SortableTh>
    ) : (
      <Table.Th ta={align} style={{ whiteSpace: 'nowrap' }}>
        {label}
      </Table.Th>
    );
  const minWidth = phone ? 340 : 860;
  const sticky = useStickyHeader(minWidth);
  const columns = phone ? 4 : 8;
  return (
    <TableFrame minWidth={minWidth}>
      <Table striped highlightOnHover {...sticky} verticalSpacing={4} horizontalSpacing={phone ? 6 : 'sm'} aria-label="Processes">
        <Table.Thead>
          {phone ? (
            <Table.Tr>
              {header('command', 'Process')}
              {header('cpu', 'CPU %', 'right', true)}
              {header('memory', 'Memory', 'right', true)}
              <Table.Th w={34} aria-label="Actions" />
            </Table.Tr>
          ) : (
            <Table.Tr>
              {header('pid', 'PID', 'right')}
              {header('user', 'User')}
              {header('cpu', 'CPU %', 'right', true)}
              {header('memory', 'Memory', 'right', true)}
              {header('state', 'State')}
              {header('started', 'Started', 'left', true)}
              {header('command', 'Command')}
              <Table.Th w={40} aria-label="Actions" />
            </Table.Tr>
          )}
        </Table.Thead>
        {loading ? (
          <TableSkeleton columns={columns} rows={10} />
        ) : (
          <Table.Tbody>
            {rows.map((row) => (
              <ProcessRow
                key={row.process.pid}
                process={row.process}
                tree={row.tree}
                handlers={handlers}
                now={now}
                compact={phone}
              />
            ))}
            {rows.length === 0 && (
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
