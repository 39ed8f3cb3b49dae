import { Text } from '@mantine/core';
import { formatPercent, formatUsedOfTotal } from '../../format.js';
import type { HostStatus } from '../../types.js';
import { UsageBar } from '../UsageBar.js';

export function CpuUsage({ status }: { status: HostStatus | null }) {
  if (!status) return <NoFigure />;
  return <UsageBar percent={status.cpuPercent} label={formatPercent(status.cpuPercent)} />;
}

export function MemoryUsage({ status }: { status: HostStatus | null }) {
  if (!status || status.memoryTotalBytes <= 0) return <NoFigure />;
  const percent = (status.memoryUsedBytes / status.memoryTotalBytes) * 100;
  return <UsageBar percent={percent} label={formatUsedOfTotal(status.memoryUsedBytes, status.memoryTotalBytes)} />;
}

export function LoadAverage({ status }: { status: HostStatus | null }) {
  if (!status) return <NoFigure />;
  const [one, five, fifteen] = status.load;
  // The 1-minute figure fits a table column; all three are on hover and on the host page.
  return (
    <Text
      size="sm"
      ff="monospace"
      style={{ whiteSpace: 'nowrap' }}
      title={`Load average: ${one.toFixed(2)} (1 min), ${five.toFixed(2)} (5 min), ${fifteen.toFixed(2)} (15 min)`}
    >
      {one.toFixed(2)}
    </Text>
  );
}

export function NoFigure() {
  return (
    <Text size="sm" c="dimmed" aria-label="not available">
      —
    </Text>
  );
}
