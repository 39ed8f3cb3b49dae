import type { ReactNode } from 'react';
import { Table } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { appHeaderHeight, appNavbarWidth } from '../theme.js';

// Beside the table on a wide screen: the navbar and the main area's padding on both sides.
const besideTable = appNavbarWidth + 2 * 24;

/** Whether a table needing `minWidth` pixels fits the main area without scrolling sideways. */
export function useTableFits(minWidth: number): boolean {
  return useMediaQuery(`(min-width: ${minWidth + besideTable}px)`, true, { getInitialValueInEffect: false });
}

/**
 * Props for a Table's sticky header. A header only sticks to the page when no scrolling box sits between the
 * table and the page, so where TableFrame scrolls sideways the header stays put.
 */
export function useStickyHeader(minWidth: number): { stickyHeader: boolean; stickyHeaderOffset: number } {
  const fits = useTableFits(minWidth);
  return { stickyHeader: fits, stickyHeaderOffset: fits ? appHeaderHeight : 0 };
}

/** Wraps a table: as is where it fits, in a sideways-scrolling box otherwise. */
export function TableFrame({ minWidth, children }: { minWidth: number; children: ReactNode }) {
  const fits = useTableFits(minWidth);
  if (fits) return <>{children}</>;
  return (
    <Table.ScrollContainer minWidth={minWidth} type="native">
      {children}
    </Table.ScrollContainer>
  );
}
