import type { ReactNode } from 'react';
import { Badge, Group, Paper, Text } from '@mantine/core';
import type { Measure } from '../../../../../modules/kernel/alarm-report.js';
import { verdictLook } from './reportPeriod.js';

/** One figure of the report: its value, the target it is read against, and the verdict in colour and words. */
export function MeasureCard({ title, measure, value, detail }: { title: string; measure: Measure; value: string; detail?: ReactNode }) {
  const look = verdictLook[measure.verdict];
  return (
    <Paper
      withBorder
      p="sm"
      radius="md"
      className="gh-report-card"
      data-verdict={measure.verdict}
      style={{ borderLeft: `4px solid var(--mantine-color-${look.color}-6)` }}
    >
      <Text size="xs" c="dimmed" fw={600} tt="uppercase">
        {title}
      </Text>
      <Group justify="space-between" align="baseline" gap="xs" wrap="nowrap">
        <Text fz={26} fw={650} className="gh-num">
          {value}
        </Text>
        <Badge color={look.color} variant="light" radius="sm" style={{ textTransform: 'none', flexShrink: 0 }}>
          {look.label}
        </Badge>
      </Group>
      <Text size="xs" c="dimmed">
        Target: {measure.target}
      </Text>
      {detail && (
        <Text size="xs" mt={4}>
          {detail}
        </Text>
      )}
    </Paper>
  );
}
