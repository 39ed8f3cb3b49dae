import { useEffect, useState } from 'react';
import { Button, Checkbox, Group, Modal, MultiSelect, NumberInput, PasswordInput, Select, Stack, TextInput } from '@mantine/core';
import { ErrorAlert } from '../../console/web/src/components/ErrorAlert.js';
import type { UserAccount } from './contract.js';
import { accountNamePattern } from './names-pattern.js';

export interface UserFormValues {
  name: string;
  comment: string;
  shell: string;
  home: string;
  moveHome: boolean;
  createHome: boolean;
  primaryGroup: string;
  groups: string[];
  uid: number | '';
  password: string;
}

const blank: UserFormValues = {
  name: '',
  comment: '',
  shell: '',
  home: '',
  moveHome: true,
  createHome: true,
  primaryGroup: '',
  groups: [],
  uid: '',
  password: '',
};

/**
 * New account, or changes to one. The same rules as the contract show beside the fields as the operator types;
 * the agent checks them again.
 */
export function UserFormDialog({
  opened,
  user,
  shells,
  groups,
  busy,
  error,
  onSubmit,
  onClose,
}: {
  opened: boolean;
  /** The account being edited; null for a new one. */
  user: UserAccount | null;
  shells: string[];
  groups: string[];
  busy: boolean;
  error: unknown;
  onSubmit: (values: UserFormValues) => void;
  onClose: () => void;
}) {
  const [values, setValues] = useState<UserFormValues>(blank);
  useEffect(() => {
    if (!opened) return;
    setValues(
      user
        ? { ...blank, name: user.name, comment: user.comment, shell: user.shell, home: user.home, primaryGroup: user.group, groups: user.groups }
        : { ...blank, shell: shells.includes('/bin/bash') ? '/bin/bash' : (shells[0] ?? '') },
    );
  }, [opened, user, shells]);
  const set = <K extends keyof UserFormValues>(key: K, value: UserFormValues[K]) => setValues((v) => ({ ...v, [key]: value }));

  const nameError =
    values.name === '' || user
      ? null
      : values.name.length > 32
        ? 'At most 32 characters'
        : !accountNamePattern.test(values.name)
          ? 'Lower-case letters, digits, _ and -; start with a letter or _'
          : null;
  const commentError = /[:\n]/.test(values.comment) ? 'No ":" or line breaks' : null;
  const homeError = values.home !== '' && !/^(\/[A-Za-z0-9._-]+)+$/.test(values.home) ? 'An absolute path of letters, digits, ".", "_", "-"' : null;
  const valid = values.name !== '' && !nameError && !commentError && !homeError;
  const homeChanged = user !== null && values.home !== user.home;

  return (
    <Modal opened={opened} onClose={onClose} title={user ? `Edit ${user.name}` : 'New user'} size="lg">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (valid) onSubmit(values);
        }}
      >
        <Stack gap="sm">
          {!user && (
            <TextInput
              label="User name"
              description="Lower-case letters, digits, _ and -; at most 32"
              value={values.name}
              onChange={(e) => set('name', e.currentTarget.value)}
              error={nameError}
              classNames={{ input: 'gh-mono-input' }}
              autoComplete="off"
              spellCheck={false}
              required
              data-autofocus
            />
          )}
          <TextInput
            label="Full name or comment"
            value={values.comment}
            onChange={(e) => set('comment', e.currentTarget.value)}
            error={commentError}
            autoComplete="off"
            data-autofocus={user ? true : undefined}
          />
          <Group grow align="flex-start">
            <Select
              label="Login shell"
              data={[...new Set([...shells, ...(values.shell ? [values.shell] : [])])]}
              value={values.shell || null}
              onChange={(value) => set('shell', value ?? '')}
              placeholder="Host default"
              clearable={!user}
              allowDeselect={false}
              classNames={{ input: 'gh-mono-input' }}
            />
            <Select
              label="Primary group"
              data={groups}
              value={values.primaryGroup || null}
              onChange={(value) => set('primaryGroup', value ?? '')}
              placeholder={user ? undefined : 'Own new group'}
              searchable
              clearable={!user}
              allowDeselect={false}
            />
          </Group>
          <MultiSelect
            label="Other groups"
            description="Membership gives the rights of the group: sudo and adm are administrative."
            data={groups}
            value={values.groups}
            onChange={(value) => set('groups', value)}
            searchable
            clearable
            hidePickedOptions
          />
          <TextInput
            label="Home directory"
            placeholder={user ? undefined : `/home/${values.name || 'name'}`}
            value={values.home}
            onChange={(e) => set('home', e.currentTarget.value)}
            error={homeError}
            classNames={{ input: 'gh-mono-input' }}
            autoComplete="off"
            spellCheck={false}
          />
          {user ? (
            homeChanged && (
              <Checkbox
                label={`Move the contents of ${user.home} to the new home`}
                checked={values.moveHome}
                onChange={(e) => set('moveHome', e.currentTarget.checked)}
              />
            )
          ) : (
            <>
              <Group grow align="flex-start">
                <NumberInput label="UID" description="Empty: the next free one" placeholder="auto" min={1} max={60000} value={values.uid} onChange={(v) => set('uid', typeof v === 'number' ? v : '')} allowDecimal={false} />
                <PasswordInput
                  label="Password"
                  description="Leave empty to keep password login locked"
                  value={values.password}
                  onChange={(e) => set('password', e.currentTarget.value)}
                  autoComplete="new-password"
                />
              </Group>
              <Checkbox label="Create the home directory" checked={values.createHome} onChange={(e) => set('createHome', e.currentTarget.checked)} />
            </>
          )}
          {error !== null && error !== undefined && <ErrorAlert error={error} title={user ? 'Could not save the changes' : 'Could not create the user'} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} disabled={busy}>
              Cancel
            </Button>
            <Button type="submit" loading={busy} disabled={!valid}>
              {user ? 'Save' : 'Create user'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
