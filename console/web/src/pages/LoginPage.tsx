import { useEffect, useState, type FormEvent } from 'react';
import { Alert, Box, Button, Center, Group, Paper, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { IconAlertCircle, IconClockPause, IconLock } from '@tabler/icons-react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { isApiError } from '../api.js';
import { Brand } from '../components/Brand.js';
import { describeError } from '../components/ErrorAlert.js';
import { formatDuration } from '../format.js';
import { safeNext, useSession, type SignInStep } from '../session.js';
import { LoginEnrolment } from '../two-factor/LoginEnrolment.js';
import { SecondFactorForm } from '../two-factor/SecondFactorForm.js';
import type { User } from '../types.js';

type Problem =
  | { kind: 'missing' }
  | { kind: 'credentials' }
  | { kind: 'rate-limited'; until: number }
  | { kind: 'other'; code: string; message: string };

function useSecondsUntil(until: number | undefined): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (until === undefined) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [until]);
  return until === undefined ? 0 : Math.max(0, Math.ceil((until - now) / 1000));
}

/** "42 s" under a minute, else whole minutes rounded up ("15 min"), so the wait is never understated. */
function formatWait(seconds: number): string {
  return seconds < 60 ? `${seconds} s` : formatDuration(Math.ceil(seconds / 60) * 60);
}

function ProblemText({ problem, waitSeconds }: { problem: Problem; waitSeconds: number }) {
  switch (problem.kind) {
    case 'missing':
      return <>Enter your username and password.</>;
    case 'credentials':
      return <>Wrong username or password.</>;
    case 'rate-limited':
      return waitSeconds > 0 ? (
        <>Too many failed sign-ins. Try again in {formatWait(waitSeconds)}.</>
      ) : (
        <>Too many failed sign-ins. You can try again now.</>
      );
    case 'other':
      return (
        <>
          {problem.message} ({problem.code})
        </>
      );
  }
}

export function LoginPage() {
  const { state, signIn, completeSignIn } = useSession();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const next = safeNext(params.get('next'));
  const expired = params.get('expired') === '1';

  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  /** A second step the console asked for after a right password (no session yet). */
  const [pending, setPending] = useState<Exclude<SignInStep, { kind: 'signed-in' }> | null>(null);
  const waitSeconds = useSecondsUntil(problem?.kind === 'rate-limited' ? problem.until : undefined);

  if (state.status === 'signed-in' && !submitting) return <Navigate to={next} replace />;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (username.trim() === '' || password === '') {
      setProblem({ kind: 'missing' });
      return;
    }
    setSubmitting(true);
    setProblem(null);
    try {
      const step = await signIn(username, password);
      setPassword('');
      if (step.kind === 'signed-in') navigate(next, { replace: true });
      else setPending(step);
    } catch (error) {
      setPassword('');
      if (isApiError(error, 'unauthorized')) setProblem({ kind: 'credentials' });
      else if (isApiError(error, 'rate-limited'))
        setProblem({ kind: 'rate-limited', until: Date.now() + (error.retryAfterSeconds ?? 60) * 1000 });
      else setProblem({ kind: 'other', ...describeError(error) });
    } finally {
      setSubmitting(false);
    }
  };

  const blocked = problem?.kind === 'rate-limited' && waitSeconds > 0;
  const signedIn = (user: User) => {
    completeSignIn(user);
    navigate(next, { replace: true });
  };

  return (
    <Center mih="100dvh" p="md" bg="var(--mantine-color-gray-light)">
      <Box w="100%" maw={400}>
        <Stack gap={6} align="center" mb="lg">
          <Brand size="lg" />
          <Text c="dimmed" size="sm" ta="center">
            Remote administration for Linux servers and water-treatment gateways.
          </Text>
        </Stack>

        <Paper withBorder shadow="sm" p="xl" radius="md">
          {pending?.kind === 'second-factor' && (
            <SecondFactorForm ticket={pending.ticket} methods={pending.methods} onSignedIn={signedIn} onRestart={() => setPending(null)} />
          )}
          {pending?.kind === 'enrolment' && <LoginEnrolment ticket={pending.ticket} onSignedIn={signedIn} />}
          <form onSubmit={submit} noValidate aria-label="Sign in" hidden={pending !== null}>
            <Stack gap="md">
              {expired && (
                <Alert variant="light" color="yellow" icon={<IconClockPause size={18} />} p="xs">
                  Your session has ended. Sign in again to continue where you left off.
                </Alert>
              )}
              <TextInput
                label="Username"
                name="username"
                autoComplete="username"
                autoCapitalize="none"
                spellCheck={false}
                autoFocus
                value={username}
                onChange={(event) => setUsername(event.currentTarget.value)}
              />
              <PasswordInput
                label="Password"
                name="password"
                autoComplete="current-password"
                // Mantine's default label names "password", which would make the field's own label ambiguous.
                visibilityToggleButtonProps={{ 'aria-label': 'Show or hide the characters' }}
                value={password}
                onChange={(event) => setPassword(event.currentTarget.value)}
              />
              {/* Always present and of fixed height, so a message appearing moves nothing. */}
              <Box mih={40} role="alert" aria-live="assertive">
                {problem && (
                  <Group gap={6} wrap="nowrap" align="flex-start" c="red.7">
                    <IconAlertCircle size={18} style={{ flexShrink: 0, marginTop: 1 }} aria-hidden />
                    <Text size="sm" c="red.7" data-testid="login-error">
                      <ProblemText problem={problem} waitSeconds={waitSeconds} />
                    </Text>
                  </Group>
                )}
              </Box>
              <Button
                type="submit"
                fullWidth
                loading={submitting}
                disabled={blocked}
                leftSection={<IconLock size={16} />}
              >
                Sign in
              </Button>
            </Stack>
          </form>
        </Paper>
        <Text c="dimmed" size="xs" ta="center" mt="md">
          Sign-ins and every action after them are recorded in the audit log.
        </Text>
      </Box>
    </Center>
  );
}
