import { useEffect, useState } from 'react';
import { Alert, Button, Code, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { ErrorAlert } from '../../console/web/src/components/ErrorAlert.js';
import type { FileEntry } from './contract.js';

/** Deleting a folder deletes everything in it, so the operator types its name first. */
export function DeleteDialog({
  entry,
  busy,
  error,
  onConfirm,
  onClose,
}: {
  entry: FileEntry | null;
  busy: boolean;
  error: unknown;
  onConfirm: (entry: FileEntry) => void;
  onClose: () => void;
}) {
  const [typed, setTyped] = useState('');
  useEffect(() => setTyped(''), [entry]);
  const isDirectory = entry?.type === 'directory';
  const confirmed = !isDirectory || typed === entry?.name;

  return (
    <Modal opened={entry !== null} onClose={onClose} title={isDirectory ? 'Delete folder?' : 'Delete file?'}>
      {entry && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (confirmed) onConfirm(entry);
          }}
        >
          <Stack gap="sm">
            <Code block style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}>
              {entry.path}
            </Code>
            {isDirectory ? (
              <>
                <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} p="xs">
                  The folder and everything inside it will be deleted. This cannot be undone.
                </Alert>
                <TextInput
                  label={
                    <>
                      Type <b>{entry.name}</b> to confirm
                    </>
                  }
                  aria-label="Type the folder name to confirm"
                  value={typed}
                  onChange={(event) => setTyped(event.currentTarget.value)}
                  classNames={{ input: 'gh-mono-input' }}
                  autoComplete="off"
                  spellCheck={false}
                  data-autofocus
                />
              </>
            ) : (
              <Text size="sm">
                {entry.type === 'symlink'
                  ? 'Only the link is deleted, not what it points to. This cannot be undone.'
                  : 'This cannot be undone.'}
              </Text>
            )}
            {error !== null && error !== undefined && <ErrorAlert error={error} title="Could not delete" />}
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose} disabled={busy}>
                Cancel
              </Button>
              <Button type="submit" color="red" loading={busy} disabled={!confirmed}>
                Delete
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
