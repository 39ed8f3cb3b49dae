/** One labelled fact in a host's summary (OS, uptime, file roots…): a small caps label over its value. */
import type { ReactNode } from 'react';
import { Text } from '@mantine/core';

export function HostFact({ label, children, mono = false }: { label: string; children: ReactNode; mono?: boolean }) {
  return (
    <div style={{ minWidth: 0 }}>
      <Text size="xs" c="dimmed" fw={600} tt="uppercase" lh={1.5}>
        {label}
      </Text>
      <Text size="sm" ff={mono ? 'monospace' : undefined} className="gh-break">
        {children}
      </Text>
    </div>
  );
}
