import {
  IconFile,
  IconFileCode,
  IconFileText,
  IconFileZip,
  IconFolderFilled,
  IconLink,
  IconLinkOff,
  IconPhoto,
  IconPlug,
  IconCpu,
  IconArrowsExchange,
  IconFileUnknown,
  IconSettings,
} from '@tabler/icons-react';
import type { FileEntry } from './contract.js';

const byExtension: [RegExp, typeof IconFile][] = [
  [/\.(png|jpe?g|gif|svg|webp|ico|bmp)$/i, IconPhoto],
  [/\.(zip|gz|tgz|bz2|xz|zst|tar|7z|rar|deb|rpm)$/i, IconFileZip],
  [/\.(js|mjs|cjs|ts|tsx|jsx|py|sh|bash|rb|go|rs|c|h|cpp|java|php|pl|lua|sql)$/i, IconFileCode],
  [/\.(conf|cfg|ini|toml|ya?ml|json|service|timer|socket|rules)$/i, IconSettings],
  [/\.(txt|md|log|csv|list)$/i, IconFileText],
];

/** An icon for the kind of thing an entry is; the type is also spelled out for screen readers by the row. */
export function FileIcon({ entry }: { entry: FileEntry }) {
  const size = 18;
  switch (entry.type) {
    case 'directory':
      return <IconFolderFilled size={size} color="var(--mantine-color-yellow-6)" aria-hidden />;
    case 'symlink':
      if (entry.targetType === 'directory') return <IconFolderFilled size={size} color="var(--mantine-color-yellow-5)" aria-hidden />;
      return entry.targetType === 'broken' ? (
        <IconLinkOff size={size} color="var(--mantine-color-red-6)" aria-hidden />
      ) : (
        <IconLink size={size} color="var(--mantine-color-indigo-5)" aria-hidden />
      );
    case 'socket':
      return <IconPlug size={size} color="var(--mantine-color-gray-6)" aria-hidden />;
    case 'fifo':
      return <IconArrowsExchange size={size} color="var(--mantine-color-gray-6)" aria-hidden />;
    case 'block-device':
    case 'char-device':
      return <IconCpu size={size} color="var(--mantine-color-gray-6)" aria-hidden />;
    case 'unknown':
      return <IconFileUnknown size={size} color="var(--mantine-color-gray-6)" aria-hidden />;
    case 'file': {
      const Icon = byExtension.find(([pattern]) => pattern.test(entry.name))?.[1] ?? IconFile;
      return <Icon size={size} color="var(--mantine-color-gray-6)" aria-hidden />;
    }
  }
}

/** What clicking the entry's name does. */
export function entryKind(entry: FileEntry): 'directory' | 'file' | 'other' {
  const type = entry.type === 'symlink' ? entry.targetType : entry.type;
  if (type === 'directory') return 'directory';
  if (type === 'file') return 'file';
  return 'other';
}

export const entryTypeLabel: Record<FileEntry['type'], string> = {
  file: 'File',
  directory: 'Folder',
  symlink: 'Symbolic link',
  socket: 'Socket',
  fifo: 'Named pipe',
  'block-device': 'Block device',
  'char-device': 'Character device',
  unknown: 'Unknown',
};
