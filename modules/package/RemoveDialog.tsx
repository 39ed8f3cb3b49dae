import { useEffect, useState } from 'react';
import { Alert, Button, Checkbox, Code, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';

/** Removing software can take down what depends on it: say so, and have the name typed before it goes. */
export function RemoveDialog({
  name,
  onConfirm,
  onClose,
}: {
  name: string | null;
  onConfirm: (name: string, purge: boolean) => void;
  onClose: () => void;
}) {
  const [typed, setTyped] = useState('');
  const [purge, setPurge] = useState(false);
  useEffect(() => {
    setTyped('');
    setPurge(false);
  }, [name]);
  return (
    <Modal opened={name !== null} onClose={onClose} title={name ? `Remove ${name}?` : ''} size="md">
      {name && (
        <Stack gap="sm">
          <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} p="xs">
            <Text size="sm">
              The package manager also removes every package that depends on <Code>{name}</Code>. Check the output
              below as it runs; Cancel stops it.
            </Text>
          </Alert>
          <Checkbox
            label="Also delete its configuration files (purge)"
            checked={purge}
            onChange={(event) => setPurge(event.currentTarget.checked)}
          />
          <TextInput
            label={
              <>
                Type <Code>{name}</Code> to confirm
              </>
            }
            value={typed}
            onChange={(event) => setTyped(event.currentTarget.value)}
            autoComplete="off"
            spellCheck={false}
            data-autofocus
          />
          <Group justify="flex-end" mt="xs">
            <Button variant="default" onClick={onClose}>
              Keep it
            </Button>
            <Button color="red" disabled={typed !== name} onClick={() => onConfirm(name, purge)}>
              {purge ? 'Purge' : 'Remove'} {name}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
