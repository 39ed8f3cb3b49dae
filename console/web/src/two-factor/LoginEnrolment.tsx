/**
 * The enrolment a login walks through when the person's role requires two-factor login and they have no second
 * factor yet: an authenticator app or a security key, then the recovery codes, then the session. There is no way
 * past it but through it.
 */
import { useState } from 'react';
import { Alert, Button, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { IconKey } from '@tabler/icons-react';
import { api } from '../api.js';
import { describeError } from '../components/ErrorAlert.js';
import type { User } from '../types.js';
import type { TotpEnrolment } from '../../../../modules/kernel/two-factor.js';
import { answerRegistration, describePasskeyError, passkeysSupported } from './passkeys.js';
import { RecoveryCodes } from './RecoveryCodes.js';
import { TotpSetup } from './TotpSetup.js';

interface Enrolled {
  user: User;
  recoveryCodes: string[];
}

export function LoginEnrolment({ ticket, onSignedIn }: { ticket: string; onSignedIn: (user: User) => void }) {
  const [kind, setKind] = useState<'app' | 'key'>('app');
  const [done, setDone] = useState<Enrolled | null>(null);
  const [keyName, setKeyName] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  if (done) {
    return (
      <Stack gap="md">
        {done.recoveryCodes.length > 0 && <RecoveryCodes codes={done.recoveryCodes} />}
        <Button fullWidth onClick={() => onSignedIn(done.user)}>
          I have kept the codes; continue
        </Button>
      </Stack>
    );
  }

  const addKey = async () => {
    setBusy(true);
    setProblem(null);
    try {
      const options = await api.post<unknown>('/api/session/enrolment/webauthn-options', { ticket }, { expectUnauthorized: true });
      const response = await answerRegistration(options);
      setDone(await api.post<Enrolled>('/api/session/enrolment/webauthn', { ticket, name: keyName.trim(), response }, { expectUnauthorized: true }));
    } catch (error) {
      setProblem(describePasskeyError(error) ?? describeError(error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Stack gap="md">
      <Alert variant="light" color="blue" p="xs" title="Set up a second factor">
        Your role requires two-factor login. Set up an authenticator app or a security key to continue.
      </Alert>
      <SegmentedControl
        fullWidth
        value={kind}
        onChange={(value) => setKind(value as 'app' | 'key')}
        data={[
          { value: 'app', label: 'Authenticator app' },
          { value: 'key', label: 'Security key' },
        ]}
      />
      {kind === 'app' ? (
        <TotpSetup
          begin={() => api.post<TotpEnrolment>('/api/session/enrolment/totp', { ticket }, { expectUnauthorized: true })}
          confirm={async (code) => setDone(await api.post<Enrolled>('/api/session/enrolment/totp/confirm', { ticket, code }, { expectUnauthorized: true }))}
        />
      ) : (
        <Stack gap="sm">
          <TextInput label="Name of the key" placeholder="e.g. blue YubiKey" maxLength={64} value={keyName} onChange={(event) => setKeyName(event.currentTarget.value)} />
          <Button onClick={() => void addKey()} loading={busy} disabled={keyName.trim() === '' || !passkeysSupported()} leftSection={<IconKey size={16} />}>
            Register the key
          </Button>
          {problem && (
            <Text size="sm" c="red.7" role="alert">
              {problem}
            </Text>
          )}
        </Stack>
      )}
    </Stack>
  );
}
