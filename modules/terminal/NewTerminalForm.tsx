/**
 * "New terminal": a login shell as a Unix user the operator's role allows (`SessionUser.terminalUsers`), checked
 * with the contract's schema before anything is sent. The console checks again; the form only offers what it
 * would accept. Over SSH there is no choice: the shell runs as the user the host was registered with.
 */
import { useState } from 'react';
import { Autocomplete, Button, Group, Select, Text } from '@mantine/core';
import { IconLock, IconTerminal2 } from '@tabler/icons-react';
import { unixUserSchema } from './contract.js';

/** What the form can offer, from the Unix users the role allows (`*` for any) and, over SSH, the fixed user. */
export type TerminalUserChoice =
  /** The role may open terminals as no one. */
  | { kind: 'none' }
  /** Any user: typed, checked as a Unix user name; `named` are the users the role lists besides `*`. */
  | { kind: 'any'; initial: string; named: readonly string[] }
  /** Only these users: chosen from the list. */
  | { kind: 'list'; users: readonly string[]; initial: string }
  /** Over SSH, as the registered user, which the role allows. */
  | { kind: 'ssh'; user: string }
  /** Over SSH, as a user the role does not allow. */
  | { kind: 'ssh-refused'; user: string; users: readonly string[] };

export function terminalUserChoice(allowed: readonly string[], sshUser: string | null): TerminalUserChoice {
  if (allowed.length === 0) return { kind: 'none' };
  const any = allowed.includes('*');
  if (sshUser !== null) return any || allowed.includes(sshUser) ? { kind: 'ssh', user: sshUser } : { kind: 'ssh-refused', user: sshUser, users: allowed };
  if (any) return { kind: 'any', initial: 'root', named: allowed.filter((user) => user !== '*') };
  return { kind: 'list', users: allowed, initial: allowed.includes('root') ? 'root' : allowed[0]! };
}

/** Why no new terminal can be opened here, in a title and a sentence; null when one can. */
export function terminalRefusal(choice: TerminalUserChoice, role: string): { title: string; detail: string } | null {
  switch (choice.kind) {
    case 'none':
      return {
        title: 'Your role may not open terminals',
        detail: `Your role (${role}) is not allowed to open a shell as any Unix user. Ask an administrator if you need terminals.`,
      };
    case 'ssh-refused':
      return {
        title: 'Your role may not open a terminal on this host',
        detail: `This host is reached over SSH as ${choice.user}; your role (${role}) may open terminals only as ${choice.users.join(', ')}.`,
      };
    default:
      return null;
  }
}

export function NewTerminalForm({
  choice,
  role,
  suggestions,
  disabled,
  disabledReason,
  onOpen,
}: {
  choice: TerminalUserChoice;
  /** The operator's role, to say why a terminal is refused. */
  role: string;
  /** Users the operator opened shells as before (free entry only). */
  suggestions: readonly string[];
  disabled: boolean;
  disabledReason?: string;
  onOpen: (unixUser: string) => void;
}) {
  const [typed, setTyped] = useState(choice.kind === 'any' || choice.kind === 'list' ? choice.initial : '');
  const [error, setError] = useState<string | null>(null);

  if (choice.kind === 'none' || choice.kind === 'ssh-refused') {
    const refusal = terminalRefusal(choice, role)!;
    // Beside the open terminals: one quiet line, the full reason on hover.
    return (
      <Group gap={6} wrap="nowrap" mih={36} c="dimmed" title={refusal.detail} data-terminal-refused={choice.kind}>
        <IconLock size={16} style={{ flexShrink: 0 }} aria-hidden />
        <Text size="sm" c="dimmed">
          {refusal.title}
        </Text>
      </Group>
    );
  }

  // A listed user the role no longer has (the list changed) falls back to the default.
  const unixUser = choice.kind === 'list' && !choice.users.includes(typed) ? choice.initial : typed;

  const submit = () => {
    if (choice.kind === 'ssh') {
      onOpen(choice.user);
      return;
    }
    const parsed = unixUserSchema.safeParse(unixUser.trim());
    if (!parsed.success) {
      setError('Not a valid Unix user name');
      return;
    }
    setError(null);
    onOpen(parsed.data);
  };

  const shared = {
    'aria-label': 'Unix user',
    title: 'The Unix user the shell runs as',
    leftSection: <span aria-hidden>as</span>,
    leftSectionWidth: 30,
    size: 'sm',
    w: 150,
    classNames: { input: 'gh-mono-input' },
    disabled,
  } as const;

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <Group gap={choice.kind === 'ssh' ? 'sm' : 6} wrap="nowrap" align={choice.kind === 'ssh' ? 'center' : 'flex-start'}>
        {choice.kind === 'ssh' ? (
          <Text size="sm" c="dimmed" style={{ whiteSpace: 'nowrap' }} data-ssh-user>
            as{' '}
            <Text span ff="monospace" size="sm" c="var(--mantine-color-text)">
              {choice.user}
            </Text>{' '}
            over SSH
          </Text>
        ) : choice.kind === 'list' ? (
          <Select
            {...shared}
            data={[...choice.users]}
            value={unixUser}
            onChange={(value) => value !== null && setTyped(value)}
            allowDeselect={false}
            searchable={choice.users.length > 8}
            comboboxProps={{ width: 'target', withinPortal: true }}
            data-terminal-users="list"
          />
        ) : (
          <Autocomplete
            {...shared}
            data={[...new Set(['root', ...choice.named, ...suggestions])]}
            value={unixUser}
            onChange={(value) => {
              setTyped(value);
              if (error) setError(null);
            }}
            error={error}
            autoComplete="off"
            spellCheck={false}
            maxLength={33}
            data-terminal-users="any"
          />
        )}
        <Button type="submit" leftSection={<IconTerminal2 size={16} />} disabled={disabled} title={disabled ? disabledReason : undefined}>
          New terminal
        </Button>
      </Group>
    </form>
  );
}
