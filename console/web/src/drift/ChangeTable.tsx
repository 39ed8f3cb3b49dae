import { useState } from 'react';
import { Badge, Box, Button, Group, Stack, Table, Text } from '@mantine/core';
import { IconArrowNarrowRight } from '@tabler/icons-react';
import { FilterInput } from '../components/FilterInput.js';
import { usePhone } from '../hooks/usePhone.js';
import type { CategoryDrift, FactChange } from './driftApi.js';

export type ChangeKind = 'added' | 'removed' | 'changed';

// Diff colours, kept light: the badge says what happened, the tint only guides the eye.
export const kindColor: Record<ChangeKind, string> = { added: 'teal', removed: 'red', changed: 'orange' };
const kindLabel: Record<ChangeKind, string> = { added: '+ added', removed: '− removed', changed: '~ changed' };

interface Row extends FactChange {
  kind: ChangeKind;
}

// A long list (an upgrade of a hundred packages) shows this many rows until asked for the rest.
const shownAtFirst = 50;
const filterFrom = 12;

export function ChangeBadge({ kind }: { kind: ChangeKind }) {
  return (
    <Badge size="sm" variant="light" color={kindColor[kind]} radius="sm" tt="none" fw={600} style={{ flexShrink: 0 }}>
      {kindLabel[kind]}
    </Badge>
  );
}

function Value({ text, tint }: { text: string | null; tint?: 'old' | 'new' }) {
  if (text === null) return <Text span size="sm" c="dimmed">—</Text>;
  return (
    <Text
      span
      size="sm"
      ff="monospace"
      className="gh-break"
      px={tint ? 4 : 0}
      style={{
        borderRadius: 3,
        background: tint === 'old' ? 'var(--mantine-color-red-light)' : tint === 'new' ? 'var(--mantine-color-teal-light)' : undefined,
        boxDecorationBreak: 'clone',
        WebkitBoxDecorationBreak: 'clone',
      }}
    >
      {text}
    </Text>
  );
}

function matches(row: Row, needle: string): boolean {
  return needle === '' || [row.key, row.before ?? '', row.after ?? ''].some((s) => s.toLowerCase().includes(needle));
}

/** What changed in one category, added first (a new port matters most), then removed, then changed. */
export function ChangeTable({ drift, label }: { drift: CategoryDrift; label: string }) {
  const phone = usePhone();
  const [filter, setFilter] = useState('');
  const [showAll, setShowAll] = useState(false);
  const rows: Row[] = [
    ...drift.added.map((c) => ({ ...c, kind: 'added' as const })),
    ...drift.removed.map((c) => ({ ...c, kind: 'removed' as const })),
    ...drift.changed.map((c) => ({ ...c, kind: 'changed' as const })),
  ];
  const needle = filter.trim().toLowerCase();
  const matching = rows.filter((row) => matches(row, needle));
  const shown = showAll ? matching : matching.slice(0, shownAtFirst);

  return (
    <Stack gap={6}>
      {rows.length >= filterFrom && (
        <FilterInput label={`Filter ${label} changes`} placeholder="Filter by name or value" size="xs" value={filter} onChange={setFilter} maw={320} />
      )}
      {phone ? (
        <Stack gap={0}>
          {shown.map((row) => (
            <Box key={`${row.kind}:${row.key}`} py={6} style={{ borderTop: '1px solid var(--mantine-color-default-border)' }}>
              <Group gap={8} wrap="nowrap" align="center">
                <ChangeBadge kind={row.kind} />
                <Text size="sm" ff="monospace" fw={600} className="gh-break">
                  {row.key}
                </Text>
              </Group>
              <Box mt={2} pl={2}>
                {row.kind === 'changed' ? (
                  <Stack gap={2}>
                    <div>
                      <Value text={row.before} tint="old" />
                    </div>
                    <Group gap={4} wrap="nowrap" align="flex-start">
                      <IconArrowNarrowRight size={16} style={{ flexShrink: 0, marginTop: 2 }} color="var(--mantine-color-dimmed)" />
                      <div style={{ minWidth: 0 }}>
                        <Value text={row.after} tint="new" />
                      </div>
                    </Group>
                  </Stack>
                ) : (
                  <Value text={row.kind === 'added' ? row.after : row.before} />
                )}
              </Box>
            </Box>
          ))}
        </Stack>
      ) : (
        <Table layout="fixed" withRowBorders highlightOnHover>
          <Table.Thead>
            <Table.Tr fz="xs" c="dimmed">
              <Table.Th w={112} fw={600}>
                Change
              </Table.Th>
              <Table.Th w="28%" fw={600}>
                Name
              </Table.Th>
              <Table.Th fw={600}>Before</Table.Th>
              <Table.Th fw={600}>After</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {shown.map((row) => (
              <Table.Tr key={`${row.kind}:${row.key}`}>
                <Table.Td>
                  <ChangeBadge kind={row.kind} />
                </Table.Td>
                <Table.Td>
                  <Text size="sm" ff="monospace" fw={600} className="gh-break">
                    {row.key}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Value text={row.before} tint={row.kind === 'changed' ? 'old' : undefined} />
                </Table.Td>
                <Table.Td>
                  {row.kind === 'changed' ? (
                    <Group gap={4} wrap="nowrap" align="flex-start">
                      <IconArrowNarrowRight size={16} style={{ flexShrink: 0, marginTop: 2 }} color="var(--mantine-color-dimmed)" />
                      <div style={{ minWidth: 0 }}>
                        <Value text={row.after} tint="new" />
                      </div>
                    </Group>
                  ) : (
                    <Value text={row.after} />
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {matching.length === 0 && (
        <Text size="sm" c="dimmed" py={4}>
          No change matches “{filter.trim()}”.
        </Text>
      )}
      {matching.length > shown.length && (
        <Button variant="subtle" size="compact-sm" onClick={() => setShowAll(true)} style={{ alignSelf: 'flex-start' }}>
          Show all {matching.length} changes
        </Button>
      )}
    </Stack>
  );
}
