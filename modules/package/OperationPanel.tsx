/**
 * A package operation's live output: what runs, its state, the package manager's own words as they arrive
 * (rendered as text, never HTML), and Cancel while it runs.
 */
import { useEffect, useRef } from 'react';
import { Alert, Badge, Button, Code, Group, Paper, Stack, Text } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck, IconPlayerStop } from '@tabler/icons-react';
import { ErrorAlert } from '../../console/web/src/components/ErrorAlert.js';
import { ErrorOrApproval } from '../../console/web/src/approvals/NeedsApproval.js';
import type { PackageOperationResult } from './contract.js';

export interface Operation {
  id: number;
  title: string;
  state: 'running' | 'done' | 'cancelled' | 'failed';
  output: string;
  result?: PackageOperationResult;
  error?: unknown;
  /** The call as made, so a refusal for want of approval can offer to request it (approvals/NeedsApproval.tsx). */
  call?: { hostId: string; action: string; params: Record<string, unknown> };
}

const stateBadge: Record<Operation['state'], { color: string; label: string }> = {
  running: { color: 'blue', label: 'Running' },
  done: { color: 'teal', label: 'Done' },
  cancelled: { color: 'orange', label: 'Cancelled' },
  failed: { color: 'red', label: 'Failed' },
};

export function OperationPanel({ operation, onCancel, onClose }: { operation: Operation; onCancel: () => void; onClose: () => void }) {
  const output = useRef<HTMLPreElement>(null);
  useEffect(() => {
    const el = output.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [operation.output]);
  const badge = stateBadge[operation.state];
  const running = operation.state === 'running';
  return (
    <Paper withBorder radius="md" p="sm" aria-label="Package operation" data-operation-state={operation.state}>
      <Stack gap="xs">
        <Group gap="sm" wrap="wrap">
          <Text fw={600} size="sm" style={{ overflowWrap: 'anywhere' }}>
            {operation.title}
          </Text>
          <Badge color={badge.color} variant={running ? 'light' : 'filled'} radius="sm" tt="none">
            {badge.label}
          </Badge>
          <Group gap="xs" ml="auto">
            {running ? (
              <Button size="xs" color="red" variant="light" leftSection={<IconPlayerStop size={14} />} onClick={onCancel}>
                Cancel
              </Button>
            ) : (
              <Button size="xs" variant="default" onClick={onClose}>
                Close
              </Button>
            )}
          </Group>
        </Group>
        {(running || operation.output !== '') && (
        <pre
          ref={output}
          aria-label="Output"
          style={{
            margin: 0,
            maxHeight: 280,
            minHeight: 80,
            overflow: 'auto',
            padding: '8px 10px',
            fontSize: 12,
            lineHeight: 1.45,
            fontFamily: 'var(--mantine-font-family-monospace)',
            background: 'var(--mantine-color-dark-8)',
            color: 'var(--mantine-color-gray-2)',
            borderRadius: 6,
            whiteSpace: 'pre-wrap',
            overflowWrap: 'anywhere',
          }}
        >
          {operation.output || (running ? 'Waiting for the package manager…' : '')}
        </pre>
        )}
        {operation.state === 'done' && operation.result && (
          <Alert color={operation.result.needsConfigure ? 'orange' : 'teal'} variant="light" p="xs" icon={<IconCircleCheck size={18} />}>
            <Text size="sm">{operation.result.message}</Text>
          </Alert>
        )}
        {operation.state === 'cancelled' && (
          <Alert color="orange" variant="light" p="xs" icon={<IconAlertTriangle size={18} />}>
            <Text size="sm">
              Cancelled. The package manager was asked to stop; on apt hosts the package list shows whether dpkg
              needs <Code>dpkg --configure -a</Code> to finish.
            </Text>
          </Alert>
        )}
        {operation.state === 'failed' &&
          (operation.call ? (
            <ErrorOrApproval error={operation.error} {...operation.call} what={operation.title} title="The operation failed" />
          ) : (
            <ErrorAlert error={operation.error} title="The operation failed" />
          ))}
      </Stack>
    </Paper>
  );
}
