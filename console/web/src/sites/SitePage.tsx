/**
 * A site as a process overview: the devices' communication on top, then the equipment in the order water moves
 * through the works — pumps, flows, tanks, pressures, water quality — each as a card. Values arrive live;
 * when the live connection is down the page says so and greys every value rather than let it look current.
 */
import { useMemo, useState } from 'react';
import { Alert, Anchor, Badge, Breadcrumbs, Button, Group, SimpleGrid, Skeleton, Stack, Text, Title } from '@mantine/core';
import { IconChartLine, IconPlugConnectedX } from '@tabler/icons-react';
import { Link, useParams } from 'react-router';
import { SiteAlarms } from '../alarms/SiteAlarms.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { useNow } from '../hooks/useNow.js';
import { isAdministrator, useUser } from '../session.js';
import { DeviceStrip } from './DeviceStrip.js';
import { MeasurementCard } from './MeasurementCard.js';
import { PumpCard } from './PumpCard.js';
import { SetpointDialog } from './SetpointDialog.js';
import { SiteStateBadge } from './siteState.js';
import { useSite, useSiteTags, type SiteTag } from './sitesApi.js';
import type { ReadingContext } from './TagReading.js';
import { TankCard } from './TankCard.js';
import { groupEquipment, kindOrder, kindSectionTitle, type Equipment } from './tagState.js';
import { trendLink } from './trendData.js';
import { isApiError } from '../api.js';

function EquipmentView({ equipment, context }: { equipment: Equipment; context: ReadingContext }) {
  if (equipment.kind === 'pump') return <PumpCard equipment={equipment} context={context} />;
  if (equipment.kind === 'tank') return <TankCard equipment={equipment} context={context} />;
  return <MeasurementCard equipment={equipment} context={context} />;
}

/** The narrowest a card gets before the grid puts fewer side by side. */
const cardMinPx = 270;
const gapPx = 16;

/**
 * Sections in the process order, flowing side by side where they fit (three pumps beside one tank) so a works
 * fits on one screen; within a section, cards of equal width; on a phone, one column.
 */
function EquipmentSections({ equipment, context }: { equipment: Equipment[]; context: ReadingContext }) {
  return (
    <div style={{ display: 'flex', flexWrap: 'wrap', gap: `${gapPx}px ${gapPx * 2}px`, alignItems: 'flex-start' }}>
      {kindOrder.map((kind) => {
        const items = equipment.filter((e) => e.kind === kind);
        if (items.length === 0) return null;
        const n = Math.min(items.length, 4);
        return (
          <Stack
            key={kind}
            gap="xs"
            component="section"
            aria-label={kindSectionTitle[kind]}
            style={{ flex: `${n} 1 ${n * cardMinPx + (n - 1) * gapPx}px`, minWidth: 0, maxWidth: '100%' }}
          >
            <Title order={4} c="dimmed" fw={600}>
              {kindSectionTitle[kind]}
            </Title>
            <div style={{ display: 'grid', gridTemplateColumns: `repeat(auto-fill, minmax(min(${cardMinPx}px, 100%), 1fr))`, gap: gapPx }}>
              {items.map((e) => (
                <EquipmentView key={e.id} equipment={e} context={context} />
              ))}
            </div>
          </Stack>
        );
      })}
    </div>
  );
}

/** Not live: the socket is down, so what is shown may have changed since. Quiet, but impossible to miss. */
function NotLive() {
  return (
    <Badge color="gray" variant="light" size="lg" leftSection={<IconPlugConnectedX size={14} aria-hidden />} role="status" data-live="false">
      Not live — reconnecting
    </Badge>
  );
}

export function SitePage() {
  const { siteId = '' } = useParams();
  const user = useUser();
  const mayWrite = isAdministrator(user) || user.permissions.includes('modbus.write');
  const site = useSite(siteId);
  const tags = useSiteTags(siteId);
  const now = useNow(5_000);
  const [writing, setWriting] = useState<string | null>(null);

  const layout = useMemo(() => groupEquipment(tags.data ?? []), [tags.data]);
  const offlineGateways = useMemo(() => new Set((site.data?.gateways ?? []).filter((g) => !g.online).map((g) => g.hostId)), [site.data]);
  const context: ReadingContext = {
    siteId,
    now,
    live: tags.live,
    offlineGateways,
    onChange: mayWrite ? (tag: SiteTag) => setWriting(tag.name) : undefined,
  };
  const writingTag = writing ? tags.data?.find((t) => t.name === writing) : undefined;

  if (site.isError && !site.data) {
    return isApiError(site.error, 'not-found') ? (
      <Alert color="gray" title="No such site">
        There is no site “{siteId}”. <Anchor component={Link} to="/sites">See all sites</Anchor>
      </Alert>
    ) : (
      <ErrorAlert error={site.error} title="Could not load the site" onRetry={() => void site.refetch()} />
    );
  }

  return (
    <Stack gap="md" data-site={siteId} data-live={tags.live}>
      <Breadcrumbs>
        <Anchor component={Link} to="/sites" size="sm">
          Sites
        </Anchor>
        <Text size="sm">{site.data?.name ?? siteId}</Text>
      </Breadcrumbs>
      <Group justify="space-between" align="flex-end" gap="sm">
        <div style={{ minWidth: 0 }}>
          <Group gap="sm" wrap="wrap">
            {site.data ? <Title order={2}>{site.data.name}</Title> : <Skeleton h={32} w={240} />}
            {site.data && <SiteStateBadge state={site.data.state} />}
            {!tags.live && <NotLive />}
          </Group>
          {site.data?.description && (
            <Text size="sm" c="dimmed">
              {site.data.description}
            </Text>
          )}
        </div>
        <Button component={Link} to={trendLink(siteId, [])} variant="default" leftSection={<IconChartLine size={16} />}>
          Trends
        </Button>
      </Group>

      <DeviceStrip site={site.data} devices={layout.devices} now={now} />
      <SiteAlarms siteId={siteId} />

      {tags.isError && !tags.data && <ErrorAlert error={tags.error} title="Could not load the site's values" onRetry={() => void tags.refetch()} />}
      {tags.isError && tags.data && (
        <Alert color="orange" variant="light" title="The values could not be refreshed">
          The page shows the last values it received; it keeps trying.
        </Alert>
      )}

      {tags.isPending ? (
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
          {[0, 1, 2].map((i) => (
            <Skeleton key={i} h={220} radius="md" />
          ))}
        </SimpleGrid>
      ) : layout.equipment.length === 0 && tags.data ? (
        <Text c="dimmed">This site has no tags yet. Its gateways' device profiles name what is read.</Text>
      ) : (
        <EquipmentSections equipment={layout.equipment} context={context} />
      )}

      {writingTag && <SetpointDialog siteId={siteId} tag={writingTag} now={now} onClose={() => setWriting(null)} />}
    </Stack>
  );
}
