import { Button, Group, Select, TextInput } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import { HostFilterSelect } from '../HostFilterSelect.js';
import { auditResultOptions, type AuditFilters } from './auditFilters.js';

/** "Export CSV" and "Export JSON lines": downloads of everything the filters match, not only the loaded pages. */
export function AuditExportLinks({ query }: { /** The applied filters as a query string. */ query: string }) {
  const suffix = query ? `?${query}` : '';
  return (
    <Group gap="xs">
      <Button component="a" href={`/api/audit/export.csv${suffix}`} download variant="default" size="sm" leftSection={<IconDownload size={16} />}>
        Export CSV
      </Button>
      <Button component="a" href={`/api/audit/export.jsonl${suffix}`} download variant="default" size="sm" leftSection={<IconDownload size={16} />}>
        Export JSON lines
      </Button>
    </Group>
  );
}

/** The audit log's filters as typed (the page debounces them before asking the console). */
export function AuditFilterBar({
  filters,
  onChange,
  filtered,
  onClear,
}: {
  filters: AuditFilters;
  onChange: (filters: AuditFilters) => void;
  filtered: boolean;
  onClear: () => void;
}) {
  const set = (patch: Partial<AuditFilters>) => onChange({ ...filters, ...patch });
  return (
    <Group gap="sm" align="flex-end">
      <TextInput
        label="User"
        placeholder="Any user"
        value={filters.user}
        onChange={(event) => set({ user: event.currentTarget.value })}
        w={{ base: 'calc(50% - 6px)', xs: 140 }}
        autoComplete="off"
        spellCheck={false}
      />
      <HostFilterSelect value={filters.host || null} onChange={(host) => set({ host: host ?? '' })} w={{ base: 'calc(50% - 6px)', xs: 180 }} />
      <TextInput
        label="Module"
        placeholder="e.g. file"
        value={filters.module}
        onChange={(event) => set({ module: event.currentTarget.value })}
        w={{ base: 'calc(50% - 6px)', xs: 120 }}
        classNames={{ input: 'gh-mono-input' }}
        autoComplete="off"
        spellCheck={false}
      />
      <TextInput
        label="Action"
        placeholder="e.g. process.signal"
        value={filters.action}
        onChange={(event) => set({ action: event.currentTarget.value })}
        w={{ base: 'calc(50% - 6px)', xs: 170 }}
        classNames={{ input: 'gh-mono-input' }}
        autoComplete="off"
        spellCheck={false}
      />
      <Select
        label="Result"
        placeholder="Any result"
        data={auditResultOptions}
        value={filters.result || null}
        onChange={(result) => set({ result: (result as AuditFilters['result'] | null) ?? '' })}
        clearable
        w={{ base: '100%', xs: 120 }}
      />
      <TextInput
        type="datetime-local"
        label="From"
        value={filters.from}
        onChange={(event) => set({ from: event.currentTarget.value })}
        w={{ base: 'calc(50% - 6px)', xs: 190 }}
      />
      <TextInput
        type="datetime-local"
        label="To"
        value={filters.to}
        onChange={(event) => set({ to: event.currentTarget.value })}
        w={{ base: 'calc(50% - 6px)', xs: 190 }}
      />
      {filtered && (
        <Button variant="subtle" onClick={onClear}>
          Clear filters
        </Button>
      )}
    </Group>
  );
}
