/**
 * "Add host → Over SSH": where the server is, its host key read and shown for the administrator to compare,
 * then how the console signs in. Loaded on demand (it checks the request with the kernel's zod schema).
 */
import { useState, type ReactNode } from 'react';
import {
  Button,
  FileButton,
  Group,
  NumberInput,
  PasswordInput,
  SegmentedControl,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { IconFileUpload, IconServer2 } from '@tabler/icons-react';
import { sshRegisterRequestSchema } from '../../../../../modules/kernel/console-api.js';
import { isApiError } from '../../api.js';
import { fieldOfPath, fieldOfProblem, sentence, type AuthKind, type RegisterField as Field } from '../../ssh/registerFields.js';
import { registerSshHost, scanHostKey } from '../../ssh/sshApi.js';
import type { Host, SshRegisterRequest, SshScanResult } from '../../types.js';
import { ErrorAlert } from '../ErrorAlert.js';
import { HostKeyCheck } from './HostKeyCheck.js';

type FieldErrors = Partial<Record<Field, string>>;

/** A key pasted or loaded is at most this long (the request schema's own bound). */
const maxKeyLength = 16_384;

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Stack gap="xs" component="section" aria-label={title}>
      <Title order={5} fz="sm" c="dimmed" tt="uppercase" fw={650}>
        {title}
      </Title>
      {children}
    </Stack>
  );
}

export default function SshRegisterForm({ onCancel, onRegistered }: { onCancel: () => void; onRegistered: (host: Host) => void }) {
  const [name, setName] = useState('');
  const [address, setAddress] = useState('');
  const [port, setPort] = useState<number | string>(22);
  const [username, setUsername] = useState('root');
  const [authKind, setAuthKind] = useState<AuthKind>('key');
  const [privateKey, setPrivateKey] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  /** The key presented when it was checked, and for which address and port. */
  const [scanned, setScanned] = useState<{ address: string; port: number; result: SshScanResult } | null>(null);
  /** The server presented another key at registration than the one checked. */
  const [keyChanged, setKeyChanged] = useState<string | null>(null);

  const target = { address: address.trim(), port: typeof port === 'number' ? port : Number(port) };
  const keyChecked = scanned !== null && scanned.address === target.address && scanned.port === target.port ? scanned.result : null;

  const setError = (field: Field, message: string | undefined) => setErrors((previous) => ({ ...previous, [field]: message }));
  const clearError = (field: Field) => errors[field] && setError(field, undefined);

  const scan = useMutation({
    mutationFn: () => scanHostKey(target),
    onSuccess: (result) => {
      setScanned({ ...target, result });
      setKeyChanged(null);
    },
    onError: (error) => {
      if (isApiError(error, 'unreachable') || isApiError(error, 'timeout')) setError('address', sentence(error.message));
      else if (isApiError(error, 'invalid-params')) {
        const problem = fieldOfProblem(error.message, authKind);
        if (problem) setError(problem.field, problem.message);
      }
    },
  });

  const register = useMutation({
    mutationFn: registerSshHost,
    onSuccess: onRegistered,
    onError: (error) => {
      if (!isApiError(error)) return;
      switch (error.code) {
        case 'host-key-changed':
          setKeyChanged(error.message);
          setScanned(null);
          break;
        case 'ssh-auth-failed':
          setError(authKind === 'key' ? 'privateKey' : 'password', sentence(error.message));
          break;
        case 'unreachable':
        case 'timeout':
          setError('address', sentence(error.message));
          break;
        case 'exists':
          // The same user, address and port are registered already.
          setError('address', sentence(error.message));
          break;
        case 'invalid-params': {
          const problem = fieldOfProblem(error.message, authKind);
          if (problem) setError(problem.field, problem.message);
          break;
        }
      }
    },
  });

  /** The general error, for what no field explains. */
  const scanProblem =
    scan.isError &&
    !isApiError(scan.error, 'unreachable') &&
    !isApiError(scan.error, 'timeout') &&
    !(isApiError(scan.error, 'invalid-params') && fieldOfProblem(scan.error.message, authKind))
      ? scan.error
      : null;
  const registerProblem =
    register.isError &&
    !['host-key-changed', 'ssh-auth-failed', 'unreachable', 'timeout', 'exists'].some((code) => isApiError(register.error, code)) &&
    !(isApiError(register.error, 'invalid-params') && fieldOfProblem(register.error.message, authKind))
      ? register.error
      : null;

  const checkTarget = (): boolean => {
    const found: FieldErrors = {};
    if (target.address === '') found.address = 'The server’s name or IP address';
    if (!Number.isInteger(target.port) || target.port < 1 || target.port > 65535) found.port = 'A port from 1 to 65535';
    setErrors((previous) => ({ ...previous, address: found.address, port: found.port }));
    return !found.address && !found.port;
  };

  const submit = () => {
    if (!keyChecked) return;
    const request: SshRegisterRequest = {
      name: name.trim(),
      address: target.address,
      port: target.port,
      username: username.trim(),
      hostKeyFingerprint: keyChecked.hostKeyFingerprint,
      auth:
        authKind === 'key'
          ? { kind: 'key', privateKey: privateKey.trim() + '\n', ...(passphrase ? { passphrase } : {}) }
          : { kind: 'password', password },
    };
    const found: FieldErrors = {};
    if (request.name === '') found.name = 'Give the host a name, as it is to appear in the host list';
    if (authKind === 'key' && privateKey.trim() === '') found.privateKey = 'Paste the private key, or load it from a file';
    if (authKind === 'password' && password === '') found.password = `The password of ${request.username || 'the user'}`;
    const parsed = sshRegisterRequestSchema.safeParse(request);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = fieldOfPath(issue.path.join('.'), authKind);
        if (field && !found[field]) found[field] = sentence(issue.message);
      }
    }
    setErrors(found);
    if (Object.values(found).some(Boolean)) return;
    register.mutate(request);
  };

  const loadKeyFile = (file: File | null) => {
    if (!file) return;
    if (file.size > maxKeyLength) {
      setError('privateKey', 'That file is too large to be a private key');
      return;
    }
    void file.text().then((text) => {
      setPrivateKey(text);
      clearError('privateKey');
    });
  };

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
      noValidate
    >
      <Stack gap="lg">
        <Text size="sm">
          For a server without the agent: the console opens a shell over SSH when you ask for a terminal. You can
          install the agent over SSH later.
        </Text>

        <Section title="Server">
          <TextInput
            label="Name"
            description="How the host is shown in Gatehouse."
            placeholder="e.g. backup-01"
            required
            maxLength={100}
            value={name}
            onChange={(event) => {
              setName(event.currentTarget.value);
              clearError('name');
            }}
            error={errors.name}
            data-autofocus
          />
          {/* In ssh's own order: user@address:port. */}
          <Group gap="sm" align="flex-start" wrap="nowrap">
            <TextInput
              label="User"
              required
              maxLength={32}
              value={username}
              onChange={(event) => {
                setUsername(event.currentTarget.value);
                clearError('username');
              }}
              error={errors.username}
              classNames={{ input: 'gh-mono-input' }}
              autoComplete="off"
              spellCheck={false}
              w={{ base: 100, xs: 140 }}
              style={{ flexShrink: 0 }}
            />
            <TextInput
              label="Address"
              placeholder="host name or IP address"
              required
              maxLength={253}
              value={address}
              onChange={(event) => {
                setAddress(event.currentTarget.value);
                clearError('address');
              }}
              error={errors.address}
              classNames={{ input: 'gh-mono-input' }}
              autoComplete="off"
              spellCheck={false}
              style={{ flexGrow: 1, minWidth: 0 }}
            />
            <NumberInput
              label="Port"
              required
              min={1}
              max={65535}
              allowDecimal={false}
              allowNegative={false}
              hideControls
              value={port}
              onChange={(value) => {
                setPort(value);
                clearError('port');
              }}
              error={errors.port}
              classNames={{ input: 'gh-mono-input' }}
              w={80}
              style={{ flexShrink: 0 }}
            />
          </Group>
          <Text size="xs" c="dimmed" mt={-4}>
            The console signs in as this user, and terminals on the host run as this user.
          </Text>
        </Section>

        <Section title="Host key">
          <HostKeyCheck
            checked={keyChecked}
            changedMessage={keyChanged}
            checking={scan.isPending}
            onCheck={() => checkTarget() && scan.mutate()}
          />
          {scanProblem && <ErrorAlert error={scanProblem} title="Could not read the host key" />}
        </Section>

        <Section title="Authentication">
          <SegmentedControl
            aria-label="How the console signs in"
            data={[
              { value: 'key', label: 'Private key' },
              { value: 'password', label: 'Password (used once)' },
            ]}
            value={authKind}
            onChange={(value) => setAuthKind(value as AuthKind)}
            w={{ base: '100%', xs: 340 }}
          />
          {authKind === 'key' ? (
            <>
              <Textarea
                label="Private key"
                description="OpenSSH or PEM. The console keeps it encrypted and never shows it again."
                placeholder={'-----BEGIN OPENSSH PRIVATE KEY-----\n…\n-----END OPENSSH PRIVATE KEY-----'}
                autosize
                minRows={4}
                maxRows={10}
                value={privateKey}
                onChange={(event) => {
                  setPrivateKey(event.currentTarget.value);
                  clearError('privateKey');
                }}
                error={errors.privateKey}
                maxLength={maxKeyLength}
                spellCheck={false}
                autoComplete="off"
                styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 12 } }}
              />
              <Group gap="sm" align="flex-end" wrap="wrap">
                <FileButton onChange={loadKeyFile}>
                  {(props) => (
                    <Button {...props} variant="default" size="xs" leftSection={<IconFileUpload size={14} />}>
                      Load from file…
                    </Button>
                  )}
                </FileButton>
              </Group>
              <PasswordInput
                label="Passphrase"
                description="Only if the key has one."
                value={passphrase}
                onChange={(event) => {
                  setPassphrase(event.currentTarget.value);
                  clearError('passphrase');
                }}
                error={errors.passphrase}
                autoComplete="off"
                maxLength={1024}
                w={{ base: '100%', xs: 340 }}
              />
            </>
          ) : (
            <PasswordInput
              label={`Password of ${username.trim() || 'the user'}`}
              description="Used once to add the console’s own key to the user’s authorized_keys; it is not stored."
              value={password}
              onChange={(event) => {
                setPassword(event.currentTarget.value);
                clearError('password');
              }}
              error={errors.password}
              autoComplete="off"
              maxLength={1024}
              w={{ base: '100%', xs: 340 }}
            />
          )}
        </Section>

        {registerProblem && <ErrorAlert error={registerProblem} title="Could not register the host" />}
        <Group justify="flex-end" gap="sm">
          {!keyChecked && (
            <Text size="sm" c="dimmed" mr="auto">
              Check the host key first.
            </Text>
          )}
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" leftSection={<IconServer2 size={16} />} loading={register.isPending} disabled={!keyChecked}>
            Register host
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
