import type { ReactNode } from 'react';
import { Text } from '@mantine/core';

/** A small upper-case label over its value: the facts on a host card or an alarm's detail. */
export function LabelledValue({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600} lh={1.6}>
        {label}
      </Text>
      {children}
    </div>
  );
}
