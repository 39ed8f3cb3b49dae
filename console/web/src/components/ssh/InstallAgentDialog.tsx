/**
 * "Install agent…" on a host reached over SSH: first what will be done on the host, then each step as the
 * console reports it. On success the same host is served by its agent (the live socket brings the new view).
 * Loaded on demand: the progress lines are checked with the kernel's zod schema.
 */
import { useState } from 'react';
import { Alert, Button, Code, Group, List, Modal, Stack, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { IconAlertTriangle, IconCircleCheck, IconDownload } from '@tabler/icons-react';
import { installStepIds } from '../../../../../modules/kernel/console-api.js';
import { usePhone } from '../../hooks/usePhone.js';
import { sshTarget } from '../../hostStatus.js';
import { hostQueryKey, hostsQueryKey } from '../../live.js';
import { installAgent, type InstallDone } from '../../ssh/installStream.js';
import type { Host, InstallStepId } from '../../types.js';
import { describeError } from '../ErrorAlert.js';
import { InstallSteps, type StepView } from './InstallSteps.js';

/** Titles until the console names the steps itself. */
const defaultTitles: Record<InstallStepId, string> = {
  connect: 'Connect over SSH',
  check: 'Check the host',
  copy: 'Copy the agent to /opt/gatehouse-agent',
  enroll: 'Enroll the agent with this console',
  service: 'Install and start the gatehouse-agent service',
  online: 'Wait for the agent to come online',
};

const initialSteps = (): StepView[] => installStepIds.map((step) => ({ step, title: defaultTitles[step], state: 'waiting' }));

type Phase = { name: 'confirm' } | { name: 'running' } | { name: 'done'; done: InstallDone };

export default function InstallAgentDialog({ host, opened, onClose }: { host: Host; opened: boolean; onClose: () => void }) {
  const phone = usePhone();
  const queryClient = useQueryClient();
  const [phase, setPhase] = useState<Phase>({ name: 'confirm' });
  const [steps, setSteps] = useState<StepView[]>(initialSteps);
  const running = phase.name === 'running';
  const hostId = host.id;

  const start = () => {
    setSteps(initialSteps());
    setPhase({ name: 'running' });
    installAgent(hostId, (line) =>
      setSteps((previous) =>
        previous.map((step) =>
          step.step === line.step ? { step: line.step, title: line.title || step.title, state: line.state, message: line.message, output: line.output } : step,
        ),
      ),
    )
      .catch((error: unknown): InstallDone => {
        const { code, message } = describeError(error);
        return { type: 'done', ok: false, hostId, code, message };
      })
      .then((done) => {
        // A step the console left running when it stopped did not finish; the ones after it never ran.
        if (!done.ok) {
          setSteps((previous) =>
            previous.map((step) =>
              step.state === 'running' ? { ...step, state: 'failed' } : step.state === 'waiting' ? { ...step, state: 'not-run' } : step,
            ),
          );
        }
        setPhase({ name: 'done', done });
        // The live socket brings the host's new view; asking again covers a live socket that is reconnecting.
        void queryClient.invalidateQueries({ queryKey: hostQueryKey(hostId), exact: true });
        void queryClient.invalidateQueries({ queryKey: hostsQueryKey, exact: true });
      });
  };

  const close = () => {
    setPhase({ name: 'confirm' });
    setSteps(initialSteps());
    onClose();
  };

  return (
    <Modal
      opened={opened}
      onClose={close}
      title={`Install the agent on ${host.name}`}
      size="lg"
      fullScreen={phone}
      radius="md"
      // A stray click must not hide a running install (it goes on on the console either way).
      closeOnClickOutside={!running}
    >
      {phase.name === 'confirm' ? (
        <Stack gap="md">
          <Text size="sm">
            The console signs in as{' '}
            <Text span ff="monospace" size="sm" fw={600}>
              {sshTarget(host)}
            </Text>{' '}
            and, on the host:
          </Text>
          <List size="sm" spacing={4}>
            <List.Item>
              copies the agent to <Code>/opt/gatehouse-agent</Code>,
            </List.Item>
            <List.Item>enrolls it with this console, as this same host,</List.Item>
            <List.Item>
              installs and starts the <Code>gatehouse-agent</Code> systemd unit.
            </List.Item>
          </List>
          <Text size="sm">
            Then the host is managed by its agent: processes, files, and terminals that keep running when you close
            them. Each step is shown as it happens; a failed step shows what the host printed.
          </Text>
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button leftSection={<IconDownload size={16} />} onClick={start}>
              Install agent
            </Button>
          </Group>
        </Stack>
      ) : (
        <Stack gap="md" aria-live="polite">
          <InstallSteps steps={steps} />
          {phase.name === 'running' && (
            <Text size="sm" c="dimmed">
              This takes a minute or so. Closing this window does not stop the install; its outcome shows in the host
              list and the audit log.
            </Text>
          )}
          {phase.name === 'done' &&
            (phase.done.ok ? (
              <Alert color="teal" variant="light" icon={<IconCircleCheck size={18} />} title="The agent is installed and online" data-install-result="ok">
                {host.name} is now managed by its agent. Its other pages are on the host page’s tabs.
              </Alert>
            ) : (
              <Alert
                color="red"
                variant="light"
                icon={<IconAlertTriangle size={18} />}
                title="The install stopped"
                role="alert"
                data-install-result="failed"
              >
                <Text size="sm" className="gh-break">
                  {phase.done.code && (
                    <Code color="red.1" c="red.9" fz="xs" mr={6}>
                      {phase.done.code}
                    </Code>
                  )}
                  {phase.done.message ?? 'The console did not say why.'}
                </Text>
                <Text size="sm" mt={4}>
                  The host is still reached over SSH; fix the cause and try again.
                </Text>
              </Alert>
            ))}
          {phase.name === 'done' && (
            <Group justify="flex-end" gap="sm">
              {phase.done.ok ? (
                <Button onClick={close}>Done</Button>
              ) : (
                <>
                  <Button variant="default" onClick={close}>
                    Close
                  </Button>
                  <Button onClick={start}>Try again</Button>
                </>
              )}
            </Group>
          )}
        </Stack>
      )}
    </Modal>
  );
}
