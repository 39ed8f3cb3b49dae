/**
 * Install a package file that is already on the host (a .deb with apt, an .rpm with dnf/yum): the path is asked
 * for here, checked roughly as typed, and checked for real by the agent (resolved, a regular file of the right kind).
 */
import { useEffect, useState } from 'react';
import { Button, Code, Group, Modal, Stack, Text, TextInput } from '@mantine/core';

/** What each manager installs from a file; matches the agent's check (local-file.ts). */
const extensions: Record<string, string> = { apt: '.deb', dnf: '.rpm', yum: '.rpm' };

/** Why a typed path cannot be right, or undefined; the agent checks again after resolving it. */
export function packagePathProblem(path: string, manager: string): string | undefined {
  const extension = extensions[manager];
  if (path === '') return undefined;
  if (!path.startsWith('/')) return 'Give the full path, starting with /.';
  if (/[\u0000-\u001f\u007f]/.test(path)) return 'The path must not contain line breaks or control characters.';
  if (path.length > 4096) return 'The path is too long.';
  if (extension && !path.endsWith(extension)) return `This host’s package manager (${manager}) installs ${extension} files.`;
  return undefined;
}

export function InstallFileDialog({
  opened,
  manager,
  onInstall,
  onClose,
}: {
  opened: boolean;
  manager: string;
  onInstall: (path: string) => void;
  onClose: () => void;
}) {
  const [path, setPath] = useState('');
  useEffect(() => {
    if (opened) setPath('');
  }, [opened]);
  const extension = extensions[manager] ?? '.deb';
  const problem = packagePathProblem(path, manager);
  return (
    <Modal opened={opened} onClose={onClose} title="Install from a package file" size="md">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (path !== '' && !problem) onInstall(path);
        }}
      >
        <Stack gap="sm">
          <Text size="sm">
            Installs a <Code>{extension}</Code> file that is already on this host, with the dependencies the package
            manager can find in its index. To install one from your computer, upload it with the Files page first.
          </Text>
          <TextInput
            label="Path on the host"
            placeholder={extension === '.rpm' ? '/root/tool-1.0-1.noarch.rpm' : '/root/tool_1.0_all.deb'}
            value={path}
            onChange={(event) => setPath(event.currentTarget.value)}
            error={problem}
            autoComplete="off"
            spellCheck={false}
            data-autofocus
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
          />
          <Group justify="flex-end" mt="xs">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" disabled={path === '' || problem !== undefined}>
              Install
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
