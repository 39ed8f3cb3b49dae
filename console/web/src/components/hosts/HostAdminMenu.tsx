import { useState } from 'react';
import { ActionIcon, Button, Group, Menu, Modal, Stack, TextInput } from '@mantine/core';
import { IconBan, IconCheck, IconDots, IconPencil } from '@tabler/icons-react';
import { useHostAction, useRenameHost } from '../../hooks/useHosts.js';
import type { Host } from '../../types.js';
import { ErrorAlert } from '../ErrorAlert.js';
import { confirmRevoke } from './HostApprovalActions.js';

function RenameModal({ host, opened, onClose }: { host: Host; opened: boolean; onClose: () => void }) {
  const rename = useRenameHost();
  const [name, setName] = useState(host.name);
  const close = () => {
    rename.reset();
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title="Rename host">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          rename.mutate({ host, name: name.trim() }, { onSuccess: close });
        }}
      >
        <Stack>
          <TextInput
            label="Name"
            description="How this host is shown in Gatehouse; the machine's own hostname is not changed."
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
            maxLength={253}
            data-autofocus
          />
          {rename.isError && <ErrorAlert error={rename.error} title="Could not rename" />}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={rename.isPending} disabled={name.trim() === '' || name.trim() === host.name}>
              Rename
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** Rename, approve, revoke: what an administrator can do to a host as a whole. */
export function HostAdminMenu({ host }: { host: Host }) {
  const [renaming, setRenaming] = useState(false);
  const action = useHostAction();
  return (
    <>
      <Menu position="bottom-end" shadow="md" width={200}>
        <Menu.Target>
          <ActionIcon variant="default" size="lg" aria-label={`Host actions for ${host.name}`}>
            <IconDots size={18} />
          </ActionIcon>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item leftSection={<IconPencil size={16} />} onClick={() => setRenaming(true)}>
            Rename…
          </Menu.Item>
          {host.state === 'pending' && (
            <Menu.Item leftSection={<IconCheck size={16} />} onClick={() => action.mutate({ host, action: 'approve' })}>
              Approve
            </Menu.Item>
          )}
          {host.state !== 'revoked' && (
            <>
              <Menu.Divider />
              <Menu.Item
                color="red"
                leftSection={<IconBan size={16} />}
                onClick={() => confirmRevoke(host, () => action.mutate({ host, action: 'revoke' }))}
              >
                Revoke…
              </Menu.Item>
            </>
          )}
        </Menu.Dropdown>
      </Menu>
      {renaming && <RenameModal host={host} opened={renaming} onClose={() => setRenaming(false)} />}
    </>
  );
}
