import { useEffect, useState } from 'react';
import { Alert, Button, Code, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { ErrorAlert } from '../../console/web/src/components/ErrorAlert.js';
import { ErrorOrApproval } from '../../console/web/src/approvals/NeedsApproval.js';
import { formatDateTime } from '../../console/web/src/format.js';
import type { PowerAction } from './contract.js';

export interface PowerRequest {
  action: PowerAction;
  /** What goes to the agent: now, +minutes, or an ISO time. */
  when: string;
  /** The same in words for the dialog. */
  whenText: string;
}

export const actionWords: Record<PowerAction, { verb: string; noun: string; effect: string }> = {
  reboot: {
    verb: 'Reboot',
    noun: 'reboot',
    effect: 'Every service stops and the host starts again. Sessions, terminals and transfers are cut; the host is offline until it is back.',
  },
  poweroff: {
    verb: 'Shut down',
    noun: 'shutdown',
    effect: 'Every service stops and the host powers off. It stays off until someone switches it on again, on site or through its out-of-band controller.',
  },
};

/** The last question before a reboot or shutdown: the operator types the host's name, as on GitHub's delete. */
export function PowerDialog({
  request,
  hostName,
  hostId,
  busy,
  error,
  onConfirm,
  onClose,
}: {
  request: PowerRequest | null;
  hostName: string;
  /** For a refusal that wants a second person: the host the request is for. */
  hostId?: string;
  busy: boolean;
  error: unknown;
  onConfirm: (request: PowerRequest) => void;
  onClose: () => void;
}) {
  const [typed, setTyped] = useState('');
  useEffect(() => setTyped(''), [request]);
  const words = request ? actionWords[request.action] : null;
  const ready = typed === hostName;
  return (
    <Modal opened={request !== null} onClose={onClose} title={request && words ? `${words.verb} ${hostName} ${request.whenText}?` : ''} size="md">
      {request && words && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (ready && !busy) onConfirm(request);
          }}
        >
          <Stack gap="sm">
            <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} p="xs">
              {words.effect}
            </Alert>
            <TextInput
              label={
                <>
                  Type the host name <Code>{hostName}</Code> to confirm
                </>
              }
              value={typed}
              onChange={(event) => setTyped(event.currentTarget.value)}
              autoComplete="off"
              spellCheck={false}
              data-autofocus
            />
            {error !== null &&
              error !== undefined &&
              (hostId ? (
                <ErrorOrApproval error={error} hostId={hostId} action={`power.${request.action}`} params={{ when: request.when }} what={`${words.verb} ${hostName}`} title={`The ${words.noun} was not started`} />
              ) : (
                <ErrorAlert error={error} title={`The ${words.noun} was not started`} />
              ))}
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose} disabled={busy}>
                Cancel
              </Button>
              <Button type="submit" color="red" loading={busy} disabled={!ready}>
                {words.verb} {request.whenText}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

export function whenInWords(when: string): string {
  if (when === 'now') return 'now';
  if (when.startsWith('+')) return `in ${when.slice(1)} min`;
  return `at ${formatDateTime(when)}`;
}

export function ScheduledText({ action, at }: { action: string; at: string }) {
  return (
    <Text size="sm">
      A {action === 'poweroff' ? 'shutdown' : action} is scheduled for <b>{formatDateTime(at)}</b>.
    </Text>
  );
}
