import type { ReactNode } from 'react';
import { Table } from '@mantine/core';
import { SortableTh, type SortState } from '../../console/web/src/components/SortableTh.js';
import { TableSkeleton } from '../../console/web/src/components/TableSkeleton.js';
import { usePhone } from '../../console/web/src/hooks/usePhone.js';
import type { ProcessInfo } from './contract.js';
import { ProcessRow, type ProcessRowHandlers, type TreePosition } from './ProcessRow.js';

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
  // On a phone: PID, CPU, memory, command and the menu; user, state and start time need a wider screen.
  const header = (
    column: ProcessSortKey,
    label: string,
    align: 'left' | 'right' = 'left',
    firstDescending = false,
    wideOnly = false,
  ) =>
    sort ? (
      <SortableTh
        column={column}
        sort={sort}
        onSort={onSort}
        align={align}
        firstDescending={firstDescending}
        visibleFrom={wideOnly ? 'sm' : undefined}
      >
        {label}
      </SortableTh>
    ) : (
      <Table.Th ta={align} style={{ whiteSpace: 'nowrap' }} visibleFrom={wideOnly ? 'sm' : undefined}>
        {label}
      </Table.Th>
    );
  return (
    <Table.ScrollContainer minWidth={phone ? 340 : 860} type="native">
      <Table striped highlightOnHover stickyHeader verticalSpacing={4} horizontalSpacing={phone ? 6 : "sm"} aria-label="Processes">
        <Table.Thead>
          <Table.Tr>
            {header('pid', 'PID', 'right')}
            {header('user', 'User', 'left', false, true)}
            {header('cpu', 'CPU %', 'right', true)}
            {header('memory', 'Memory', 'right', true)}
            {header('state', 'State', 'left', false, true)}
            {header('started', 'Started', 'left', true, true)}
            {header('command', 'Command')}
            <Table.Th w={40} aria-label="Actions" />
          </Table.Tr>
        </Table.Thead>
        {loading ? (
          <TableSkeleton columns={phone ? 5 : 8} rows={10} />
        ) : (
          <Table.Tbody>
            {rows.map((row) => (
              <ProcessRow key={row.process.pid} process={row.process} tree={row.tree} handlers={handlers} now={now} />
            ))}
            {rows.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={8}>{empty}</Table.Td>
              </Table.Tr>
            )}
          </Table.Tbody>
        )}
      </Table>
    </Table.ScrollContainer>
  );
}
