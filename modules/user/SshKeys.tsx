import { useState } from 'react';
import { ActionIcon, Alert, Badge, Button, Code, Group, Paper, Stack, Text, Textarea, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IconKey, IconPlus, IconTrash } from '@tabler/icons-react';
import type { z } from 'zod';
import { apiCall } from '../../console/web/src/api.js';
import { describeError, ErrorAlert } from '../../console/web/src/components/ErrorAlert.js';
import type { Host } from '../../console/web/src/types.js';
import type { AuthorizedKey, contract, UserAccount } from './contract.js';

type KeysResult = z.output<typeof contract.methods.keys.result>;
type AddResult = z.output<typeof contract.methods.addKey.result>;

/** ~/.ssh/authorized_keys of one account: fingerprints first (what people compare), add and remove. */
export function SshKeys({ host, user, canManage }: { host: Host; user: UserAccount; canManage: boolean }) {
  const queryClient = useQueryClient();
  const key = ['host', host.id, 'user', 'keys', user.name] as const;
  const keys = useQuery({
    queryKey: key,
    queryFn: ({ signal }) => apiCall<KeysResult>(host.id, 'user', 'keys', { name: user.name }, { signal }),
    enabled: host.online,
  });
  const [adding, setAdding] = useState(false);
  const [line, setLine] = useState('');
  const [removing, setRemoving] = useState<AuthorizedKey | null>(null);

  const add = useMutation({
    mutationFn: (text: string) => apiCall<AddResult>(host.id, 'user', 'addKey', { name: user.name, key: text.trim() }),
    onSuccess: (result) => {
      notifications.show({ color: 'teal', title: `Key added for ${user.name}`, message: result.key.fingerprint });
      setLine('');
      setAdding(false);
    },
    onSettled: () => void queryClient.invalidateQueries({ queryKey: key }),
  });
  const remove = useMutation({
    mutationFn: (target: AuthorizedKey) => apiCall(host.id, 'user', 'removeKey', { name: user.name, fingerprint: target.fingerprint }),
    onSuccess: (_result, target) => notifications.show({ color: 'teal', title: `Key removed from ${user.name}`, message: target.fingerprint }),
    onError: (error, target) => {
      const { code, message } = describeError(error);
      notifications.show({ color: 'red', autoClose: 10_000, title: `Could not remove ${target.fingerprint}`, message: `${message} (${code})` });
    },
    onSettled: () => {
      setRemoving(null);
      void queryClient.invalidateQueries({ queryKey: key });
    },
  });

  const singleLine = !/[\r\n]/.test(line.trim());
  return (
    <Stack gap="xs" data-ssh-keys>
      <Group justify="space-between">
        <Text fw={600} size="sm">
          SSH keys
        </Text>
        {canManage && !adding && (
          <Button size="compact-xs" variant="light" leftSection={<IconPlus size={14} />} onClick={() => setAdding(true)}>
            Add key
          </Button>
        )}
      </Group>
      {keys.data && (
        <Text size="xs" c="dimmed" ff="monospace" className="gh-break">
          {keys.data.path}
        </Text>
      )}
      {keys.isError && <ErrorAlert error={keys.error} title="Could not read the keys" onRetry={() => void keys.refetch()} />}
      {keys.isPending && host.online && <Text size="sm" c="dimmed">Reading…</Text>}
      {keys.data?.keys.length === 0 && <Text size="sm" c="dimmed">No authorized keys: this account cannot log in with SSH keys.</Text>}
      {keys.data?.keys.map((k) => (
        <Paper key={`${k.line}-${k.fingerprint}`} withBorder p="xs" radius="sm" data-key={k.fingerprint}>
          <Group justify="space-between" wrap="nowrap" align="flex-start" gap="xs">
            <Group gap="xs" wrap="nowrap" align="flex-start" style={{ minWidth: 0 }}>
              <IconKey size={16} style={{ flexShrink: 0, marginTop: 2 }} />
              <div style={{ minWidth: 0 }}>
                <Text size="xs" ff="monospace" className="gh-break" data-testid="key-fingerprint">
                  {k.fingerprint}
                </Text>
                <Group gap={6} mt={2}>
                  <Badge size="xs" variant="default" radius="sm" style={{ textTransform: 'none' }}>
                    {k.type.replace(/^ssh-/, '')}
                    {k.bits ? ` ${k.bits}` : ''}
                  </Badge>
                  <Text size="xs" c="dimmed" className="gh-truncate" maw={220} title={k.comment}>
                    {k.comment || 'no comment'}
                  </Text>
                </Group>
                {k.options && (
                  <Text size="xs" c="orange" ff="monospace" className="gh-break" mt={2}>
                    options: {k.options}
                  </Text>
                )}
              </div>
            </Group>
            {canManage &&
              (removing?.fingerprint === k.fingerprint ? (
                <Group gap={4} wrap="nowrap">
                  <Button size="compact-xs" variant="default" onClick={() => setRemoving(null)} disabled={remove.isPending}>
                    Keep
                  </Button>
                  <Button size="compact-xs" color="red" loading={remove.isPending} onClick={() => remove.mutate(k)}>
                    Remove
                  </Button>
                </Group>
              ) : (
                <Tooltip label="Remove this key">
                  <ActionIcon variant="subtle" color="red" aria-label={`Remove key ${k.fingerprint}`} onClick={() => setRemoving(k)}>
                    <IconTrash size={16} />
                  </ActionIcon>
                </Tooltip>
              ))}
          </Group>
        </Paper>
      ))}
      {adding && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (line.trim() && singleLine) add.mutate(line);
          }}
        >
          <Stack gap="xs">
            <Textarea
              label="Public key"
              description="One line as in id_ed25519.pub: type, key, comment"
              placeholder="ssh-ed25519 AAAAC3Nza… ops@laptop"
              value={line}
              onChange={(e) => setLine(e.currentTarget.value)}
              error={singleLine ? null : 'One key, on one line'}
              autosize
              minRows={2}
              maxRows={6}
              classNames={{ input: 'gh-mono-input' }}
              spellCheck={false}
              autoComplete="off"
              data-autofocus
            />
            {add.isError && <ErrorAlert error={add.error} title="The key was not added" />}
            <Group justify="flex-end" gap="xs">
              <Button size="xs" variant="default" onClick={() => { setAdding(false); add.reset(); }} disabled={add.isPending}>
                Cancel
              </Button>
              <Button size="xs" type="submit" loading={add.isPending} disabled={!line.trim() || !singleLine}>
                Add key
              </Button>
            </Group>
          </Stack>
        </form>
      )}
      {!canManage && keys.data && keys.data.keys.length > 0 && (
        <Alert variant="transparent" p={0}>
          <Code fz="xs">user.manage</Code> is needed to add or remove keys.
        </Alert>
      )}
    </Stack>
  );
}
