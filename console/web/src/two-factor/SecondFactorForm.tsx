/**
 * The second step of a login: a code from the authenticator app, a security key, or a recovery code, whichever the
 * account has. Holds the console's login ticket, never the password.
 */
import { useState, type FormEvent } from 'react';
import { Anchor, Button, Divider, Group, Stack, Text, TextInput } from '@mantine/core';
import { IconKey, IconShieldLock } from '@tabler/icons-react';
import { api, isApiError } from '../api.js';
import { describeError } from '../components/ErrorAlert.js';
import type { User } from '../types.js';
import type { SecondFactorMethod } from '../../../../modules/kernel/two-factor.js';
import { answerAuthentication, describePasskeyError, passkeysSupported } from './passkeys.js';

interface Props {
  ticket: string;
  methods: SecondFactorMethod[];
  onSignedIn: (user: User) => void;
  /** Back to the password (the ticket expired or was used up). */
  onRestart: () => void;
}

export function SecondFactorForm({ ticket, methods, onSignedIn, onRestart }: Props) {
  const [mode, setMode] = useState<'totp' | 'recovery'>(methods.includes('totp') ? 'totp' : 'recovery');
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const canType = methods.includes('totp') || methods.includes('recovery');

  const send = async (proof: Record<string, unknown>) => {
    setBusy(true);
    setProblem(null);
    try {
      const { user } = await api.post<{ user: User }>('/api/session/second-factor', { ticket, ...proof }, { expectUnauthorized: true });
      onSignedIn(user);
    } catch (error) {
      setCode('');
      if (isApiError(error, 'rate-limited')) setProblem(`Too many wrong codes. Try again in ${error.retryAfterSeconds ?? 60} s.`);
      else setProblem(describePasskeyError(error) ?? describeError(error).message);
    } finally {
      setBusy(false);
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void send(mode === 'totp' ? { totp: code } : { recoveryCode: code });
  };

  const useSecurityKey = async () => {
    setBusy(true);
    setProblem(null);
    try {
      const options = await api.post<unknown>('/api/session/second-factor/webauthn-options', { ticket }, { expectUnauthorized: true });
      const response = await answerAuthentication(options);
      await send({ webauthn: response });
    } catch (error) {
      setProblem(describePasskeyError(error) ?? describeError(error).message);
      setBusy(false);
    }
  };

  return (
    <Stack gap="md">
      <Text size="sm">Your password was right. Now prove it is you with your second factor.</Text>
      {canType && (
        <form onSubmit={submit} noValidate aria-label="Second factor">
          <Stack gap="sm">
            {mode === 'totp' ? (
              <TextInput
                key="totp"
                label="Code from your authenticator app"
                name="totp"
                autoComplete="one-time-code"
                inputMode="numeric"
                maxLength={7}
                autoFocus
                value={code}
                onChange={(event) => setCode(event.currentTarget.value)}
              />
            ) : (
              <TextInput
                key="recovery"
                label="Recovery code"
                name="recovery-code"
                autoComplete="off"
                autoCapitalize="none"
                spellCheck={false}
                autoFocus
                value={code}
                onChange={(event) => setCode(event.currentTarget.value)}
              />
            )}
            <Button type="submit" fullWidth loading={busy} disabled={code.trim() === ''} leftSection={<IconShieldLock size={16} />}>
              Verify
            </Button>
          </Stack>
        </form>
      )}
      {methods.includes('webauthn') && (
        <>
          {canType && <Divider label="or" labelPosition="center" />}
          <Button variant={canType ? 'default' : 'filled'} fullWidth onClick={() => void useSecurityKey()} disabled={busy || !passkeysSupported()} leftSection={<IconKey size={16} />}>
            Use a security key
          </Button>
        </>
      )}
      <Text size="sm" c="red.7" role="alert" aria-live="assertive" mih={20} data-testid="second-factor-error">
        {problem}
      </Text>
      <Group justify="space-between">
        {methods.includes('recovery') && methods.includes('totp') ? (
          <Anchor component="button" type="button" size="sm" onClick={() => { setMode(mode === 'totp' ? 'recovery' : 'totp'); setCode(''); setProblem(null); }}>
            {mode === 'totp' ? 'Use a recovery code' : 'Use the authenticator app'}
          </Anchor>
        ) : (
          <span />
        )}
        <Anchor component="button" type="button" size="sm" c="dimmed" onClick={onRestart}>
          Start again
        </Anchor>
      </Group>
    </Stack>
  );
}
