/** What the machine is: OS, kernel, CPU, memory, disks, interfaces, virtualisation. Read once when opened. */
import { Card, Group, Loader, SimpleGrid, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import { apiCall } from '../../console/web/src/api.js';
import { ErrorAlert } from '../../console/web/src/components/ErrorAlert.js';
import { formatBytes } from '../../console/web/src/format.js';
import type { contract } from './contract.js';

type Inventory = z.output<typeof contract.methods.inventory.result>;

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="sm">{children}</Text>
    </Stack>
  );
}

export function InventoryCard({ hostId }: { hostId: string }) {
  const inventory = useQuery({
    queryKey: ['metrics', 'inventory', hostId],
    queryFn: ({ signal }) => apiCall<Inventory>(hostId, 'metrics', 'inventory', {}, { signal }),
    staleTime: 10 * 60_000,
  });
  return (
    <Card withBorder padding="sm" radius="md">
      <Text fw={600} size="sm" mb="xs">
        Inventory
      </Text>
      {inventory.isPending && (
        <Group gap="xs">
          <Loader size="xs" />
          <Text size="sm" c="dimmed">
            Reading the inventory…
          </Text>
        </Group>
      )}
      {inventory.isError && <ErrorAlert error={inventory.error} title="Could not read the inventory" onRetry={() => void inventory.refetch()} />}
      {inventory.data && <InventoryFacts inventory={inventory.data} />}
    </Card>
  );
}

function InventoryFacts({ inventory }: { inventory: Inventory }) {
  const { os, cpu, memory, disks, nics, virtualization, system } = inventory;
  const physicalNics = nics.filter((n) => !n.virtual);
  return (
    <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} spacing="sm">
      <Fact label="Operating system">
        {os.distro} {os.release} {os.codename && `(${os.codename})`}
      </Fact>
      <Fact label="Kernel">
        {os.kernel} · {os.arch}
      </Fact>
      <Fact label="CPU">
        {[cpu.manufacturer, cpu.brand].filter(Boolean).join(' ')} · {cpu.cores} cores{cpu.physicalCores && cpu.physicalCores !== cpu.cores ? ` (${cpu.physicalCores} physical)` : ''}
        {cpu.speedGHz > 0 ? ` · ${cpu.speedGHz} GHz` : ''}
      </Fact>
      <Fact label="Memory">
        {formatBytes(memory.total)}
        {memory.swapTotal > 0 ? ` · swap ${formatBytes(memory.swapTotal)}` : ' · no swap'}
      </Fact>
      <Fact label="Virtualisation">
        {virtualization.virtual ? `virtual${virtualization.host ? ` (${virtualization.host})` : ''}` : 'bare metal'}
        {system.model ? ` · ${system.model}` : ''}
      </Fact>
      <Fact label="Disks">
        {disks.length === 0 ? 'none reported' : disks.map((d) => `${d.name || d.device} ${formatBytes(d.size)}`).join(', ')}
      </Fact>
      <Fact label="Network interfaces">
        {physicalNics.length === 0
          ? 'none besides virtual ones'
          : physicalNics.map((n) => `${n.name}${n.ipv4 ? ` ${n.ipv4}` : ''}${n.speedMbps ? ` (${n.speedMbps} Mb/s)` : ''}`).join(', ')}
      </Fact>
      <Fact label="Host name">{os.hostname}</Fact>
    </SimpleGrid>
  );
}
