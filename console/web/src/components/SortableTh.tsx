import type { ReactNode } from 'react';
import { Group, Table, UnstyledButton } from '@mantine/core';
import { IconChevronDown, IconChevronUp, IconSelector } from '@tabler/icons-react';

export interface SortState<K extends string> {
  key: K;
  descending: boolean;
}

/** A column header that sorts its table; clicking the current column flips the direction. */
export function SortableTh<K extends string>({
  column,
  sort,
  onSort,
  children,
  align = 'left',
  width,
  firstDescending = false,
  visibleFrom,
}: {
  column: K;
  sort: SortState<K>;
  onSort: (next: SortState<K>) => void;
  children: ReactNode;
  align?: 'left' | 'right';
  width?: number | string;
  /** Numbers (CPU, memory) are most useful biggest first. */
  firstDescending?: boolean;
  /** Hide the column below this breakpoint (its cells must say the same). */
  visibleFrom?: 'xs' | 'sm' | 'md' | 'lg';
}) {
  const active = sort.key === column;
  const Icon = active ? (sort.descending ? IconChevronDown : IconChevronUp) : IconSelector;
  return (
    <Table.Th
      w={width}
      visibleFrom={visibleFrom}
      aria-sort={active ? (sort.descending ? 'descending' : 'ascending') : 'none'}
      style={{ whiteSpace: 'nowrap' }}
    >
      <UnstyledButton
        onClick={() => onSort({ key: column, descending: active ? !sort.descending : firstDescending })}
        fw={600}
        fz="sm"
        w="100%"
      >
        <Group gap={4} wrap="nowrap" justify={align === 'right' ? 'flex-end' : 'flex-start'}>
          {children}
          <Icon size={14} stroke={1.6} aria-hidden opacity={active ? 1 : 0.4} />
        </Group>
      </UnstyledButton>
    </Table.Th>
  );
}

/** Compare helper for sort functions: strings by locale, numbers numerically, missing values last. */
export function compareValues(a: string | number | null | undefined, b: string | number | null | undefined): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true, sensitivity: 'base' });
}

/** A sorted copy; rows without a value stay at the bottom whichever way the column is sorted. */
export function sortRows<T>(
  rows: readonly T[],
  value: (row: T) => string | number | null | undefined,
  descending: boolean,
): T[] {
  return [...rows].sort((x, y) => {
    const a = value(x);
    const b = value(y);
    if (a === null || a === undefined) return b === null || b === undefined ? 0 : 1;
    if (b === null || b === undefined) return -1;
    const order = compareValues(a, b);
    return descending ? -order : order;
  });
}
