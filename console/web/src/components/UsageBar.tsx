import { Group, Progress, Text } from '@mantine/core';

/** A share (0–100) as a short bar with its text; the bar turns orange then red as the resource fills up. */
export function UsageBar({ percent, label, width = 48 }: { percent: number; label: string; width?: number }) {
  const clamped = Math.max(0, Math.min(100, percent));
  const color = clamped >= 90 ? 'red' : clamped >= 75 ? 'orange' : 'indigo';
  return (
    <Group gap={8} wrap="nowrap">
      <Progress value={clamped} color={color} size="sm" w={width} aria-hidden style={{ flexShrink: 0 }} />
      <Text size="sm" ff="monospace" style={{ whiteSpace: 'nowrap' }}>
        {label}
      </Text>
    </Group>
  );
}
