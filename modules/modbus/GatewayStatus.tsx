/**
 * The gateway's own view of its field side: each bus (connected, requests, timeouts) and each device (answering
 * or not, since when, the last error), and the telemetry waiting on its disk for the console.
 */
import { Badge, Card, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import type { z } from 'zod';
import { TableFrame } from '../../console/web/src/components/TableFrame.js';
import { formatBytes, formatRelative } from '../../console/web/src/format.js';
import type { contract } from './contract.js';

export type GatewayStatusResult = z.output<typeof contract.methods.status.result>;

const commWords = {
  ok: { label: 'Answering', color: 'teal' },
  backoff: { label: 'Not answering', color: 'red' },
  down: { label: 'Bus down', color: 'red' },
  unknown: { label: 'Not polled yet', color: 'gray' },
} as const;

function FigureCard({ label, value, detail, alarming = false, monospace = false }: { label: string; value: string; detail: string; alarming?: boolean; monospace?: boolean }) {
  return (
    <Card withBorder padding="sm" radius="md">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="xl" fw={600} c={alarming ? 'red' : undefined} ff={monospace ? 'monospace' : undefined}>
        {value}
      </Text>
      <Text size="sm" c="dimmed">
        {detail}
      </Text>
    </Card>
  );
}

export function GatewayStatus({ status }: { status: GatewayStatusResult }) {
  const { queue } = status;
  return (
    <Stack gap="sm">
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
        <FigureCard
          label="Telemetry waiting on the gateway"
          value={`${queue.pendingBatches} ${queue.pendingBatches === 1 ? 'batch' : 'batches'}`}
          detail={`${formatBytes(queue.bytes)} on disk`}
        />
        <FigureCard
          label="Readings lost"
          value={String(queue.lostSamples)}
          alarming={queue.lostSamples > 0}
          detail={queue.lostSamples > 0 ? 'dropped when the disk queue was full or too old' : 'none dropped'}
        />
        <FigureCard
          label="Profile in force"
          value={status.profileHash ? status.profileHash.slice(0, 12) : 'none'}
          monospace
          detail={status.appliedAt ? `applied ${formatRelative(new Date(status.appliedAt).toISOString())}` : 'the gateway polls nothing yet'}
        />
      </SimpleGrid>

      <Title order={4} size="h5">
        Buses
      </Title>
      <TableFrame minWidth={640}>
        <Table striped highlightOnHover verticalSpacing={6} fz="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Bus</Table.Th>
              <Table.Th>Kind</Table.Th>
              <Table.Th>Connection</Table.Th>
              <Table.Th ta="right">Requests</Table.Th>
              <Table.Th ta="right">Timeouts</Table.Th>
              <Table.Th ta="right">Errors</Table.Th>
              <Table.Th ta="right">Queued</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {status.buses.map((bus) => (
              <Table.Tr key={bus.id}>
                <Table.Td ff="monospace">{bus.id}</Table.Td>
                <Table.Td>{bus.kind === 'tcp' ? 'Modbus TCP' : 'Modbus RTU (serial)'}</Table.Td>
                <Table.Td>
                  <Badge color={bus.connected ? 'teal' : 'red'} variant="light" radius="sm" tt="none">
                    {bus.connected ? 'Connected' : 'Not connected'}
                  </Badge>
                </Table.Td>
                <Table.Td ta="right">{bus.requests}</Table.Td>
                <Table.Td ta="right">{bus.timeouts}</Table.Td>
                <Table.Td ta="right">{bus.errors}</Table.Td>
                <Table.Td ta="right">{bus.queued}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </TableFrame>

      <Title order={4} size="h5">
        Devices
      </Title>
      <TableFrame minWidth={640}>
        <Table striped highlightOnHover verticalSpacing={6} fz="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Device</Table.Th>
              <Table.Th>Bus · unit</Table.Th>
              <Table.Th>Communication</Table.Th>
              <Table.Th>Last answer</Table.Th>
              <Table.Th>Last error</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {status.devices.map((device) => {
              const words = commWords[device.comm];
              return (
                <Table.Tr key={device.id}>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {device.name}
                    </Text>
                    <Text size="xs" c="dimmed" ff="monospace">
                      {device.id}
                    </Text>
                  </Table.Td>
                  <Table.Td ff="monospace">
                    {device.bus} · {device.unitId}
                  </Table.Td>
                  <Table.Td>
                    <Badge color={words.color} variant="light" radius="sm" tt="none">
                      {words.label}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{device.lastGoodTs ? formatRelative(new Date(device.lastGoodTs).toISOString()) : 'never'}</Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      <Text size="sm" c={device.lastError ? 'red' : 'dimmed'} lineClamp={2}>
                        {device.lastError || '—'}
                      </Text>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </TableFrame>
    </Stack>
  );
}
