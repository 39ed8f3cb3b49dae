/**
 * The Power tab: reboot or shut down now or at a time, each behind a typed confirmation of the host's name;
 * a banner, with Cancel, while one is scheduled. Only those holding power.control see the controls.
 */
import { useState } from 'react';
import { Alert, Button, Card, Group, NumberInput, SegmentedControl, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IconClockPause, IconPower, IconRefresh } from '@tabler/icons-react';
import type { z } from 'zod';
import { apiCall } from '../../console/web/src/api.js';
import { describeError, ErrorAlert } from '../../console/web/src/components/ErrorAlert.js';
import { RelativeTime } from '../../console/web/src/components/RelativeTime.js';
import { formatDateTime } from '../../console/web/src/format.js';
import { useUser } from '../../console/web/src/session.js';
import type { ModulePageMeta, ModulePageProps } from '../../console/web/src/types.js';
import type { contract, PowerAction } from './contract.js';
import { actionWords, PowerDialog, ScheduledText, whenInWords, type PowerRequest } from './PowerDialog.js';
import { maxDelayMinutes, parseWhen } from './when.js';

// The title matches contract.title; a literal keeps zod (a type-only import here) out of the web bundle.
export const meta: ModulePageMeta = { title: 'Power', order: 90 };

type StatusResult = z.output<typeof contract.methods.status.result>;
type ActionResult = z.output<typeof contract.methods.reboot.result>;
type CancelResult = z.output<typeof contract.methods.cancel.result>;

type WhenChoice = 'now' | 'in' | 'at';

/** `YYYY-MM-DDTHH:MM` in the browser's zone, as a datetime-local input wants it. */
function localInputValue(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function ActionCard({ action, onRequest, disabled }: { action: PowerAction; onRequest: (request: PowerRequest) => void; disabled: boolean }) {
  const words = actionWords[action];
  const [choice, setChoice] = useState<WhenChoice>('now');
  const [minutes, setMinutes] = useState<number | string>(30);
  const [at, setAt] = useState(() => localInputValue(new Date(Date.now() + 3600_000)));

  let when = 'now';
  if (choice === 'in') when = `+${minutes}`;
  if (choice === 'at') {
    const date = new Date(at);
    when = Number.isNaN(date.getTime()) ? 'invalid' : date.toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
  const parsed = parseWhen(when);
  const problem = typeof parsed === 'string' ? parsed : undefined;

  return (
    <Card withBorder padding="md" radius="md">
      <Stack gap="sm">
        <Group gap="xs">
          {action === 'reboot' ? <IconRefresh size={20} /> : <IconPower size={20} />}
          <Title order={4} size="h5">
            {words.verb}
          </Title>
        </Group>
        <Text size="sm" c="dimmed">
          {words.effect}
        </Text>
        <SegmentedControl
          aria-label={`When to ${words.noun}`}
          value={choice}
          onChange={(value) => setChoice(value as WhenChoice)}
          data={[
            { value: 'now', label: 'Now' },
            { value: 'in', label: 'In minutes' },
            { value: 'at', label: 'At a time' },
          ]}
          fullWidth
        />
        {choice === 'in' && (
          <NumberInput
            label="Minutes from now"
            min={1}
            max={maxDelayMinutes}
            value={minutes}
            onChange={setMinutes}
            allowDecimal={false}
            allowNegative={false}
            error={problem}
          />
        )}
        {choice === 'at' && (
          <TextInput
            type="datetime-local"
            label="Date and time (your time zone)"
            value={at}
            onChange={(event) => setAt(event.currentTarget.value)}
            error={problem}
          />
        )}
        <Group justify="flex-end">
          <Button
            color="red"
            variant={choice === 'now' ? 'filled' : 'light'}
            disabled={disabled || problem !== undefined}
            leftSection={action === 'reboot' ? <IconRefresh size={16} /> : <IconPower size={16} />}
            onClick={() => onRequest({ action, when, whenText: whenInWords(when) })}
          >
            {words.verb} {choice === 'now' ? 'now' : choice === 'in' ? `in ${minutes} min` : 'at that time'}…
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

export default function PowerPage({ host }: ModulePageProps) {
  const user = useUser();
  const canControl = user.permissions.includes('power.control');
  const queryClient = useQueryClient();
  const [request, setRequest] = useState<PowerRequest | null>(null);
  const key = ['host', host.id, 'power', 'status'] as const;

  const status = useQuery({
    queryKey: key,
    queryFn: ({ signal }) => apiCall<StatusResult>(host.id, 'power', 'status', {}, { signal }),
    refetchInterval: host.online ? 15_000 : false,
    staleTime: 0,
  });

  const act = useMutation({
    mutationFn: (r: PowerRequest) => apiCall<ActionResult>(host.id, 'power', r.action, { when: r.when }),
    onSuccess: (result) => {
      const words = actionWords[result.action];
      notifications.show({
        color: 'orange',
        title: result.immediate ? `${words.verb} started` : `${words.verb} scheduled`,
        message: result.immediate
          ? `${host.name} is going down now; it will show offline.`
          : `${host.name}: ${words.noun} at ${formatDateTime(result.scheduled?.at)}.`,
      });
      setRequest(null);
    },
    onSettled: () => void queryClient.invalidateQueries({ queryKey: key }),
  });

  const cancel = useMutation({
    mutationFn: () => apiCall<CancelResult>(host.id, 'power', 'cancel', {}),
    onSuccess: () => notifications.show({ color: 'teal', message: `The scheduled shutdown of ${host.name} is cancelled.` }),
    onError: (error) => {
      const { code, message } = describeError(error);
      notifications.show({ color: 'red', autoClose: 10_000, title: 'Could not cancel', message: `${message} (${code})` });
    },
    onSettled: () => void queryClient.invalidateQueries({ queryKey: key }),
  });

  const scheduled = status.data?.scheduled ?? null;

  return (
    <Stack gap="sm">
      {status.isError && !status.data && (
        <ErrorAlert error={status.error} title="Could not read the power state" onRetry={() => void status.refetch()} />
      )}
      {scheduled && (
        <Alert color="orange" variant="filled" icon={<IconClockPause size={20} />} title={scheduled.action === 'reboot' ? 'Reboot scheduled' : 'Shutdown scheduled'} role="status">
          <Group justify="space-between" gap="sm">
            <div>
              <ScheduledText action={scheduled.action} at={scheduled.at} />
              <Text size="xs">
                <RelativeTime iso={scheduled.at} span inherit />
              </Text>
            </div>
            {canControl && (
              <Button color="dark" variant="white" size="xs" loading={cancel.isPending} onClick={() => cancel.mutate()}>
                Cancel it
              </Button>
            )}
          </Group>
        </Alert>
      )}
      <Card withBorder padding="sm" radius="md">
        <Group gap="xl">
          <div>
            <Text size="xs" c="dimmed">
              Up since
            </Text>
            <Text size="sm" fw={500}>
              {status.data ? formatDateTime(status.data.bootedAt) : '…'}
            </Text>
          </div>
          <div>
            <Text size="xs" c="dimmed">
              Scheduled
            </Text>
            <Text size="sm" fw={500}>
              {status.data ? (scheduled ? `${scheduled.action} at ${formatDateTime(scheduled.at)}` : 'nothing') : '…'}
            </Text>
          </div>
          <div>
            <Text size="xs" c="dimmed">
              Init
            </Text>
            <Text size="sm" fw={500}>
              {status.data?.init ?? '…'}
            </Text>
          </div>
        </Group>
      </Card>
      {canControl ? (
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <ActionCard action="reboot" onRequest={setRequest} disabled={!host.online} />
          <ActionCard action="poweroff" onRequest={setRequest} disabled={!host.online} />
        </SimpleGrid>
      ) : (
        <Text size="sm" c="dimmed">
          Your role may see the power state but not reboot or shut down hosts.
        </Text>
      )}
      {scheduled && canControl && (
        <Text size="xs" c="dimmed">
          A new reboot or shutdown replaces the scheduled one.
        </Text>
      )}
      <PowerDialog
        request={request}
        hostName={host.name}
        hostId={host.id}
        busy={act.isPending}
        error={act.error}
        onConfirm={(r) => act.mutate(r)}
        onClose={() => {
          if (act.isPending) return;
          setRequest(null);
          act.reset();
        }}
      />
    </Stack>
  );
}
