/**
 * One uPlot time chart. uPlot draws on a canvas and styles its own elements through the CSSOM (no inline
 * <style>), so it stays within the console's Content-Security-Policy; its stylesheet is bundled as a file.
 */
import { useEffect, useRef } from 'react';
import { Box, Card, Group, Text } from '@mantine/core';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Column } from './chartData.js';

export interface ChartSeries {
  label: string;
  color: string;
  /** A fainter, dashed line: the maximum within each bucket beside the average. */
  faint?: boolean;
}

const axisColor = '#868e96';
const gridColor = 'rgba(134, 142, 150, 0.18)';

export function MetricChart({
  title,
  subtitle,
  data,
  series,
  format,
  maxY,
  spanSeconds,
  height = 180,
}: {
  title: string;
  subtitle?: string;
  data: [number[], ...Column[]];
  series: ChartSeries[];
  /** How a value reads on the axis and in the legend: "42 %", "3.1 MiB/s". */
  format: (value: number) => string;
  /** Fixed top of the scale (100 for percentages); otherwise from the data. */
  maxY?: number;
  /** The span the time axis shows, in seconds (the range asked for), whatever samples exist in it. */
  spanSeconds: number;
  height?: number;
}) {
  const holder = useRef<HTMLDivElement>(null);
  // Read by the scale each time it is drawn: the axis always ends now and spans the range asked for, so one
  // sample or none does not leave uPlot to guess a span (it guessed years).
  const span = useRef(spanSeconds);
  span.current = spanSeconds;
  const plot = useRef<uPlot | null>(null);
  const seriesKey = series.map((s) => `${s.label}:${s.color}:${s.faint ? 1 : 0}`).join('|');

  useEffect(() => {
    const element = holder.current;
    if (!element) return undefined;
    const options: uPlot.Options = {
      width: Math.max(200, element.clientWidth),
      height,
      cursor: { drag: { x: false, y: false }, points: { size: 6 } },
      legend: { show: true, live: true },
      scales: {
        x: {
          time: true,
          range: (u) => {
            const times = u.data[0];
            const end = Math.max(Date.now() / 1000, times.length ? (times[times.length - 1] as number) : 0);
            return [end - span.current, end];
          },
        },
        y: { range: (_u, _min, max) => [0, maxY ?? (max > 0 ? max * 1.1 : 1)] },
      },
      axes: [
        { stroke: axisColor, grid: { stroke: gridColor, width: 1 }, ticks: { stroke: gridColor } },
        { stroke: axisColor, grid: { stroke: gridColor, width: 1 }, ticks: { stroke: gridColor }, size: 70, values: (_u, ticks) => ticks.map(format) },
      ],
      series: [
        { label: 'Time', value: (_u, v) => (v == null ? '—' : new Date(v * 1000).toLocaleString()) },
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: s.faint ? 1 : 1.5,
          dash: s.faint ? [4, 4] : undefined,
          fill: s.faint ? undefined : `${s.color}1f`,
          spanGaps: false,
          // A line needs two samples; until there are, each sample is drawn as a point.
          points: { show: (u: uPlot) => u.data[0].length < 3 },
          value: (_u: uPlot, v: number | null) => (v == null ? '—' : format(v)),
        })),
      ],
    };
    const chart = new uPlot(options, data as uPlot.AlignedData, element);
    plot.current = chart;
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(200, element.clientWidth), height }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = null;
    };
    // The chart is rebuilt only when its series or scale change; data alone goes through setData below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [seriesKey, maxY, height]);

  useEffect(() => {
    plot.current?.setData(data as uPlot.AlignedData);
  }, [data]);

  const empty = data[0].length === 0;
  return (
    <Card withBorder padding="sm" radius="md">
      <Group justify="space-between" mb={4} wrap="nowrap">
        <Text fw={600} size="sm">
          {title}
        </Text>
        {subtitle && (
          <Text size="xs" c="dimmed">
            {subtitle}
          </Text>
        )}
      </Group>
      <Box pos="relative">
        <div ref={holder} className="gh-metric-chart" />
        {empty && (
          <Text size="sm" c="dimmed" pos="absolute" top={height / 2 - 10} left={0} right={0} ta="center">
            No samples in this range yet
          </Text>
        )}
      </Box>
    </Card>
  );
}
