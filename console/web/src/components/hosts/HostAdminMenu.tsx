import { useState } from 'react';
import { ActionIcon, Button, Group, Menu, Modal, Stack, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconBan, IconCheck, IconDots, IconFingerprint, IconPencil, IconTag, IconTrash } from '@tabler/icons-react';
import { useNavigate } from 'react-router';
import { useHostAction, useRenameHost } from '../../hooks/useHosts.js';
import { useUser } from '../../session.js';
import { canManageSsh, useForgetSshHost } from '../../ssh/sshApi.js';
import type { Host } from '../../types.js';
import { describeError, ErrorAlert } from '../ErrorAlert.js';
import { HostKeyReview } from '../ssh/HostKeyReview.js';
import { confirmForget } from '../ssh/confirmForget.js';
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

/** Forget an SSH host (or only its SSH credentials, once it has an agent), saying what happened. */
function useForget() {
  const navigate = useNavigate();
  const forget = useForgetSshHost();
  return (host: Host) =>
    confirmForget(host, () =>
      forget.mutate(host, {
        onSuccess: () => {
          if (host.connection === 'ssh') {
            notifications.show({ color: 'gray', message: `${host.name} forgotten.` });
            navigate('/', { replace: true });
          } else {
            notifications.show({ color: 'gray', message: `The SSH credentials of ${host.name} are forgotten; its agent stays.` });
          }
        },
        onError: (error) => {
          const { code, message } = describeError(error);
          notifications.show({ color: 'red', title: `Could not forget ${host.name}`, message: `${message} (${code})` });
        },
      }),
    );
}

/**
 * Rename, tag, approve, revoke: what an administrator can do to a host as a whole; for a host reached over SSH,
 * checking its key and forgetting it instead of approving and revoking (it has no agent key to refuse).
 */
export function HostAdminMenu({ host, onEditTags }: { host: Host; onEditTags?: () => void }) {
  const [renaming, setRenaming] = useState(false);
  const [reviewingKey, setReviewingKey] = useState(false);
  const action = useHostAction();
  const forget = useForget();
  const sshOnly = host.connection === 'ssh';
  const manageSsh = canManageSsh(useUser()) && host.ssh !== null;
  return (
    <>
      <Menu position="bottom-end" shadow="md" width={220}>
        <Menu.Target>
          <ActionIcon variant="default" size="lg" aria-label={`Host actions for ${host.name}`}>
            <IconDots size={18} />
          </ActionIcon>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item leftSection={<IconPencil size={16} />} onClick={() => setRenaming(true)}>
            Rename…
          </Menu.Item>
          {onEditTags && (
            <Menu.Item leftSection={<IconTag size={16} />} onClick={onEditTags}>
              Edit tags
            </Menu.Item>
          )}
          {manageSsh && (
            <Menu.Item leftSection={<IconFingerprint size={16} />} onClick={() => setReviewingKey(true)}>
              Check host key…
            </Menu.Item>
          )}
          {!sshOnly && host.state === 'pending' && (
            <Menu.Item leftSection={<IconCheck size={16} />} onClick={() => action.mutate({ host, action: 'approve' })}>
              Approve
            </Menu.Item>
          )}
          {manageSsh && (
            <>
              <Menu.Divider />
              <Menu.Item color="red" leftSection={<IconTrash size={16} />} onClick={() => forget(host)}>
                {sshOnly ? 'Forget host…' : 'Forget SSH credentials…'}
              </Menu.Item>
            </>
          )}
          {!sshOnly && host.state !== 'revoked' && (
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
      {reviewingKey && <HostKeyReview host={host} opened={reviewingKey} onClose={() => setReviewingKey(false)} />}
    </>
  );
}
