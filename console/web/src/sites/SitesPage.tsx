/**
 * Every site with its state at a glance: how it is (word, icon and colour), how many of its gateways are online,
 * how many tags are not good, and how old its newest reading is. A table on a desk, cards on a phone.
 */
import { Anchor, Card, EmptyState, Group, Skeleton, Stack, Table, Text, Title } from '@mantine/core';
import { IconBuildingFactory2 } from '@tabler/icons-react';
import { Link } from 'react-router';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { useNow } from '../hooks/useNow.js';
import { usePhone } from '../hooks/usePhone.js';
import { SiteStateBadge } from './siteState.js';
import { useSites, type SiteSummary } from './sitesApi.js';
import { formatAge } from './tagState.js';

function gatewaysText(site: SiteSummary): string {
  const online = site.gateways.filter((g) => g.online).length;
  return `${online} of ${site.gateways.length} online`;
}

function lastReadingText(site: SiteSummary, now: number): string {
  if (!site.lastReadingTs) return 'never';
  const age = now - site.lastReadingTs;
  return age < 10_000 ? 'just now' : `${formatAge(age)} ago`;
}

function BadTags({ site }: { site: SiteSummary }) {
  return (
    <Text size="sm" className="gh-num" c={site.badTags > 0 ? 'var(--mantine-color-orange-text)' : 'dimmed'} fw={site.badTags > 0 ? 600 : undefined}>
      {site.badTags > 0 ? `${site.badTags} of ${site.tagCount} not good` : `all ${site.tagCount} good`}
    </Text>
  );
}

function SiteName({ site }: { site: SiteSummary }) {
  return (
    <div style={{ minWidth: 0 }}>
      <Anchor component={Link} to={`/sites/${encodeURIComponent(site.id)}`} fw={650} size="lg">
        {site.name}
      </Anchor>
      {site.description && (
        <Text size="xs" c="dimmed" lineClamp={1}>
          {site.description}
        </Text>
      )}
    </div>
  );
}

function SiteCards({ sites, now }: { sites: SiteSummary[]; now: number }) {
  return (
    <Stack gap="sm">
      {sites.map((site) => (
        <Card key={site.id} withBorder radius="md" padding="sm" data-site-id={site.id}>
          <Group justify="space-between" align="flex-start" wrap="nowrap" gap="xs">
            <SiteName site={site} />
            <SiteStateBadge state={site.state} size="md" />
          </Group>
          <Group gap="md" mt="xs" style={{ rowGap: 2 }}>
            <Text size="sm">Gateways {gatewaysText(site)}</Text>
            <BadTags site={site} />
            <Text size="sm" c="dimmed">
              Last reading {lastReadingText(site, now)}
            </Text>
          </Group>
        </Card>
      ))}
    </Stack>
  );
}

function SiteTable({ sites, now }: { sites: SiteSummary[]; now: number }) {
  return (
    <Card withBorder radius="md" padding={0}>
      <Table verticalSpacing="sm" highlightOnHover>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Site</Table.Th>
            <Table.Th>State</Table.Th>
            <Table.Th>Gateways</Table.Th>
            <Table.Th>Tags</Table.Th>
            <Table.Th>Last reading</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {sites.map((site) => (
            <Table.Tr key={site.id} data-site-id={site.id}>
              <Table.Td>
                <SiteName site={site} />
              </Table.Td>
              <Table.Td>
                <SiteStateBadge state={site.state} />
              </Table.Td>
              <Table.Td>
                <Text size="sm" c={site.gateways.some((g) => !g.online) ? 'red.7' : undefined}>
                  {gatewaysText(site)}
                </Text>
              </Table.Td>
              <Table.Td>
                <BadTags site={site} />
              </Table.Td>
              <Table.Td>
                <Text size="sm" className="gh-num" title={site.lastReadingTs ? new Date(site.lastReadingTs).toLocaleString() : undefined}>
                  {lastReadingText(site, now)}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Card>
  );
}

export function SitesPage() {
  const sites = useSites();
  const phone = usePhone();
  const now = useNow(5_000);
  const list = [...(sites.data ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  const counts = list.reduce<Record<string, number>>((acc, s) => ({ ...acc, [s.state]: (acc[s.state] ?? 0) + 1 }), {});
  const summary = list.length
    ? [`${list.length} ${list.length === 1 ? 'site' : 'sites'}`, ...Object.entries(counts).filter(([state]) => state !== 'ok').map(([state, n]) => `${n} ${state}`)].join(' · ')
    : '';

  return (
    <Stack gap="md">
      <div>
        <Title order={2}>Sites</Title>
        <Text size="sm" c="dimmed">
          {summary || '\u00a0'}
        </Text>
      </div>
      {sites.isError && !sites.data ? (
        <ErrorAlert error={sites.error} title="Could not load the sites" onRetry={() => void sites.refetch()} />
      ) : sites.isPending ? (
        <Skeleton h={160} radius="md" />
      ) : list.length === 0 ? (
        <EmptyState
          icon={<IconBuildingFactory2 size={26} />}
          withIndicatorBackground
          title="No sites yet"
          description="A site appears when a gateway with a device profile belongs to it."
        />
      ) : phone ? (
        <SiteCards sites={list} now={now} />
      ) : (
        <SiteTable sites={list} now={now} />
      )}
    </Stack>
  );
}
