import { useState } from 'react';
import { Alert, Button, Card, Code, Group, Modal, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconAlertTriangle, IconPencil } from '@tabler/icons-react';
import { ErrorAlert } from '../../console/web/src/components/ErrorAlert.js';
import { hostnameProblem } from './hostname-pattern.js';

export interface HostnameView {
  hostname: string;
  staticHostname: string | null;
}

/** The host name, and for those allowed, a rename behind a warning and a typed confirmation of the old name. */
export function HostnameCard({
  name,
  canEdit,
  saving,
  error,
  onSave,
  onReset,
}: {
  name: HostnameView | undefined;
  canEdit: boolean;
  saving: boolean;
  error: unknown;
  onSave: (hostname: string) => Promise<unknown>;
  onReset: () => void;
}) {
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState('');
  const [typed, setTyped] = useState('');
  const problem = draft === '' ? undefined : hostnameProblem(draft);
  const current = name?.hostname ?? '';
  const ready = draft !== '' && !problem && draft !== current && typed === current;

  const close = () => {
    if (saving) return;
    setOpen(false);
    onReset();
  };

  return (
    <Card withBorder padding="sm" radius="md">
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <div style={{ minWidth: 0 }}>
          <Title order={4} size="h5">
            Host name
          </Title>
          <Text size="lg" fw={600} ff="monospace" style={{ wordBreak: 'break-all' }}>
            {name ? name.hostname : '…'}
          </Text>
          {name && name.staticHostname !== null && name.staticHostname !== name.hostname && (
            <Text size="xs" c="orange.8">
              /etc/hostname says {name.staticHostname}: the name changes at the next boot.
            </Text>
          )}
          {name && name.staticHostname === null && (
            <Text size="xs" c="dimmed">
              No /etc/hostname: the name may not survive a reboot.
            </Text>
          )}
        </div>
        {canEdit && (
          <Button
            size="xs"
            variant="default"
            leftSection={<IconPencil size={14} />}
            disabled={!name}
            onClick={() => {
              setDraft(current);
              setTyped('');
              setOpen(true);
            }}
          >
            Change
          </Button>
        )}
      </Group>

      <Modal opened={open} onClose={close} title="Change the host name" size="md">
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (!ready) return;
            void onSave(draft).then(() => setOpen(false), () => undefined);
          }}
        >
          <Stack gap="sm">
            <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />} p="xs">
              Monitoring, certificates, SSH known-hosts entries and plant systems that find this host by name can lose it.
              The name is set now and at boot.
            </Alert>
            <TextInput
              label="New host name"
              description="Letters, digits and hyphens; dot-separated labels; at most 253 characters."
              value={draft}
              onChange={(event) => setDraft(event.currentTarget.value)}
              error={problem}
              autoComplete="off"
              spellCheck={false}
              data-autofocus
            />
            <TextInput
              label={
                <>
                  Type the current name <Code>{current}</Code> to confirm
                </>
              }
              value={typed}
              onChange={(event) => setTyped(event.currentTarget.value)}
              autoComplete="off"
              spellCheck={false}
            />
            {error !== null && error !== undefined && <ErrorAlert error={error} title="The host name was not changed" />}
            <Group justify="flex-end">
              <Button variant="default" onClick={close} disabled={saving}>
                Cancel
              </Button>
              <Button type="submit" color="red" loading={saving} disabled={!ready}>
                Change host name
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </Card>
  );
}
