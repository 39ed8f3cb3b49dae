import { useState } from 'react';
import { ScrollArea, Stack, Table, Text } from '@mantine/core';
import { FilterInput } from '../components/FilterInput.js';
import { usePhone } from '../hooks/usePhone.js';

const filterFrom = 12;

/** Every item of a category as the host reports it now, with a filter box once the list is long (packages). */
export function FactList({ items, label }: { items: Record<string, string>; label: string }) {
  const phone = usePhone();
  const [filter, setFilter] = useState('');
  const entries = Object.entries(items).sort(([a], [b]) => a.localeCompare(b));
  const needle = filter.trim().toLowerCase();
  const shown = needle === '' ? entries : entries.filter(([key, value]) => key.toLowerCase().includes(needle) || value.toLowerCase().includes(needle));

  return (
    <Stack gap={6}>
      {entries.length >= filterFrom && (
        <FilterInput
          label={`Filter ${label}`}
          placeholder={`Filter ${entries.length} ${label.toLowerCase()}`}
          size="xs"
          value={filter}
          onChange={setFilter}
          maw={phone ? undefined : 320}
        />
      )}
      <ScrollArea.Autosize mah={phone ? 360 : 420} type="auto" offsetScrollbars>
        <Table layout="fixed" verticalSpacing={3} highlightOnHover>
          <Table.Tbody>
            {shown.map(([key, value]) => (
              <Table.Tr key={key}>
                <Table.Td w={phone ? '45%' : '35%'}>
                  <Text size="sm" ff="monospace" className="gh-break">
                    {key}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" ff="monospace" c="dimmed" className="gh-break">
                    {value}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollArea.Autosize>
      {shown.length === 0 && (
        <Text size="sm" c="dimmed">
          Nothing matches “{filter.trim()}”.
        </Text>
      )}
      {needle !== '' && shown.length > 0 && (
        <Text size="xs" c="dimmed">
          {shown.length} of {entries.length} shown
        </Text>
      )}
    </Stack>
  );
}
