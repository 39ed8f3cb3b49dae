import { useState } from 'react';
import { Alert, Box, Tabs } from '@mantine/core';
import { IconPlugConnectedX } from '@tabler/icons-react';
import { useNavigate } from 'react-router';
import { changesTab, showsChangesTab } from '../../drift/changesTab.js';
import { hostCondition } from '../../hostStatus.js';
import { modulePages, type ModulePage } from '../../modulePages.js';
import type { Host } from '../../types.js';

/**
 * The host's module pages as tabs. A page is mounted while its tab is open, except pages that ask to stay
 * (the terminal): once opened they stay mounted, hidden, until the host page closes, so that looking at Files
 * does not hang up a shell. Render with `key={host.id}`: what stays mounted belongs to one host.
 */
export function HostModuleTabs({ host, tabs, module }: { host: Host; tabs: readonly ModulePage[]; module: string | undefined }) {
  const navigate = useNavigate();
  const [opened, setOpened] = useState<ReadonlySet<string>>(() => new Set(module ? [module] : []));
  // Adjusting state to a new prop during render, as React advises, rather than one render late in an effect.
  if (module && !opened.has(module)) setOpened(new Set(opened).add(module));

  const serving =
    module === undefined ||
    !tabs.some((page) => page.name === module) ||
    host.modules.includes(module) ||
    (module === changesTab.name && showsChangesTab(host));
  // Kept pages stay even while the host does not list them (its agent dropped for a moment): their shells
  // re-attach by themselves when it is back.
  const kept = modulePages.filter((page) => page.keepMounted && opened.has(page.name) && !tabs.includes(page));
  const panels = [...tabs, ...kept];

  return (
    <Tabs
      value={module ?? null}
      onChange={(value) => value && navigate(`/hosts/${encodeURIComponent(host.id)}/${value}`)}
      keepMounted={false}
      // Hidden with display: none, not React's Activity, which would run the page's effect cleanups (closing sockets).
      keepMountedMode="display-none"
    >
      <Tabs.List>
        {tabs.map((page) => (
          <Tabs.Tab key={page.name} value={page.name}>
            {page.title}
          </Tabs.Tab>
        ))}
      </Tabs.List>
      {!serving && (
        <Alert color="red" variant="light" mt="sm" icon={<IconPlugConnectedX size={18} />}>
          {hostCondition(host) === 'offline'
            ? 'The host is offline. What is shown was loaded before it dropped; actions fail until it reconnects.'
            : 'This host no longer serves this module.'}
        </Alert>
      )}
      {panels.map((page) => (
        <Tabs.Panel key={page.name} value={page.name} pt="md" keepMounted={page.keepMounted && opened.has(page.name)}>
          <Box>
            <page.Page host={host} />
          </Box>
        </Tabs.Panel>
      ))}
    </Tabs>
  );
}
