import { useEffect, useState } from 'react';
import { Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { ErrorAlert } from '../../console/web/src/components/ErrorAlert.js';
import type { FileEntry } from './contract.js';

/** Change owner and/or group, by name or numeric id; only what changed is sent. */
export function ChownDialog({
  entry,
  busy,
  error,
  onConfirm,
  onClose,
}: {
  entry: FileEntry | null;
  busy: boolean;
  error: unknown;
  onConfirm: (entry: FileEntry, change: { user?: string; group?: string }) => void;
  onClose: () => void;
}) {
  const [user, setUser] = useState('');
  const [group, setGroup] = useState('');
  useEffect(() => {
    if (!entry) return;
    setUser(entry.user);
    setGroup(entry.group);
  }, [entry]);
  const change: { user?: string; group?: string } = {};
  if (entry && user.trim() !== '' && user.trim() !== entry.user) change.user = user.trim();
  if (entry && group.trim() !== '' && group.trim() !== entry.group) change.group = group.trim();
  const changed = change.user !== undefined || change.group !== undefined;

  return (
    <Modal opened={entry !== null} onClose={onClose} title="Change owner">
      {entry && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (changed) onConfirm(entry, change);
          }}
        >
          <Stack gap="sm">
            <Text size="sm" ff="monospace" className="gh-break">
              {entry.path}
            </Text>
            <Group grow>
              <TextInput
                label="User"
                description="Name or numeric id"
                value={user}
                onChange={(event) => setUser(event.currentTarget.value)}
                classNames={{ input: 'gh-mono-input' }}
                autoComplete="off"
                spellCheck={false}
                data-autofocus
              />
              <TextInput
                label="Group"
                description="Name or numeric id"
                value={group}
                onChange={(event) => setGroup(event.currentTarget.value)}
                classNames={{ input: 'gh-mono-input' }}
                autoComplete="off"
                spellCheck={false}
              />
            </Group>
            {entry.type === 'directory' && (
              <Text size="xs" c="dimmed">
                Only the folder itself changes, not what is inside it.
              </Text>
            )}
            {error !== null && error !== undefined && <ErrorAlert error={error} title="Could not change the owner" />}
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose} disabled={busy}>
                Cancel
              </Button>
              <Button type="submit" loading={busy} disabled={!changed}>
                Apply
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
