/**
 * Setting up an authenticator app: the console makes a secret (shown as a QR code and as text to type), the person
 * enters a code from the app, and only then does the app count. Used on the account security page and in the
 * enrolment a login may require.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { Alert, Button, Code, Group, Image, Loader, Stack, Text, TextInput } from '@mantine/core';
import { IconShieldCheck } from '@tabler/icons-react';
import { describeError, ErrorAlert } from '../components/ErrorAlert.js';
import type { TotpEnrolment } from '../../../../modules/kernel/two-factor.js';

export function TotpSetup({ begin, confirm }: { begin: () => Promise<TotpEnrolment>; confirm: (code: string) => Promise<void> }) {
  const [enrolment, setEnrolment] = useState<TotpEnrolment | null>(null);
  const [beginError, setBeginError] = useState<unknown>(null);
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    begin().then(
      (made) => !cancelled && setEnrolment(made),
      (error: unknown) => !cancelled && setBeginError(error),
    );
    return () => {
      cancelled = true;
    };
    // Once per mount: each begin makes a new secret.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      await confirm(code);
    } catch (error) {
      const { code: problemCode, message } = describeError(error);
      setProblem(`${message} (${problemCode})`);
      setCode('');
    } finally {
      setBusy(false);
    }
  };

  if (beginError) return <ErrorAlert error={beginError} title="Could not start the set-up" />;
  if (!enrolment) return <Loader size="sm" aria-label="Making a secret" />;
  return (
    <form onSubmit={submit} aria-label="Set up an authenticator app">
      <Stack gap="sm">
        <Text size="sm">Scan the code with an authenticator app (FreeOTP, Aegis, Google Authenticator, 1Password…).</Text>
        <Group justify="center">
          <Image src={enrolment.qr} alt="QR code for the authenticator app" w={200} h={200} fit="contain" bg="white" p={4} radius="sm" />
        </Group>
        <Text size="sm">
          Or type this key into the app: <Code data-testid="totp-secret">{enrolment.secret}</Code>
        </Text>
        <TextInput
          label="Code from the app"
          name="code"
          autoComplete="one-time-code"
          inputMode="numeric"
          maxLength={7}
          value={code}
          onChange={(event) => setCode(event.currentTarget.value)}
          data-autofocus
        />
        {problem && (
          <Alert color="red" variant="light" p="xs" role="alert">
            {problem}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button type="submit" loading={busy} disabled={code.replace(/\s/g, '').length !== 6} leftSection={<IconShieldCheck size={16} />}>
            Turn on
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
