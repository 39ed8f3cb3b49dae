import { useCallback, useRef, useState } from 'react';
import { ActionIcon, Group, Paper, Progress, Stack, Text } from '@mantine/core';
import { modals } from '@mantine/modals';
import { IconCheck, IconX } from '@tabler/icons-react';
import { isApiError, uploadFile } from '../../console/web/src/api.js';
import { describeError } from '../../console/web/src/components/ErrorAlert.js';
import { formatBytes } from '../../console/web/src/format.js';

interface UploadItem {
  id: number;
  name: string;
  size: number;
  progress: number;
  state: 'uploading' | 'done' | 'failed' | 'skipped';
  error?: unknown;
}

/** Never replace a file silently: an `exists` answer asks first. */
function askOverwrite(name: string, directory: string): Promise<boolean> {
  return new Promise((resolve) => {
    modals.openConfirmModal({
      title: `Replace ${name}?`,
      children: (
        <Text size="sm">
          A file named <b>{name}</b> already exists in <code>{directory}</code>. Replacing it overwrites its contents.
        </Text>
      ),
      labels: { confirm: 'Replace', cancel: 'Keep the existing file' },
      confirmProps: { color: 'red' },
      onConfirm: () => resolve(true),
      onCancel: () => resolve(false),
      onClose: () => resolve(false),
    });
  });
}

/** Upload files one after another into a folder, tracking each one's progress and outcome. */
export function useUploads(hostId: string, onUploaded: (directory: string) => void) {
  const [items, setItems] = useState<UploadItem[]>([]);
  const nextId = useRef(1);

  const patch = (id: number, change: Partial<UploadItem>) =>
    setItems((previous) => previous.map((item) => (item.id === id ? { ...item, ...change } : item)));

  const dismiss = useCallback((id: number) => setItems((previous) => previous.filter((item) => item.id !== id)), []);

  const upload = useCallback(
    async (files: File[], directory: string) => {
      const queued = files.map((file) => ({ file, id: nextId.current++ }));
      setItems((previous) => [
        ...previous,
        ...queued.map(({ file, id }) => ({ id, name: file.name, size: file.size, progress: 0, state: 'uploading' as const })),
      ]);
      for (const { file, id } of queued) {
        const attempt = (overwrite: boolean) =>
          uploadFile(hostId, directory, file, { overwrite, onProgress: (progress) => patch(id, { progress }) });
        try {
          try {
            await attempt(false);
          } catch (error) {
            if (!isApiError(error, 'exists')) throw error;
            patch(id, { progress: 0 });
            if (!(await askOverwrite(file.name, directory))) {
              patch(id, { state: 'skipped' });
              continue;
            }
            await attempt(true);
          }
          patch(id, { state: 'done', progress: 1 });
          setTimeout(() => dismiss(id), 5000);
        } catch (error) {
          patch(id, { state: 'failed', error });
        }
        onUploaded(directory);
      }
    },
    [hostId, onUploaded, dismiss],
  );

  return { items, upload, dismiss };
}

export function UploadPanel({ items, onDismiss }: { items: UploadItem[]; onDismiss: (id: number) => void }) {
  if (items.length === 0) return null;
  return (
    <Paper withBorder p="xs" radius="sm" aria-label="Uploads">
      <Stack gap={6}>
        {items.map((item) => {
          const failure = item.state === 'failed' ? describeError(item.error) : undefined;
          return (
            <Group key={item.id} gap="sm" wrap="nowrap" data-upload-state={item.state}>
              <Text size="sm" ff="monospace" className="gh-truncate" style={{ flex: '1 1 0', minWidth: 0, maxWidth: 320 }} title={item.name}>
                {item.name}
              </Text>
              <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                {formatBytes(item.size)}
              </Text>
              {item.state === 'uploading' && (
                <Progress
                  value={item.progress * 100}
                  style={{ flex: '1 1 40%' }}
                  size="md"
                  animated
                  aria-label={`Uploading ${item.name}`}
                />
              )}
              {item.state === 'done' && (
                <Group gap={4} c="teal.7" wrap="nowrap" style={{ flexShrink: 0 }}>
                  <IconCheck size={16} />
                  <Text size="sm">Uploaded</Text>
                </Group>
              )}
              {item.state === 'skipped' && (
                <Text size="sm" c="dimmed" style={{ flex: '1 1 40%' }}>
                  Not uploaded; the existing file was kept
                </Text>
              )}
              {failure && (
                <Text size="sm" c="red.7" style={{ flex: '1 1 40%' }} role="alert">
                  {failure.message} ({failure.code})
                </Text>
              )}
              {item.state !== 'uploading' && (
                <ActionIcon size="sm" variant="subtle" color="gray" aria-label={`Dismiss ${item.name}`} onClick={() => onDismiss(item.id)}>
                  <IconX size={14} />
                </ActionIcon>
              )}
            </Group>
          );
        })}
      </Stack>
    </Paper>
  );
}
