import { useEffect, useState } from 'react';
import { Button, Checkbox, Code, Group, Modal, Stack, Table, Text, TextInput } from '@mantine/core';
import { ErrorAlert } from '../../console/web/src/components/ErrorAlert.js';
import { formatMode, formatOctalMode, parseOctalMode } from '../../console/web/src/format.js';
import type { FileEntry } from './contract.js';

const classes = [
  { label: 'Owner', shift: 6 },
  { label: 'Group', shift: 3 },
  { label: 'Others', shift: 0 },
] as const;
const permissions = [
  { label: 'Read', bit: 4 },
  { label: 'Write', bit: 2 },
  { label: 'Execute', bit: 1 },
] as const;
const specials = [
  { label: 'Set user ID', bit: 0o4000 },
  { label: 'Set group ID', bit: 0o2000 },
  { label: 'Sticky', bit: 0o1000 },
] as const;

/** Permissions as a grid of checkboxes and as octal; either one edits the other. */
export function ChmodDialog({
  entry,
  busy,
  error,
  onConfirm,
  onClose,
}: {
  entry: FileEntry | null;
  busy: boolean;
  error: unknown;
  onConfirm: (entry: FileEntry, mode: number) => void;
  onClose: () => void;
}) {
  const [mode, setMode] = useState(0);
  const [octal, setOctal] = useState('');
  useEffect(() => {
    if (!entry) return;
    setMode(entry.mode & 0o7777);
    setOctal(formatOctalMode(entry.mode));
  }, [entry]);

  const update = (next: number) => {
    setMode(next);
    setOctal(formatOctalMode(next));
  };
  const toggle = (bit: number, on: boolean) => update(on ? mode | bit : mode & ~bit);
  const octalValid = parseOctalMode(octal) !== undefined;

  return (
    <Modal opened={entry !== null} onClose={onClose} title="Change permissions">
      {entry && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (octalValid) onConfirm(entry, mode);
          }}
        >
          <Stack gap="sm">
            <Text size="sm" ff="monospace" className="gh-break">
              {entry.path}
            </Text>
            <Table withTableBorder={false} verticalSpacing={4} aria-label="Permission bits">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th />
                  {permissions.map((p) => (
                    <Table.Th key={p.label} ta="center">
                      {p.label}
                    </Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {classes.map((c) => (
                  <Table.Tr key={c.label}>
                    <Table.Td fw={500}>{c.label}</Table.Td>
                    {permissions.map((p) => {
                      const bit = p.bit << c.shift;
                      return (
                        <Table.Td key={p.label}>
                          <Group justify="center">
                            <Checkbox
                              aria-label={`${c.label} ${p.label.toLowerCase()}`}
                              checked={(mode & bit) !== 0}
                              onChange={(event) => toggle(bit, event.currentTarget.checked)}
                            />
                          </Group>
                        </Table.Td>
                      );
                    })}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            <Group gap="md">
              {specials.map((s) => (
                <Checkbox
                  key={s.label}
                  size="xs"
                  label={s.label}
                  checked={(mode & s.bit) !== 0}
                  onChange={(event) => toggle(s.bit, event.currentTarget.checked)}
                />
              ))}
            </Group>
            <Group gap="sm" align="flex-end">
              <TextInput
                label="Octal"
                value={octal}
                onChange={(event) => {
                  const text = event.currentTarget.value;
                  setOctal(text);
                  const parsed = parseOctalMode(text);
                  if (parsed !== undefined) setMode(parsed);
                }}
                error={octalValid ? undefined : '3 or 4 octal digits, e.g. 0644'}
                w={120}
                classNames={{ input: 'gh-mono-input' }}
                maxLength={4}
              />
              <Code fz="sm" mb={octalValid ? 8 : 28}>
                {formatMode(mode)}
              </Code>
            </Group>
            {error !== null && error !== undefined && <ErrorAlert error={error} title="Could not change permissions" />}
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose} disabled={busy}>
                Cancel
              </Button>
              <Button type="submit" loading={busy} disabled={!octalValid || mode === (entry.mode & 0o7777)}>
                Apply
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
