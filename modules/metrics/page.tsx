/**
 * The Metrics tab: the figures as they are now (every second while the tab is open), charts of CPU, memory,
 * load, disk I/O and network over live / 1 h / 24 h / 7 d / 30 d, disk usage per mount, and the inventory.
 */
import { useEffect, useMemo, useState } from 'react';
import { Alert, Badge, Group, SegmentedControl, SimpleGrid, Skeleton, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, apiCall, hostPath } from '../../console/web/src/api.js';
import { ErrorAlert } from '../../console/web/src/components/ErrorAlert.js';
import { formatBytes, formatRelative } from '../../console/web/src/format.js';
import { useUser } from '../../console/web/src/session.js';
import type { ModulePageMeta, ModulePageProps } from '../../console/web/src/types.js';
import type { MetricsSample } from '../kernel/metrics-sample.js';
import { appendLive, historyColumns, liveColumns } from './chartData.js';
import { CurrentFigures, formatRate } from './CurrentFigures.js';
import { InventoryCard } from './InventoryCard.js';
import { MetricChart, type ChartSeries } from './MetricChart.js';
import type { MetricRange, MetricSeries, MetricsHistory } from './series.js';

// The title matches contract.title; a literal keeps zod (a type-only import here) out of the web bundle.
export const meta: ModulePageMeta = { title: 'Metrics', order: 40 };

type View = 'live' | MetricRange;
const views: { value: View; label: string }[] = [
  { value: 'live', label: 'Live' },
  { value: '1h', label: '1 h' },
  { value: '24h', label: '24 h' },
  { value: '7d', label: '7 d' },
  { value: '30d', label: '30 d' },
];
/** How often a history range is fetched again: the finer the range, the sooner a new point appears. */
const historyRefreshMs: Record<MetricRange, number> = { '1h': 10_000, '24h': 60_000, '7d': 300_000, '30d': 600_000 };
/** The time axis of each view, in seconds; live shows the last five minutes kept in the page. */
const viewSpanSeconds: Record<View, number> = { live: 300, '1h': 3_600, '24h': 86_400, '7d': 7 * 86_400, '30d': 30 * 86_400 };
const stepLabel: Record<number, string> = { 1: '1 s samples', 10: '10 s samples', 60: '1 min averages', 900: '15 min averages', 3600: '1 h averages' };

const colors = { cpu: '#4c6ef5', memory: '#12b886', swap: '#fab005', load: '#7950f2', read: '#228be6', write: '#fd7e14', rx: '#15aabf', tx: '#e64980' };

const percent = (v: number) => `${v.toFixed(0)} %`;
const rate = (v: number) => formatRate(v);

interface ChartSpec {
  key: string;
  title: string;
  series: { name: MetricSeries; label: string; color: string }[];
  format: (v: number) => string;
  maxY?: number;
}

const charts: ChartSpec[] = [
  { key: 'cpu', title: 'CPU', series: [{ name: 'cpu', label: 'CPU busy', color: colors.cpu }], format: percent, maxY: 100 },
  {
    key: 'memory',
    title: 'Memory',
    series: [
      { name: 'memory', label: 'Memory used', color: colors.memory },
      { name: 'swap', label: 'Swap used', color: colors.swap },
    ],
    format: percent,
    maxY: 100,
  },
  { key: 'load', title: 'Load (1 min)', series: [{ name: 'load1', label: 'Load', color: colors.load }], format: (v) => v.toFixed(2) },
  {
    key: 'disk',
    title: 'Disk I/O',
    series: [
      { name: 'diskRead', label: 'Read', color: colors.read },
      { name: 'diskWrite', label: 'Write', color: colors.write },
    ],
    format: rate,
  },
  {
    key: 'network',
    title: 'Network',
    series: [
      { name: 'netRx', label: 'Received', color: colors.rx },
      { name: 'netTx', label: 'Sent', color: colors.tx },
    ],
    format: rate,
  },
  { key: 'diskWorst', title: 'Fullest disk', series: [{ name: 'diskWorst', label: 'Fullest disk', color: colors.write }], format: percent, maxY: 100 },
];

function useLiveSamples(hostId: string, enabled: boolean) {
  const [buffer, setBuffer] = useState<MetricsSample[]>([]);
  const snapshot = useQuery({
    queryKey: ['metrics', 'snapshot', hostId],
    queryFn: ({ signal }) => apiCall<MetricsSample>(hostId, 'metrics', 'snapshot', {}, { signal }),
    refetchInterval: 1000,
    refetchIntervalInBackground: false,
    enabled,
  });
  useEffect(() => {
    if (snapshot.data) setBuffer((previous) => appendLive(previous, snapshot.data));
  }, [snapshot.data]);
  return { snapshot, buffer };
}

export default function MetricsPage({ host }: ModulePageProps) {
  const user = useUser();
  const allowed = user.permissions.includes('metrics.read');
  const [view, setView] = useState<View>('1h');
  const { snapshot, buffer } = useLiveSamples(host.id, allowed && host.online);

  const history = useQuery({
    queryKey: ['metrics', 'history', host.id, view],
    queryFn: ({ signal }) => api.get<MetricsHistory & { latest: MetricsSample | null }>(hostPath(host.id, `/metrics?range=${view}`), { signal }),
    enabled: allowed && view !== 'live',
    refetchInterval: view === 'live' ? false : historyRefreshMs[view],
    placeholderData: (previous) => previous,
  });

  const current = snapshot.data ?? history.data?.latest ?? undefined;
  const rollup = history.data !== undefined && history.data.stepSeconds > 10;
  const data = useMemo(() => {
    return charts.map((chart) => {
      const names = chart.series.map((s) => s.name);
      if (view === 'live') return liveColumns(buffer, names);
      if (!history.data) return [[]] as [number[]];
      return historyColumns(history.data, names, rollup && chart.series.length === 1);
    });
  }, [view, buffer, history.data, rollup]);

  if (!allowed) {
    return (
      <Alert color="gray" variant="light" title="No access to metrics">
        Your role does not include <code>metrics.read</code>.
      </Alert>
    );
  }

  const seriesOf = (chart: ChartSpec): ChartSeries[] =>
    chart.series.flatMap((s) =>
      view !== 'live' && rollup && chart.series.length === 1 ? [{ label: s.label, color: s.color }, { label: `${s.label} (max)`, color: s.color, faint: true }] : [{ label: s.label, color: s.color }],
    );
  const subtitle = view === 'live' ? `last ${Math.round(buffer.length)} s · 1 s samples` : history.data ? stepLabel[history.data.stepSeconds] : undefined;

  return (
    <Stack gap="md">
      <Group justify="space-between" wrap="wrap" gap="xs">
        <Group gap="xs">
          {host.online ? (
            <Badge color={snapshot.isError ? 'red' : 'teal'} variant="light">
              {snapshot.isError ? 'live figures failing' : 'live · every second'}
            </Badge>
          ) : (
            <Badge color="gray" variant="light">
              offline · showing the last figures{current ? ` from ${formatRelative(current.at)}` : ''}
            </Badge>
          )}
          {current && (
            <Text size="xs" c="dimmed">
              memory {formatBytes(current.memory.total)} · {current.cpu.perCore.length} cores
            </Text>
          )}
        </Group>
        <SegmentedControl size="xs" value={view} onChange={(v) => setView(v as View)} data={views} aria-label="Chart range" />
      </Group>

      {snapshot.isError && <ErrorAlert error={snapshot.error} title="Could not read the current figures" onRetry={() => void snapshot.refetch()} />}
      {current ? <CurrentFigures sample={current} /> : !snapshot.isError && <Skeleton height={120} radius="md" aria-label="Loading the current figures" />}

      {history.isError && view !== 'live' && <ErrorAlert error={history.error} title="Could not load the history" onRetry={() => void history.refetch()} />}
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="sm">
        {charts.map((chart, index) => (
          <MetricChart
            key={`${chart.key}-${view === 'live' ? 'live' : rollup ? 'rollup' : 'raw'}`}
            title={chart.title}
            subtitle={subtitle}
            data={data[index] ?? [[]]}
            series={seriesOf(chart)}
            format={chart.format}
            maxY={chart.maxY}
            spanSeconds={viewSpanSeconds[view]}
          />
        ))}
      </SimpleGrid>

      {host.online && <InventoryCard hostId={host.id} />}
    </Stack>
  );
}
