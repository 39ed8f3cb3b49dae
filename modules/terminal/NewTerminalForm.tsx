/**
 * "New terminal": a login shell as the Unix user typed (root unless changed), checked with the contract's
 * schema before anything is sent.
 */
import { useState } from 'react';
import { Autocomplete, Button, Group } from '@mantine/core';
import { IconTerminal2 } from '@tabler/icons-react';
import { unixUserSchema } from './contract.js';

export function NewTerminalForm({
  suggestions,
  disabled,
  disabledReason,
  onOpen,
}: {
  suggestions: readonly string[];
  disabled: boolean;
  disabledReason?: string;
  onOpen: (unixUser: string) => void;
}) {
  const [unixUser, setUnixUser] = useState('root');
  const [error, setError] = useState<string | null>(null);

  const submit = () => {
    const parsed = unixUserSchema.safeParse(unixUser.trim());
    if (!parsed.success) {
      setError('Not a valid Unix user name');
      return;
    }
    setError(null);
    onOpen(parsed.data);
  };

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <Group gap={6} wrap="nowrap" align="flex-start">
        <Autocomplete
          aria-label="Unix user"
          title="The Unix user the shell runs as"
          leftSection={<span aria-hidden>as</span>}
          leftSectionWidth={30}
          data={[...new Set(['root', ...suggestions])]}
          value={unixUser}
          onChange={(value) => {
            setUnixUser(value);
            if (error) setError(null);
          }}
          error={error}
          size="sm"
          w={150}
          classNames={{ input: 'gh-mono-input' }}
          autoComplete="off"
          spellCheck={false}
          maxLength={33}
          disabled={disabled}
        />
        <Button type="submit" leftSection={<IconTerminal2 size={16} />} disabled={disabled} title={disabled ? disabledReason : undefined}>
          New terminal
        </Button>
      </Group>
    </form>
  );
}
