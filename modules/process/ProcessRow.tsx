import { memo, type ReactNode } from 'react';
import { ActionIcon, Group, Table, Text } from '@mantine/core';
import { IconChevronDown, IconChevronRight } from '@tabler/icons-react';
import { formatBytes, formatDateTime, formatRelative } from '../../console/web/src/format.js';
import type { ProcessInfo } from './contract.js';
import { ProcessActions } from './ProcessActions.js';
import { ProcessStateBadge, processStateLabel, type SignalName } from './processLabels.js';

export interface ProcessRowHandlers {
  onSignal: (process: ProcessInfo, signal: SignalName) => void;
  onRenice: (process: ProcessInfo) => void;
}

/** Kernel threads have no command line; show their kernel name in brackets, as ps does. */
export function commandText(process: ProcessInfo): string {
  return process.command !== '' ? process.command : `[${process.name}]`;
}

export interface TreePosition {
  depth: number;
  hasChildren: boolean;
  expanded: boolean;
  onToggle: () => void;
}

function TreeToggle({ process, tree }: { process: ProcessInfo; tree: TreePosition }) {
  if (!tree.hasChildren) return <span style={{ display: 'inline-block', width: 22, flexShrink: 0 }} />;
  return (
    <ActionIcon
      size="sm"
      variant="subtle"
      color="gray"
      onClick={tree.onToggle}
      aria-expanded={tree.expanded}
      aria-label={`${tree.expanded ? 'Collapse' : 'Expand'} children of PID ${process.pid}`}
    >
      {tree.expanded ? <IconChevronDown size={14} /> : <IconChevronRight size={14} />}
    </ActionIcon>
  );
}

function Mono({ children, align = 'right' }: { children: ReactNode; align?: 'left' | 'right' }) {
  return (
    <Text size="sm" ff="monospace" ta={align} style={{ whiteSpace: 'nowrap' }}>
      {children}
    </Text>
  );
}

function CommandCell({ process, tree, detail }: { process: ProcessInfo; tree?: TreePosition; detail?: ReactNode }) {
  const command = commandText(process);
  return (
    <Table.Td style={{ maxWidth: 0, width: '100%' }}>
      <Group gap={4} wrap="nowrap" pl={tree ? tree.depth * 16 : 0}>
        {tree && <TreeToggle process={process} tree={tree} />}
        <div style={{ minWidth: 0 }}>
          <Text
            size="sm"
            ff="monospace"
            className="gh-truncate"
            c={process.command === '' ? 'dimmed' : undefined}
            title={command}
            data-testid="process-command"
          >
            {command}
          </Text>
          {detail}
        </div>
      </Group>
    </Table.Td>
  );
}

/**
 * One process. Wide: PID, user, CPU, memory, state, started, command, menu. Compact (phones): the command
 * gets the room, with PID, user and state beneath it; then CPU, memory and the menu.
 */
export const ProcessRow = memo(function ProcessRow({
  process,
  now,
  tree,
  handlers,
  compact = false,
}: {
  process: ProcessInfo;
  now: number;
  tree?: TreePosition;
  handlers: ProcessRowHandlers;
  compact?: boolean;
}) {
  const figures = (
    <>
      <Table.Td>
        <Mono>{process.cpuPercent.toFixed(1)}</Mono>
      </Table.Td>
      <Table.Td>
        <Mono>{formatBytes(process.residentBytes)}</Mono>
      </Table.Td>
    </>
  );
  const actions = (
    <Table.Td>
      <ProcessActions process={process} onSignal={handlers.onSignal} onRenice={handlers.onRenice} />
    </Table.Td>
  );

  if (compact) {
    return (
      <Table.Tr data-pid={process.pid}>
        <CommandCell
          process={process}
          tree={tree}
          detail={
            <Text size="xs" c="dimmed" className="gh-truncate">
              PID {process.pid} · {process.user} · {processStateLabel(process.state)}
            </Text>
          }
        />
        {figures}
        {actions}
      </Table.Tr>
    );
  }

  return (
    <Table.Tr data-pid={process.pid}>
      <Table.Td>
        <Mono>{process.pid}</Mono>
      </Table.Td>
      <Table.Td maw={120}>
        <Text size="sm" className="gh-truncate" title={`${process.user} (uid ${process.uid})`}>
          {process.user}
        </Text>
      </Table.Td>
      {figures}
      <Table.Td>
        <ProcessStateBadge state={process.state} />
      </Table.Td>
      <Table.Td>
        <Text size="sm" title={formatDateTime(process.startedAt)} style={{ whiteSpace: 'nowrap' }}>
          {formatRelative(process.startedAt, now)}
        </Text>
      </Table.Td>
      <CommandCell process={process} tree={tree} />
      {actions}
    </Table.Tr>
  );
});
