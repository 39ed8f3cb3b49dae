/**
 * The text editor for one file. It saves with the version it loaded, so a change made on disk meanwhile is
 * never overwritten without the operator choosing to; unsaved edits hold navigation until they are discarded.
 * Loaded lazily: CodeMirror is the heaviest thing in the app.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Alert, Badge, Button, Group, Modal, Paper, Skeleton, Stack, Text, useComputedColorScheme } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery } from '@tanstack/react-query';
import { IconArrowLeft, IconDeviceFloppy, IconDownload, IconAlertTriangle } from '@tabler/icons-react';
import CodeMirror, { EditorView, type Extension } from '@uiw/react-codemirror';
import { useBlocker } from 'react-router';
import type { z } from 'zod';
import { apiCall, fileDownloadUrl, isApiError } from '../../console/web/src/api.js';
import { describeError, ErrorAlert } from '../../console/web/src/components/ErrorAlert.js';
import { formatBytes, formatRelative } from '../../console/web/src/format.js';
import { cspNonce } from '../../console/web/src/nonce.js';
import type { contract } from './contract.js';
import { useDraftBackup, useKeepDraft } from './draftBackup.js';
import { useLanguage } from './editorLanguage.js';
import { baseName } from './filePaths.js';

type ReadResult = z.output<typeof contract.methods.read.result>;
type WriteResult = z.output<typeof contract.methods.write.result>;

interface Loaded {
  content: string;
  version: string;
  size: number;
}

function CannotEdit({ hostId, path, error, onClose }: { hostId: string; path: string; error: unknown; onClose: () => void }) {
  const { code, message } = describeError(error);
  const reason =
    code === 'binary-file'
      ? 'This file is not text, so it cannot be edited here.'
      : 'This file is too large to edit in the browser.';
  return (
    <Alert color="yellow" variant="light" icon={<IconAlertTriangle size={18} />} title="Cannot open in the editor">
      <Text size="sm">
        {reason} {message} ({code})
      </Text>
      <Group gap="xs" mt="sm">
        <Button component="a" href={fileDownloadUrl(hostId, path)} download={baseName(path)} size="xs" leftSection={<IconDownload size={14} />}>
          Download instead
        </Button>
        <Button size="xs" variant="default" onClick={onClose}>
          Back to folder
        </Button>
      </Group>
    </Alert>
  );
}

export default function FileEditor({ hostId, path, onClose }: { hostId: string; path: string; onClose: () => void }) {
  const scheme = useComputedColorScheme('light');
  const language = useLanguage(baseName(path));
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [draft, setDraft] = useState('');
  const [conflict, setConflict] = useState(false);

  const read = useQuery({
    queryKey: ['host', hostId, 'file', 'read', path],
    queryFn: ({ signal }) => apiCall<ReadResult>(hostId, 'file', 'read', { path }, { signal }),
    // The editor owns the text once loaded; a background refetch must never replace what is being edited.
    staleTime: Infinity,
    gcTime: 0,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
  });

  const show = useCallback((data: ReadResult) => {
    setLoaded({ content: data.content, version: data.version, size: data.size });
    setDraft(data.content);
    setConflict(false);
  }, []);
  useEffect(() => {
    if (read.data) show(read.data);
  }, [read.data, show]);

  const modified = loaded !== null && draft !== loaded.content;

  const backup = useDraftBackup(hostId, path);
  const offer = backup.leftBehind && loaded && backup.leftBehind.content !== loaded.content ? backup.leftBehind : null;
  useKeepDraft(backup, loaded?.version, draft, modified, offer !== null);

  // Reload from disk, dropping the edits: the operator chose this, so the backup goes too.
  const reload = async () => {
    const result = await read.refetch();
    if (result.data) show(result.data);
    backup.clear();
  };

  const save = useMutation({
    mutationFn: ({ content, force }: { content: string; force: boolean }) =>
      apiCall<WriteResult>(hostId, 'file', 'write', force ? { path, content } : { path, content, version: loaded?.version }),
    onSuccess: (result, { content }) => {
      setLoaded({ content, version: result.version, size: result.size });
      setConflict(false);
      notifications.show({ color: 'teal', message: `Saved ${baseName(path)} (${formatBytes(result.size)}).` });
    },
    onError: (error) => {
      if (isApiError(error, 'conflict')) setConflict(true);
    },
  });

  const doSave = (force = false) => {
    if (!loaded || save.isPending || (!modified && !force)) return;
    save.mutate({ content: draft, force });
  };

  useHotkeys([['mod+S', () => doSave()]], [], true);

  // Unsaved edits: ask before leaving, whether by the Back button, a link, or closing the tab.
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) =>
      modified && (currentLocation.pathname !== nextLocation.pathname || currentLocation.search !== nextLocation.search),
  );
  useEffect(() => {
    if (!modified) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [modified]);

  const extensions = useMemo(() => {
    const list: Extension[] = [
      EditorView.cspNonce.of(cspNonce()),
      EditorView.contentAttributes.of({ 'aria-label': 'File editor' }),
    ];
    if (language) list.push(language);
    return list;
  }, [language]);

  if (read.isError) {
    if (isApiError(read.error, 'binary-file') || isApiError(read.error, 'too-large')) {
      return <CannotEdit hostId={hostId} path={path} error={read.error} onClose={onClose} />;
    }
    return (
      <ErrorAlert error={read.error} title={`Could not open ${path}`} onRetry={() => void read.refetch()}>
        <Button size="xs" variant="default" onClick={onClose}>
          Back to folder
        </Button>
      </ErrorAlert>
    );
  }

  return (
    <Stack gap="sm">
      <Group justify="space-between" gap="sm" wrap="nowrap" align="center">
        <Group gap="sm" wrap="nowrap" style={{ minWidth: 0 }}>
          <Button
            variant="default"
            size="xs"
            leftSection={<IconArrowLeft size={14} />}
            onClick={onClose}
            style={{ flexShrink: 0 }}
          >
            Folder
          </Button>
          <div style={{ minWidth: 0 }}>
            <Text size="sm" ff="monospace" fw={600} className="gh-break" data-testid="editor-path">
              {path}
            </Text>
            <Group gap={6}>
              <Text size="xs" c="dimmed">
                {loaded ? formatBytes(new TextEncoder().encode(draft).length) : '…'}
                {language === null ? ' · plain text' : ''}
              </Text>
              {modified && (
                <Badge size="xs" color="orange" variant="light" data-testid="editor-modified">
                  Modified
                </Badge>
              )}
            </Group>
          </div>
        </Group>
        <Button
          leftSection={<IconDeviceFloppy size={16} />}
          onClick={() => doSave()}
          disabled={!modified}
          loading={save.isPending}
          title="Save (Ctrl+S / ⌘S)"
          style={{ flexShrink: 0 }}
        >
          Save
        </Button>
      </Group>

      {conflict && (
        <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title="The file changed on disk" role="alert">
          <Text size="sm">
            Someone or something changed {baseName(path)} on the host since you opened it. Saving now would overwrite
            that change. Reload to see the current file (your edits here are lost), or overwrite it with your version.
          </Text>
          <Group gap="xs" mt="sm">
            <Button size="xs" variant="default" onClick={() => void reload()} loading={read.isFetching}>
              Reload (lose my changes)
            </Button>
            <Button size="xs" color="red" onClick={() => doSave(true)} loading={save.isPending}>
              Overwrite
            </Button>
            <Button size="xs" variant="subtle" onClick={() => setConflict(false)}>
              Keep editing
            </Button>
          </Group>
        </Alert>
      )}
      {offer && loaded && (
        <Alert color="yellow" variant="light" icon={<IconAlertTriangle size={18} />} title="Unsaved changes were kept">
          <Text size="sm">
            Changes to this file made {formatRelative(offer.at)} were never saved; this browser kept them. Restore them to
            review and save, or discard them.
            {offer.version !== loaded.version && ' The file has changed on the host since, so saving will ask before overwriting.'}
          </Text>
          <Group gap="xs" mt="sm">
            <Button
              size="xs"
              onClick={() => {
                setLoaded({ ...loaded, version: offer.version });
                setDraft(offer.content);
                backup.dismiss();
              }}
            >
              Restore my changes
            </Button>
            <Button size="xs" variant="default" onClick={backup.clear}>
              Discard them
            </Button>
          </Group>
        </Alert>
      )}
      {save.isError && !conflict && !isApiError(save.error, 'conflict') && (
        <ErrorAlert error={save.error} title="Could not save" />
      )}

      <Paper withBorder radius="sm" className="gh-editor" style={{ overflow: 'hidden' }} h="calc(100dvh - 300px)" mih={320}>
        {loaded ? (
          <CodeMirror
            value={draft}
            onChange={setDraft}
            extensions={extensions}
            theme={scheme === 'dark' ? 'dark' : 'light'}
            height="100%"
            style={{ height: '100%' }}
            basicSetup={{ lineNumbers: true, foldGutter: true, highlightActiveLine: true }}
          />
        ) : (
          <Stack p="md" gap={8} aria-busy="true" aria-label="Loading file">
            {Array.from({ length: 10 }, (_, i) => (
              <Skeleton key={i} height={12} width={`${40 + ((i * 37) % 50)}%`} />
            ))}
          </Stack>
        )}
      </Paper>

      <Modal opened={blocker.state === 'blocked'} onClose={() => blocker.reset?.()} title="Discard unsaved changes?">
        <Text size="sm">Your changes to {baseName(path)} have not been saved. Leaving now loses them.</Text>
        <Group justify="flex-end" mt="md">
          <Button variant="default" onClick={() => blocker.reset?.()}>
            Keep editing
          </Button>
          <Button
            color="red"
            onClick={() => {
              backup.clear();
              blocker.proceed?.();
            }}
          >
            Discard changes
          </Button>
        </Group>
      </Modal>
    </Stack>
  );
}
