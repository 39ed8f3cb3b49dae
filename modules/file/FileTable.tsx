import type { ReactNode } from 'react';
import { Group, Table, Text, UnstyledButton } from '@mantine/core';
import { IconArrowBackUp } from '@tabler/icons-react';
import { SortableTh, type SortState } from '../../console/web/src/components/SortableTh.js';
import { TableSkeleton } from '../../console/web/src/components/TableSkeleton.js';
import { usePhone } from '../../console/web/src/hooks/usePhone.js';
import { formatBytes, formatDateTime, formatMode, formatOctalMode, formatRelative } from '../../console/web/src/format.js';
import type { FileEntry } from './contract.js';
import { FileActions, type FileAction } from './FileActions.js';
import { entryKind, entryTypeLabel, FileIcon } from './FileIcon.js';
import { TableFrame, useStickyHeader } from '../../console/web/src/components/TableFrame.js';

export type FileSortKey = 'name' | 'size' | 'mode' | 'owner' | 'modified';

export function fileSortValue(entry: FileEntry, key: FileSortKey): string | number {
  switch (key) {
    case 'name':
      return entry.name;
    case 'size':
      return entry.size;
    case 'mode':
      return entry.mode & 0o7777;
    case 'owner':
      return `${entry.user}:${entry.group}`;
    case 'modified':
      return Date.parse(entry.modifiedAt) || 0;
  }
}

function EntryName({ entry, onOpen }: { entry: FileEntry; onOpen: (entry: FileEntry) => void }) {
  const kind = entryKind(entry);
  const name =
    kind === 'other' ? (
      <Text size="sm" ff="monospace" className="gh-break" title={entryTypeLabel[entry.type]}>
        {entry.name}
      </Text>
    ) : (
      <UnstyledButton
        onClick={() => onOpen(entry)}
        ff="monospace"
        fz="sm"
        fw={kind === 'directory' ? 600 : 400}
        c="var(--mantine-color-anchor)"
        className="gh-break"
        title={kind === 'directory' ? `Open folder ${entry.name}` : `Edit ${entry.name}`}
        style={{ textAlign: 'left' }}
      >
        {entry.name}
      </UnstyledButton>
    );
  return (
    <Group gap={8} wrap="nowrap" align="flex-start">
      <span style={{ flexShrink: 0, display: 'flex', paddingTop: 2 }}>
        <FileIcon entry={entry} />
      </span>
      <div style={{ minWidth: 0 }}>
        {name}
        {entry.type === 'symlink' && (
          <Text size="xs" c={entry.targetType === 'broken' ? 'red.7' : 'dimmed'} ff="monospace" className="gh-break">
            → {entry.target ?? '?'}
            {entry.targetType === 'broken' ? ' (broken link)' : ''}
          </Text>
        )}
      </div>
    </Group>
  );
}

function FileRow({
  hostId,
  entry,
  now,
  onOpen,
  onAction,
}: {
  hostId: string;
  entry: FileEntry;
  now: number;
  onOpen: (entry: FileEntry) => void;
  onAction: (entry: FileEntry, action: FileAction) => void;
}) {
  const isDirectory = entryKind(entry) === 'directory';
  return (
    <Table.Tr data-path={entry.path} data-type={entry.type}>
      <Table.Td style={{ maxWidth: 0, width: '100%' }}>
        <EntryName entry={entry} onOpen={onOpen} />
      </Table.Td>
      <Table.Td>
        <Text size="sm" ff="monospace" ta="right" c={isDirectory ? 'dimmed' : undefined} style={{ whiteSpace: 'nowrap' }}>
          {entry.type === 'file' ? formatBytes(entry.size) : '—'}
        </Text>
      </Table.Td>
      <Table.Td visibleFrom="sm">
        <Text size="sm" ff="monospace" title={`${formatOctalMode(entry.mode)} (octal)`} style={{ whiteSpace: 'nowrap' }}>
          {formatMode(entry.mode)}
        </Text>
      </Table.Td>
      <Table.Td visibleFrom="sm">
        <Text size="sm" ff="monospace" style={{ whiteSpace: 'nowrap' }} title={`uid ${entry.uid}, gid ${entry.gid}`}>
          {entry.user}:{entry.group}
        </Text>
      </Table.Td>
      <Table.Td visibleFrom="sm">
        <Text size="sm" title={formatRelative(entry.modifiedAt, now)} style={{ whiteSpace: 'nowrap' }} className="gh-num">
          {formatDateTime(entry.modifiedAt).slice(0, 16)}
        </Text>
      </Table.Td>
      <Table.Td>
        <FileActions hostId={hostId} entry={entry} onOpen={onOpen} onAction={onAction} />
      </Table.Td>
    </Table.Tr>
  );
}

export function FileTable({
  hostId,
  path,
  entries,
  loading,
  sort,
  onSort,
  now,
  onOpen,
  onUp,
  onAction,
  empty,
}: {
  hostId: string;
  path: string;
  entries: FileEntry[];
  loading: boolean;
  sort: SortState<FileSortKey>;
  onSort: (sort: SortState<FileSortKey>) => void;
  now: number;
  onOpen: (entry: FileEntry) => void;
  onUp: () => void;
  onAction: (entry: FileEntry, action: FileAction) => void;
  empty: ReactNode;
}) {
  const phone = usePhone();
  // On a phone: name, size and the menu; mode, owner and time need a wider screen.
  const header = (column: FileSortKey, label: string, align: 'left' | 'right' = 'left', firstDescending = false, wideOnly = false) => (
    <SortableTh
      column={column}
      sort={sort}
      onSort={onSort}
      align={align}
      firstDescending={firstDescending}
      visibleFrom={wideOnly ? 'sm' : undefined}
    >
      {label}
    </SortableTh>
  );
  const minWidth = phone ? 300 : 760;
  const sticky = useStickyHeader(minWidth);
  return (
    <TableFrame minWidth={minWidth}>
      <Table striped highlightOnHover {...sticky} verticalSpacing={5} horizontalSpacing={phone ? 6 : 'sm'} aria-label={`Contents of ${path}`}>
        <Table.Thead>
          <Table.Tr>
            {header('name', 'Name')}
            {header('size', 'Size', 'right', true)}
            {header('mode', 'Mode', 'left', false, true)}
            {header('owner', 'Owner', 'left', false, true)}
            {header('modified', 'Modified', 'left', true, true)}
            <Table.Th w={40} aria-label="Actions" />
          </Table.Tr>
        </Table.Thead>
        {loading ? (
          <TableSkeleton columns={phone ? 3 : 6} rows={8} />
        ) : (
          <Table.Tbody>
            {path !== '/' && (
              <Table.Tr>
                <Table.Td colSpan={6}>
                  <UnstyledButton onClick={onUp} aria-label="Parent folder" fz="sm" c="dimmed">
                    <Group gap={8} wrap="nowrap">
                      <IconArrowBackUp size={18} aria-hidden />
                      <Text size="sm" ff="monospace">
                        ..
                      </Text>
                    </Group>
                  </UnstyledButton>
                </Table.Td>
              </Table.Tr>
            )}
            {entries.map((entry) => (
              <FileRow key={entry.path} hostId={hostId} entry={entry} now={now} onOpen={onOpen} onAction={onAction} />
            ))}
            {entries.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={6}>{empty}</Table.Td>
              </Table.Tr>
            )}
          </Table.Tbody>
        )}
      </Table>
    </TableFrame>
  );
}
