/**
 * What a window covers, in words and with a link: a host by its name, a group as "hosts tagged x", a site by
 * its name. Names come from the host and site lists the app already holds; an id stands in for one not known.
 */
import { Anchor, Group, Text } from '@mantine/core';
import { IconBuildingFactory2, IconServer2, IconTag } from '@tabler/icons-react';
import { Link } from 'react-router';
import type { MaintenanceScope } from './maintenanceApi.js';

export interface ScopeNames {
  hostName(hostId: string): string | undefined;
  siteName(siteId: string): string | undefined;
}

export function scopeText(scope: MaintenanceScope, names: ScopeNames): string {
  switch (scope.kind) {
    case 'host':
      return `Host ${names.hostName(scope.hostId) ?? scope.hostId}`;
    case 'group':
      return `Hosts tagged ${scope.tag}`;
    case 'site':
      return `Site ${names.siteName(scope.siteId) ?? scope.siteId}`;
  }
}

export function ScopeLabel({ scope, names, size = 'sm' }: { scope: MaintenanceScope; names: ScopeNames; size?: 'sm' | 'md' | 'lg' }) {
  const Icon = { host: IconServer2, group: IconTag, site: IconBuildingFactory2 }[scope.kind];
  // A group is every host with the tag, now and later: there is no one page to link to.
  const target =
    scope.kind === 'host'
      ? { prefix: 'Host', text: names.hostName(scope.hostId) ?? scope.hostId, to: `/hosts/${encodeURIComponent(scope.hostId)}` }
      : scope.kind === 'site'
        ? { prefix: 'Site', text: names.siteName(scope.siteId) ?? scope.siteId, to: `/sites/${encodeURIComponent(scope.siteId)}` }
        : { prefix: 'Hosts tagged', text: scope.tag, to: null };
  return (
    <Group gap={6} wrap="nowrap" data-scope-kind={scope.kind}>
      <Icon size={16} aria-hidden style={{ flexShrink: 0 }} />
      <Text size={size} span>
        {target.prefix}{' '}
        {target.to ? (
          <Anchor component={Link} to={target.to} size={size} fw={600}>
            {target.text}
          </Anchor>
        ) : (
          <Text span size={size} fw={600} ff="monospace">
            {target.text}
          </Text>
        )}
      </Text>
    </Group>
  );
}
