import { Group, Stack, Text } from '@mantine/core';
import type { RateSeries } from '../../../../../modules/kernel/alarm-report.js';
import { formatDateTime } from '../../format.js';
import { barText } from './reportPeriod.js';

/** ISA-18.2's flood line: more than 10 alarms in 10 minutes at one position. */
const floodLine = 10;
const height = 100;

/**
 * The busiest 10 minutes per operator position in each bar, as plain SVG (no chart library for one picture).
 * Bars over the flood line are red on screen; the dashed line marks 10 either way, so the print reads without colour.
 */
export function RateChart({ series, from, to }: { series: RateSeries; from: string; to: string }) {
  const { points, bucketMs } = series;
  if (points.length === 0) return null;
  const top = Math.max(floodLine * 1.2, ...points.map((p) => p.peak));
  const y = (value: number) => height - (value / top) * height;
  const gap = points.length > 200 ? 0 : 0.15;
  return (
    <Stack gap={4} className="gh-report-chart">
      <Text size="xs" c="dimmed">
        Busiest 10 minutes per operator position, in bars of {barText(bucketMs)}; the dashed line is the flood limit of {floodLine}.
      </Text>
      <Group gap={6} align="stretch" wrap="nowrap">
        <Stack justify="space-between" gap={0} py={0}>
          <Text size="xs" c="dimmed" className="gh-num">
            {Math.round(top)}
          </Text>
          <Text size="xs" c="dimmed" className="gh-num">
            0
          </Text>
        </Stack>
        <svg
          viewBox={`0 0 ${points.length} ${height}`}
          preserveAspectRatio="none"
          width="100%"
          height={140}
          role="img"
          aria-label="Alarms per 10 minutes over the period"
          style={{ display: 'block', flex: 1, borderBottom: '1px solid var(--mantine-color-gray-5)' }}
        >
          {points.map((point, i) =>
            point.peak > 0 ? (
              <rect
                key={point.at}
                className="gh-report-bar"
                x={i + gap / 2}
                width={1 - gap}
                y={y(point.peak)}
                height={height - y(point.peak)}
                fill={point.peak > floodLine ? 'var(--mantine-color-red-6)' : 'var(--mantine-color-indigo-5)'}
              >
                <title>{`${formatDateTime(point.at)}: ${point.count} alarm${point.count === 1 ? '' : 's'}, busiest 10 min ${point.peak} per position`}</title>
              </rect>
            ) : null,
          )}
          <line
            x1={0}
            x2={points.length}
            y1={y(floodLine)}
            y2={y(floodLine)}
            stroke="var(--mantine-color-red-7)"
            strokeDasharray="4 3"
            strokeWidth={1}
            vectorEffect="non-scaling-stroke"
            className="gh-report-flood-line"
          />
        </svg>
      </Group>
      <Group justify="space-between" pl={28}>
        <Text size="xs" c="dimmed">
          {formatDateTime(from)}
        </Text>
        <Text size="xs" c="dimmed">
          {formatDateTime(to)}
        </Text>
      </Group>
    </Stack>
  );
}
