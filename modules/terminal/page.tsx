/**
 * The Terminal tab: login shells on the host in the page, in tabs, that survive a closed tab or a lost network
 * and are recorded on the console (over SSH, for a host without an agent, they end when closed). The body loads
 * when the tab is first opened (xterm.js is large), and stays mounted while the host page is open, so that
 * looking at another tab does not hang up the shells.
 */
import { lazy, Suspense } from 'react';
import { Group, Skeleton, Stack } from '@mantine/core';
import type { ModulePageMeta, ModulePageProps } from '../../console/web/src/types.js';

// The title matches contract.title; a literal keeps zod out of the main bundle.
export const meta: ModulePageMeta = { title: 'Terminal', order: 30, keepMounted: true };

const TerminalWorkspace = lazy(() => import('./TerminalWorkspace.js'));

export default function TerminalPage({ host }: ModulePageProps) {
  return (
    <Suspense
      fallback={
        <Stack gap="sm" aria-busy="true" aria-label="Loading the terminal">
          <Group justify="space-between">
            <Skeleton height={34} width={180} />
            <Skeleton height={34} width={260} />
          </Group>
          <Skeleton height={420} />
        </Stack>
      }
    >
      <TerminalWorkspace host={host} />
    </Suspense>
  );
}
