/**
 * The install's steps, top to bottom, each with its state as an icon and a word; a failed step shows why and
 * what the host printed, in a scrollable monospace block that can be copied into a ticket.
 */
import { ActionIcon, Box, Code, CopyButton, Group, Loader, ScrollArea, Stack, Text, Tooltip } from '@mantine/core';
import { IconCheck, IconCircleCheckFilled, IconCircleDashed, IconCircleMinus, IconCircleXFilled, IconCopy } from '@tabler/icons-react';
import type { InstallStepId } from '../../types.js';

/** The console's step states, and two of the page's own: not yet reported, and never reached (the install stopped). */
export type StepState = 'waiting' | 'running' | 'ok' | 'failed' | 'skipped' | 'not-run';

export interface StepView {
  step: InstallStepId;
  title: string;
  state: StepState;
  message?: string;
  output?: string;
}

const stateWord: Record<StepState, string> = {
  waiting: 'waiting',
  running: 'running',
  ok: 'done',
  failed: 'failed',
  skipped: 'skipped',
  'not-run': 'not run',
};

function StepIcon({ state }: { state: StepState }) {
  switch (state) {
    case 'running':
      return <Loader size={16} />;
    case 'ok':
      return <IconCircleCheckFilled size={20} color="var(--mantine-color-teal-6)" aria-hidden />;
    case 'failed':
      return <IconCircleXFilled size={20} color="var(--mantine-color-red-6)" aria-hidden />;
    case 'skipped':
      return <IconCircleMinus size={20} color="var(--mantine-color-gray-5)" aria-hidden />;
    case 'waiting':
    case 'not-run':
      return <IconCircleDashed size={20} color="var(--mantine-color-gray-4)" aria-hidden />;
  }
}

function RemoteOutput({ output }: { output: string }) {
  return (
    <Box pos="relative" mt={4}>
      <ScrollArea.Autosize mah={220} type="auto" offsetScrollbars>
        <Code block fz="xs" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }} data-install-output>
          {output}
        </Code>
      </ScrollArea.Autosize>
      <CopyButton value={output} timeout={2000}>
        {({ copied, copy }) => (
          <Tooltip label={copied ? 'Copied' : 'Copy output'}>
            <ActionIcon
              variant="default"
              size="sm"
              onClick={copy}
              aria-label={copied ? 'Copied' : 'Copy output'}
              pos="absolute"
              top={6}
              right={14}
            >
              {copied ? <IconCheck size={14} /> : <IconCopy size={14} />}
            </ActionIcon>
          </Tooltip>
        )}
      </CopyButton>
    </Box>
  );
}

export function InstallSteps({ steps }: { steps: readonly StepView[] }) {
  return (
    <Stack gap={0} component="ol" aria-label="Install steps" m={0} p={0} style={{ listStyle: 'none' }}>
      {steps.map((step, index) => {
        const last = index === steps.length - 1;
        return (
          <Group
            key={step.step}
            component="li"
            gap="sm"
            wrap="nowrap"
            align="stretch"
            data-install-step={step.step}
            data-state={step.state}
          >
            {/* The icon column, joined by a thin line as a stepper is. */}
            <Stack gap={0} align="center" w={22} style={{ flexShrink: 0 }}>
              <Box h={22} display="flex" style={{ alignItems: 'center', justifyContent: 'center' }}>
                <StepIcon state={step.state} />
              </Box>
              {!last && <Box w={2} style={{ flexGrow: 1, minHeight: 10, background: 'var(--mantine-color-default-border)' }} />}
            </Stack>
            <Stack gap={2} pb={last ? 0 : 'sm'} style={{ minWidth: 0, flexGrow: 1 }}>
              <Group gap={8} wrap="nowrap" justify="space-between" mih={22}>
                <Text size="sm" fw={step.state === 'running' || step.state === 'failed' ? 600 : 400} c={step.state === 'waiting' || step.state === 'not-run' ? 'dimmed' : undefined}>
                  {step.title}
                </Text>
                <Text size="xs" c={step.state === 'failed' ? 'var(--mantine-color-red-text)' : 'dimmed'} style={{ flexShrink: 0 }}>
                  {stateWord[step.state]}
                </Text>
              </Group>
              {step.message && (
                <Text size="sm" c={step.state === 'failed' ? 'var(--mantine-color-red-text)' : 'dimmed'} className="gh-break">
                  {step.message}
                </Text>
              )}
              {step.state === 'failed' && step.output && <RemoteOutput output={step.output} />}
            </Stack>
          </Group>
        );
      })}
    </Stack>
  );
}
