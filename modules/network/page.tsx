/**
 * The Network tab: host name and DNS at the top, then interfaces (state first), listening ports (filter and
 * sort; who listens on what) and routes. Refreshed every 10 s while the host is online. Renaming the host is
 * offered only to those holding network.hostname, behind a warning and a typed confirmation.
 */
import { useState } from 'react';
import { Alert, Badge, SimpleGrid, Stack, Tabs } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { apiCall } from '../../console/web/src/api.js';
import { describeError, ErrorAlert } from '../../console/web/src/components/ErrorAlert.js';
import { useUser } from '../../console/web/src/session.js';
import type { ModulePageMeta, ModulePageProps } from '../../console/web/src/types.js';
import type { contract } from './contract.js';
import { HostnameCard } from './HostnameCard.js';
import { InterfacesTable } from './InterfacesTable.js';
import { ListeningTable } from './ListeningTable.js';
import { DnsCard, RoutesTable } from './RoutesTable.js';

// The title matches contract.title; a literal keeps zod (a type-only import here) out of the web bundle.
export const meta: ModulePageMeta = { title: 'Network', order: 50 };

type Methods = typeof contract.methods;
type Result<K extends keyof Methods> = z.output<Methods[K]['result']>;

const refreshMs = 10_000;

type ReadMethod = 'interfaces' | 'routes' | 'dns' | 'listening' | 'hostname';

/** One read method of the module, refreshed while the host is online and the part showing it is open. */
function useNetworkRead<K extends ReadMethod>(host: ModulePageProps['host'], method: K, enabled = true) {
  return useQuery({
    queryKey: ['host', host.id, 'network', method],
    queryFn: ({ signal }) => apiCall<Result<K>>(host.id, 'network', method, {}, { signal }),
    refetchInterval: host.online && enabled ? refreshMs : false,
    enabled,
    staleTime: 0,
  });
}

export default function NetworkPage({ host }: ModulePageProps) {
  const user = useUser();
  const canRename = user.permissions.includes('network.hostname');
  const queryClient = useQueryClient();
  const [tab, setTab] = useState<string>('interfaces');
  const baseKey = ['host', host.id, 'network'] as const;

  const hostname = useNetworkRead(host, 'hostname');
  const dns = useNetworkRead(host, 'dns');
  const interfaces = useNetworkRead(host, 'interfaces', tab === 'interfaces');
  const listening = useNetworkRead(host, 'listening', tab === 'listening');
  const routes = useNetworkRead(host, 'routes', tab === 'routes');

  const rename = useMutation({
    mutationFn: (name: string) => apiCall<Result<'setHostname'>>(host.id, 'network', 'setHostname', { hostname: name }),
    onSuccess: (result) => {
      notifications.show({ color: 'teal', title: 'Host name changed', message: `The host is now called ${result.hostname}.` });
      void queryClient.invalidateQueries({ queryKey: baseKey });
    },
  });

  const failed = [hostname, dns, interfaces, listening, routes].find((q) => q.isError && !q.data);
  const down = interfaces.data?.interfaces.filter((i) => i.state === 'down' && !i.virtual).length ?? 0;

  return (
    <Stack gap="sm">
      {failed && (
        <ErrorAlert error={failed.error} title="Could not read the host’s network" onRetry={() => void failed.refetch()} />
      )}
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
        <HostnameCard
          name={hostname.data}
          canEdit={canRename}
          saving={rename.isPending}
          error={rename.error}
          onSave={(name) => rename.mutateAsync(name)}
          onReset={() => rename.reset()}
        />
        <DnsCard dns={dns.data} />
      </SimpleGrid>

      <Tabs value={tab} onChange={(value) => setTab(value ?? 'interfaces')} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab
            value="interfaces"
            rightSection={
              down > 0 ? (
                <Badge size="xs" color="red" variant="filled">
                  {down} down
                </Badge>
              ) : undefined
            }
          >
            Interfaces
          </Tabs.Tab>
          <Tabs.Tab value="listening">Listening ports</Tabs.Tab>
          <Tabs.Tab value="routes">Routes</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="interfaces" pt="sm">
          <InterfacesTable interfaces={interfaces.data?.interfaces} loading={interfaces.isPending} />
        </Tabs.Panel>
        <Tabs.Panel value="listening" pt="sm">
          <ListeningTable sockets={listening.data?.sockets} loading={listening.isPending} />
        </Tabs.Panel>
        <Tabs.Panel value="routes" pt="sm">
          <RoutesTable routes={routes.data?.routes} loading={routes.isPending} />
        </Tabs.Panel>
      </Tabs>
      {[interfaces, listening, routes].some((q) => q.isError && q.data) && (
        <Alert color="orange" variant="light" p="xs">
          Could not refresh; showing the last figures. ({describeError([interfaces, listening, routes].find((q) => q.isError)?.error).code})
        </Alert>
      )}
    </Stack>
  );
}
