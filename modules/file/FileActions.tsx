import { ActionIcon, Menu } from '@mantine/core';
import { IconDots, IconDownload, IconEdit, IconForms, IconLock, IconTrash, IconUser } from '@tabler/icons-react';
import { fileDownloadUrl } from '../../console/web/src/api.js';
import type { FileEntry } from './contract.js';
import { entryKind } from './FileIcon.js';

export type FileAction = 'rename' | 'chmod' | 'chown' | 'delete';

/** The row menu. Download is a plain link, so the browser streams the file to disk itself. */
export function FileActions({
  hostId,
  entry,
  onOpen,
  onAction,
}: {
  hostId: string;
  entry: FileEntry;
  onOpen: (entry: FileEntry) => void;
  onAction: (entry: FileEntry, action: FileAction) => void;
}) {
  const kind = entryKind(entry);
  return (
    <Menu position="bottom-end" shadow="md" width={200}>
      <Menu.Target>
        <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${entry.name}`}>
          <IconDots size={16} />
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>
        {kind === 'file' && (
          <>
            <Menu.Item leftSection={<IconEdit size={16} />} onClick={() => onOpen(entry)}>
              Edit
            </Menu.Item>
            <Menu.Item
              component="a"
              href={fileDownloadUrl(hostId, entry.path)}
              download={entry.name}
              leftSection={<IconDownload size={16} />}
            >
              Download
            </Menu.Item>
            <Menu.Divider />
          </>
        )}
        <Menu.Item leftSection={<IconForms size={16} />} onClick={() => onAction(entry, 'rename')}>
          Rename…
        </Menu.Item>
        <Menu.Item leftSection={<IconLock size={16} />} onClick={() => onAction(entry, 'chmod')}>
          Permissions…
        </Menu.Item>
        <Menu.Item leftSection={<IconUser size={16} />} onClick={() => onAction(entry, 'chown')}>
          Owner…
        </Menu.Item>
        <Menu.Divider />
        <Menu.Item color="red" leftSection={<IconTrash size={16} />} onClick={() => onAction(entry, 'delete')}>
          Delete…
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
