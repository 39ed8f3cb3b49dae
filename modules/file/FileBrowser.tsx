import { useCallback, useMemo, useState } from 'react';
import { ActionIcon, Alert, Button, EmptyState, FileButton, Group, Stack, Switch, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IconFilePlus, IconFolderOpen, IconFolderPlus, IconRefresh, IconUpload } from '@tabler/icons-react';
import type { z } from 'zod';
import { apiCall, isApiError } from '../../console/web/src/api.js';
import { ErrorAlert } from '../../console/web/src/components/ErrorAlert.js';
import { sortRows, type SortState } from '../../console/web/src/components/SortableTh.js';
import { useNow } from '../../console/web/src/hooks/useNow.js';
import type { contract, FileEntry } from './contract.js';
import { ChmodDialog } from './ChmodDialog.js';
import { ChownDialog } from './ChownDialog.js';
import { DeleteDialog } from './DeleteDialog.js';
import type { FileAction } from './FileActions.js';
import { entryKind } from './FileIcon.js';
import { baseName, joinPath, parentPath } from './filePaths.js';
import { FileTable, fileSortValue, type FileSortKey } from './FileTable.js';
import { NameDialog } from './NameDialog.js';
import { UploadPanel, useUploads } from './Uploads.js';

type ListResult = z.output<typeof contract.methods.list.result>;

type Operation =
  | { kind: 'mkdir'; name: string }
  | { kind: 'newfile'; name: string }
  | { kind: 'rename'; entry: FileEntry; name: string }
  | { kind: 'delete'; entry: FileEntry }
  | { kind: 'chmod'; entry: FileEntry; mode: number }
  | { kind: 'chown'; entry: FileEntry; user?: string; group?: string };

type Dialog = { kind: 'mkdir' | 'newfile' } | { kind: FileAction; entry: FileEntry } | null;

export function fileListKey(hostId: string, path: string) {
  return ['host', hostId, 'file', 'list', path] as const;
}

/** One folder of a host: its entries, the actions on them, uploads into it. */
export function FileBrowser({
  hostId,
  path,
  onNavigate,
  onOpenFile,
}: {
  hostId: string;
  path: string;
  onNavigate: (path: string) => void;
  onOpenFile: (path: string) => void;
}) {
  const queryClient = useQueryClient();
  const now = useNow(60_000);
  const [sort, setSort] = useState<SortState<FileSortKey>>({ key: 'name', descending: false });
  const [showHidden, setShowHidden] = useState(true);
  const [dialog, setDialog] = useState<Dialog>(null);

  const list = useQuery({
    queryKey: fileListKey(hostId, path),
    queryFn: ({ signal }) => apiCall<ListResult>(hostId, 'file', 'list', { path, showHidden: true }, { signal }),
  });
  const reload = useCallback(
    (directory: string) => void queryClient.invalidateQueries({ queryKey: fileListKey(hostId, directory) }),
    [queryClient, hostId],
  );
  const uploads = useUploads(hostId, reload);

  const operation = useMutation({
    mutationFn: async (op: Operation): Promise<string> => {
      switch (op.kind) {
        case 'mkdir':
          await apiCall(hostId, 'file', 'mkdir', { path: joinPath(path, op.name) });
          return `Folder ${op.name} created.`;
        case 'newfile':
          await apiCall(hostId, 'file', 'write', { path: joinPath(path, op.name), content: '', create: true });
          return `File ${op.name} created.`;
        case 'rename':
          await apiCall(hostId, 'file', 'rename', { from: op.entry.path, to: joinPath(parentPath(op.entry.path), op.name) });
          return `Renamed ${op.entry.name} to ${op.name}.`;
        case 'delete':
          await apiCall(hostId, 'file', 'delete', { path: op.entry.path, recursive: op.entry.type === 'directory' });
          return `Deleted ${op.entry.name}.`;
        case 'chmod':
          await apiCall(hostId, 'file', 'chmod', { path: op.entry.path, mode: op.mode });
          return `Permissions of ${op.entry.name} changed.`;
        case 'chown':
          await apiCall(hostId, 'file', 'chown', { path: op.entry.path, user: op.user, group: op.group });
          return `Owner of ${op.entry.name} changed.`;
      }
    },
    onSuccess: (message, op) => {
      notifications.show({ color: 'teal', message });
      setDialog(null);
      reload(path);
      if (op.kind === 'newfile') onOpenFile(joinPath(path, op.name));
    },
  });

  const openDialog = useCallback(
    (next: Dialog) => {
      operation.reset();
      setDialog(next);
    },
    [operation],
  );
  const closeDialog = () => !operation.isPending && setDialog(null);

  const open = useCallback(
    (entry: FileEntry) => {
      if (entryKind(entry) === 'directory') onNavigate(entry.path);
      else if (entryKind(entry) === 'file') onOpenFile(entry.path);
    },
    [onNavigate, onOpenFile],
  );
  const onAction = useCallback((entry: FileEntry, action: FileAction) => openDialog({ kind: action, entry }), [openDialog]);

  const entries = useMemo(() => {
    const visible = (list.data?.entries ?? []).filter((entry) => showHidden || !entry.name.startsWith('.'));
    const sorted = sortRows(visible, (entry) => fileSortValue(entry, sort.key), sort.descending);
    // Folders first, whatever the column: that is where people look for them.
    return [...sorted.filter((e) => entryKind(e) === 'directory'), ...sorted.filter((e) => entryKind(e) !== 'directory')];
  }, [list.data, showHidden, sort]);

  const entryDialog = dialog && 'entry' in dialog ? dialog : null;
  const busy = operation.isPending;
  const error = operation.error;

  if (list.isError && !list.data) {
    const notADirectory = isApiError(list.error, 'not-a-directory');
    return (
      <ErrorAlert error={list.error} title={`Could not open ${path}`} onRetry={() => void list.refetch()}>
        {notADirectory && (
          <Button size="xs" variant="default" onClick={() => onOpenFile(path)}>
            Open it as a file
          </Button>
        )}
        {path !== '/' && (
          <Button size="xs" variant="default" onClick={() => onNavigate(parentPath(path))}>
            Go to {parentPath(path)}
          </Button>
        )}
      </ErrorAlert>
    );
  }

  return (
    <Stack gap="sm">
      <Group justify="space-between" gap="xs">
        <Group gap="xs">
          <Button size="xs" variant="default" leftSection={<IconFolderPlus size={16} />} onClick={() => openDialog({ kind: 'mkdir' })}>
            New folder
          </Button>
          <Button size="xs" variant="default" leftSection={<IconFilePlus size={16} />} onClick={() => openDialog({ kind: 'newfile' })}>
            New file
          </Button>
          <FileButton multiple onChange={(files) => files.length > 0 && void uploads.upload(files, path)}>
            {(props) => (
              <Button size="xs" variant="default" leftSection={<IconUpload size={16} />} {...props}>
                Upload
              </Button>
            )}
          </FileButton>
        </Group>
        <Group gap="sm">
          <Switch size="xs" label="Hidden files" checked={showHidden} onChange={(event) => setShowHidden(event.currentTarget.checked)} />
          <Tooltip label="Reload folder">
            <ActionIcon variant="default" aria-label="Reload folder" onClick={() => reload(path)} loading={list.isFetching && !list.isPending}>
              <IconRefresh size={16} />
            </ActionIcon>
          </Tooltip>
        </Group>
      </Group>

      <UploadPanel items={uploads.items} onDismiss={uploads.dismiss} />

      {list.data?.truncated && (
        <Alert color="yellow" variant="light" p="xs">
          This folder holds more entries than the agent lists at once; only the first {list.data.entries.length} are shown.
        </Alert>
      )}

      <FileTable
        hostId={hostId}
        path={path}
        entries={entries}
        loading={list.isPending}
        sort={sort}
        onSort={setSort}
        now={now}
        onOpen={open}
        onUp={() => onNavigate(parentPath(path))}
        onAction={onAction}
        empty={
          <EmptyState
            py="md"
            size="sm"
            icon={<IconFolderOpen size={22} />}
            title={list.data?.entries.length ? 'Only hidden files here' : 'This folder is empty'}
            description="Create a file or folder, or upload files into it."
          />
        }
      />

      <NameDialog
        opened={dialog?.kind === 'mkdir'}
        title={`New folder in ${path}`}
        label="Folder name"
        initial=""
        confirmLabel="Create folder"
        busy={busy}
        error={dialog?.kind === 'mkdir' ? error : null}
        onConfirm={(name) => operation.mutate({ kind: 'mkdir', name })}
        onClose={closeDialog}
      />
      <NameDialog
        opened={dialog?.kind === 'newfile'}
        title={`New file in ${path}`}
        label="File name"
        initial=""
        confirmLabel="Create file"
        busy={busy}
        error={dialog?.kind === 'newfile' ? error : null}
        onConfirm={(name) => operation.mutate({ kind: 'newfile', name })}
        onClose={closeDialog}
      />
      <NameDialog
        opened={entryDialog?.kind === 'rename'}
        title={entryDialog ? `Rename ${entryDialog.entry.name}` : 'Rename'}
        label="New name"
        initial={entryDialog ? baseName(entryDialog.entry.path) : ''}
        confirmLabel="Rename"
        busy={busy}
        error={entryDialog?.kind === 'rename' ? error : null}
        onConfirm={(name) => entryDialog && operation.mutate({ kind: 'rename', entry: entryDialog.entry, name })}
        onClose={closeDialog}
      />
      <DeleteDialog
        entry={entryDialog?.kind === 'delete' ? entryDialog.entry : null}
        busy={busy}
        error={error}
        onConfirm={(entry) => operation.mutate({ kind: 'delete', entry })}
        onClose={closeDialog}
      />
      <ChmodDialog
        entry={entryDialog?.kind === 'chmod' ? entryDialog.entry : null}
        busy={busy}
        error={error}
        onConfirm={(entry, mode) => operation.mutate({ kind: 'chmod', entry, mode })}
        onClose={closeDialog}
      />
      <ChownDialog
        entry={entryDialog?.kind === 'chown' ? entryDialog.entry : null}
        busy={busy}
        error={error}
        onConfirm={(entry, change) => operation.mutate({ kind: 'chown', entry, ...change })}
        onClose={closeDialog}
      />
    </Stack>
  );
}
