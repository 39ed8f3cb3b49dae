/** The figures as they are now (refreshed every second): headline cards, disks per mount, interfaces, sensors. */
import { Card, Group, Progress, SimpleGrid, Stack, Table, Text, Tooltip } from '@mantine/core';
import { formatBytes, formatDuration, formatPercent, formatUsedOfTotal } from '../../console/web/src/format.js';
import { UsageBar } from '../../console/web/src/components/UsageBar.js';
import type { MetricsSample } from '../kernel/metrics-sample.js';

export const formatRate = (bytesPerSecond: number): string => `${formatBytes(bytesPerSecond)}/s`;

const share = (part: number, whole: number): number => (whole > 0 ? (part / whole) * 100 : 0);
const levelColor = (percent: number): string => (percent >= 90 ? 'red' : percent >= 75 ? 'orange' : 'indigo');

function Headline({ label, value, detail, percent }: { label: string; value: string; detail?: string; percent?: number }) {
  return (
    <Card withBorder padding="sm" radius="md">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="xl" fw={700} ff="monospace" c={percent !== undefined && percent >= 90 ? 'red' : undefined}>
        {value}
      </Text>
      {percent !== undefined && <Progress value={Math.min(100, percent)} color={levelColor(percent)} size="sm" mt={4} aria-hidden />}
      {detail && (
        <Text size="xs" c="dimmed" mt={4}>
          {detail}
        </Text>
      )}
    </Card>
  );
}

export function CurrentFigures({ sample }: { sample: MetricsSample }) {
  const { memory } = sample;
  const memoryPercent = share(memory.used, memory.total);
  const cores = sample.cpu.perCore.length;
  return (
    <Stack gap="sm">
      <SimpleGrid cols={{ base: 2, sm: 3, lg: 5 }} spacing="sm">
        <Headline label="CPU" value={formatPercent(sample.cpu.total)} percent={sample.cpu.total} detail={`${cores} core${cores === 1 ? '' : 's'}`} />
        <Headline label="Memory" value={formatPercent(memoryPercent)} percent={memoryPercent} detail={formatUsedOfTotal(memory.used, memory.total)} />
        <Headline
          label="Swap"
          value={memory.swapTotal > 0 ? formatPercent(share(memory.swapUsed, memory.swapTotal)) : 'none'}
          percent={memory.swapTotal > 0 ? share(memory.swapUsed, memory.swapTotal) : undefined}
          detail={memory.swapTotal > 0 ? formatUsedOfTotal(memory.swapUsed, memory.swapTotal) : 'no swap configured'}
        />
        <Headline label="Load" value={sample.load[0].toFixed(2)} detail={`5 min ${sample.load[1].toFixed(2)} · 15 min ${sample.load[2].toFixed(2)}`} />
        <Headline label="Up" value={formatDuration(sample.uptimeSeconds)} detail={`since ${new Date(Date.parse(sample.at) - sample.uptimeSeconds * 1000).toLocaleString()}`} />
      </SimpleGrid>

      {cores > 1 && (
        <Card withBorder padding="sm" radius="md">
          <Text fw={600} size="sm" mb={6}>
            Per core
          </Text>
          <SimpleGrid cols={{ base: 1, xs: 2, sm: 3, lg: 4 }} spacing="md" verticalSpacing={4}>
            {sample.cpu.perCore.map((percent, index) => (
              <Tooltip key={index} label={`CPU ${index}: ${formatPercent(percent)}`}>
                <Group gap={6} wrap="nowrap">
                  <Text size="xs" c="dimmed" ff="monospace" w={44} style={{ flexShrink: 0 }}>
                    cpu{index}
                  </Text>
                  <UsageBar percent={percent} label={formatPercent(percent)} width={90} />
                </Group>
              </Tooltip>
            ))}
          </SimpleGrid>
        </Card>
      )}

      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="sm">
        <Card withBorder padding="sm" radius="md">
          <Text fw={600} size="sm" mb={6}>
            Disks
          </Text>
          {sample.disks.length === 0 ? (
            <Text size="sm" c="dimmed">
              No disk-backed file systems are mounted.
            </Text>
          ) : (
            <Table.ScrollContainer minWidth={420}>
              <Table verticalSpacing={4} fz="sm">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Mount</Table.Th>
                    <Table.Th>Used</Table.Th>
                    <Table.Th ta="right">Read</Table.Th>
                    <Table.Th ta="right">Write</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {sample.disks.map((disk) => (
                    <Table.Tr key={disk.mount}>
                      <Table.Td>
                        <Text size="sm" ff="monospace" truncate="end" maw={220} title={disk.mount}>
                          {disk.mount}
                        </Text>
                        <Text size="xs" c="dimmed">
                          {disk.fs} · {formatUsedOfTotal(disk.used, disk.total)}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <UsageBar percent={share(disk.used, disk.total)} label={formatPercent(share(disk.used, disk.total))} width={80} />
                      </Table.Td>
                      <Table.Td ta="right" ff="monospace">
                        {formatRate(disk.readBytesPerSec)}
                      </Table.Td>
                      <Table.Td ta="right" ff="monospace">
                        {formatRate(disk.writeBytesPerSec)}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </Card>
        <Card withBorder padding="sm" radius="md">
          <Text fw={600} size="sm" mb={6}>
            Network
          </Text>
          {sample.network.length === 0 ? (
            <Text size="sm" c="dimmed">
              No network interfaces besides loopback.
            </Text>
          ) : (
            <Table verticalSpacing={4} fz="sm">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Interface</Table.Th>
                  <Table.Th ta="right">Received</Table.Th>
                  <Table.Th ta="right">Sent</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {sample.network.map((nic) => (
                  <Table.Tr key={nic.interface}>
                    <Table.Td ff="monospace">{nic.interface}</Table.Td>
                    <Table.Td ta="right" ff="monospace">
                      {formatRate(nic.rxBytesPerSec)}
                    </Table.Td>
                    <Table.Td ta="right" ff="monospace">
                      {formatRate(nic.txBytesPerSec)}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          <Text fw={600} size="sm" mt="sm" mb={4}>
            Temperatures
          </Text>
          {sample.temperatures.length === 0 ? (
            <Text size="sm" c="dimmed">
              This host exposes no temperature sensors (usual in virtual machines and containers).
            </Text>
          ) : (
            <Group gap="md">
              {sample.temperatures.map((t) => (
                <Text key={t.sensor} size="sm" ff="monospace" c={t.celsius >= 85 ? 'red' : undefined}>
                  {t.sensor}: {t.celsius.toFixed(1)} °C
                </Text>
              ))}
            </Group>
          )}
        </Card>
      </SimpleGrid>
    </Stack>
  );
}
