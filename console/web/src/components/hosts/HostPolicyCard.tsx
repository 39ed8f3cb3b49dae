/**
 * The local policy a host's agent enforces (its policy.json): set on the machine, shown here, never changed
 * from here. Everything the agent reported is rendered as text.
 */
import { Badge, Divider, Group, SimpleGrid, Text } from '@mantine/core';
import { IconLock } from '@tabler/icons-react';
import { modulePages } from '../../modulePages.js';
import type { Host } from '../../types.js';
import { RelativeTime } from '../RelativeTime.js';
import { HostFact } from './HostFact.js';

// Every module this console knows, by its contract's folder: only the names are used, nothing is loaded.
const knownModules = Object.keys(import.meta.glob('../../../../../modules/*/contract.ts'))
  .map((file) => /modules\/([^/]+)\/contract\.ts$/.exec(file)?.[1])
  .filter((name): name is string => name !== undefined && name !== 'kernel')
  .sort();

function moduleTitle(name: string): string {
  return modulePages.find((page) => page.name === name)?.title ?? name;
}

function titles(names: readonly string[]): string {
  return names.map(moduleTitle).join(', ');
}

function Heading({ host }: { host: Host }) {
  return (
    <Divider
      my="md"
      labelPosition="left"
      label={
        <Group gap={6} wrap="nowrap">
          <IconLock size={14} />
          <Text size="xs" fw={600} tt="uppercase">
            Local policy
          </Text>
          <Text size="xs" c="dimmed">
            set on the machine; the console cannot change it
          </Text>
          {host.policy && !host.online && (
            <Badge size="xs" variant="light" color="gray">
              last known
            </Badge>
          )}
        </Group>
      }
    />
  );
}

/** The host's effective policy: modules served and disabled, file roots, read-only, writable tags, detach time. */
export function HostPolicyCard({ host }: { host: Host }) {
  // A host reached over SSH has no agent, so nothing enforces a local policy there.
  if (host.connection === 'ssh') return null;
  const policy = host.policy;
  if (!policy) {
    return (
      <section aria-label="Local policy" data-host-policy="unknown">
        <Heading host={host} />
        <Text size="sm" c="dimmed">
          Unknown: the agent has not connected since the console started. It is shown when the agent next connects.
        </Text>
      </section>
    );
  }
  const served = policy.modules ?? knownModules;
  const disabled = knownModules.filter((name) => !served.includes(name));
  const tags = policy.modbusWritableTags;
  return (
    <section aria-label="Local policy" data-host-policy={host.online ? 'live' : 'last-known'}>
      <Heading host={host} />
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="md" verticalSpacing="sm">
        <HostFact label="Modules served">{policy.modules ? titles(served) || 'none' : `all (${String(knownModules.length)})`}</HostFact>
        <HostFact label="Modules disabled">{disabled.length ? titles(disabled) : 'none'}</HostFact>
        <HostFact label="Read-only">{policy.readOnly ? 'yes: every change is refused' : 'no'}</HostFact>
        <HostFact label="File roots" mono>
          {policy.fileRoots.join(', ')}
        </HostFact>
        <HostFact label="Writable Modbus tags" mono={tags !== undefined && tags.length > 0}>
          {tags === undefined ? 'as the device profiles say' : tags.length ? tags.join(', ') : 'none'}
        </HostFact>
        <HostFact label="Terminal detach">
          {policy.terminalDetachedMinutes === 0 ? 'none: a terminal ends with its page' : `${String(policy.terminalDetachedMinutes)} min`}
        </HostFact>
      </SimpleGrid>
      <Text size="xs" c="dimmed" mt="xs">
        {host.online ? 'Reported when the agent connected, ' : 'Last reported when the agent connected, '}
        <RelativeTime iso={host.policyReportedAt} size="xs" c="dimmed" />.
      </Text>
    </section>
  );
}
