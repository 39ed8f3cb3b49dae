import { useEffect, useState } from 'react';
import { Button, Group, Modal, Stack, TextInput } from '@mantine/core';
import { ErrorAlert } from '../../console/web/src/components/ErrorAlert.js';
import { nameProblem } from './filePaths.js';

/** Ask for one plain name: new folder, new file, rename. */
export function NameDialog({
  opened,
  title,
  label,
  initial,
  confirmLabel,
  busy,
  error,
  onConfirm,
  onClose,
}: {
  opened: boolean;
  title: string;
  label: string;
  initial: string;
  confirmLabel: string;
  busy: boolean;
  error: unknown;
  onConfirm: (name: string) => void;
  onClose: () => void;
}) {
  const [name, setName] = useState(initial);
  const [touched, setTouched] = useState(false);
  useEffect(() => {
    if (opened) {
      setName(initial);
      setTouched(false);
    }
  }, [opened, initial]);
  const problem = nameProblem(name);

  return (
    <Modal opened={opened} onClose={onClose} title={title}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          setTouched(true);
          if (!problem) onConfirm(name);
        }}
      >
        <Stack gap="sm">
          <TextInput
            label={label}
            value={name}
            onChange={(event) => {
              setName(event.currentTarget.value);
              setTouched(true);
            }}
            error={touched ? problem : undefined}
            classNames={{ input: 'gh-mono-input' }}
            spellCheck={false}
            autoComplete="off"
            data-autofocus
          />
          {error !== null && error !== undefined && <ErrorAlert error={error} title="That did not work" />}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} disabled={busy}>
              Cancel
            </Button>
            <Button type="submit" loading={busy} disabled={name === initial && initial !== ''}>
              {confirmLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
