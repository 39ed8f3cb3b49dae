/**
 * The Equipment tab of a gateway host: which site it serves (with a link to the plant view), its buses and
 * devices as the gateway sees them, what telemetry waits on its disk, and — for those who manage sites — its
 * device profile.
 */
import { Alert, Anchor, Group, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { IconBuildingFactory2 } from '@tabler/icons-react';
import { Link } from 'react-router';
import { api, apiCall } from '../../console/web/src/api.js';
import { ErrorAlert } from '../../console/web/src/components/ErrorAlert.js';
import { useUser } from '../../console/web/src/session.js';
import type { ModulePageMeta, ModulePageProps } from '../../console/web/src/types.js';
import { GatewayStatus, type GatewayStatusResult } from './GatewayStatus.js';
import { ProfileEditor } from './ProfileEditor.js';
import type { SiteSummary } from './site-api.js';

// The title matches contract.title; a literal keeps zod (a type-only import here) out of the web bundle.
export const meta: ModulePageMeta = { title: 'Equipment', order: 70 };

export default function EquipmentPage({ host }: ModulePageProps) {
  const user = useUser();
  const canManage = user.permissions.includes('site.manage');
  const canReadSites = user.permissions.includes('site.read');
  const status = useQuery({
    queryKey: ['host', host.id, 'modbus', 'status'],
    queryFn: ({ signal }) => apiCall<GatewayStatusResult>(host.id, 'modbus', 'status', {}, { signal }),
    refetchInterval: host.online ? 5000 : false,
    enabled: host.online,
  });
  const sites = useQuery({
    queryKey: ['sites'],
    queryFn: ({ signal }) => api.get<SiteSummary[]>('/api/sites', { signal }),
    enabled: canReadSites,
  });
  const site = sites.data?.find((s) => s.gateways.some((g) => g.hostId === host.id));

  return (
    <Stack gap="sm">
      {site ? (
        <Group gap="xs">
          <IconBuildingFactory2 size={18} />
          <Text size="sm">
            Gateway of{' '}
            <Anchor component={Link} to={`/sites/${encodeURIComponent(site.id)}`} fw={600}>
              {site.name}
            </Anchor>
          </Text>
        </Group>
      ) : (
        sites.data && (
          <Text size="sm" c="dimmed">
            Not a gateway of any site.{canManage ? ' Give it a device profile below to make it one.' : ''}
          </Text>
        )
      )}
      {!host.online && (
        <Alert color="gray" variant="light">
          The host is offline; its gateway keeps polling and queueing readings, and sends them when it is back.
        </Alert>
      )}
      {status.isError && <ErrorAlert error={status.error} title="Could not read the gateway's state" onRetry={() => void status.refetch()} />}
      {status.data && <GatewayStatus status={status.data} />}
      {canManage && sites.data && <ProfileEditor hostId={host.id} sites={sites.data} currentSite={site} />}
    </Stack>
  );
}
