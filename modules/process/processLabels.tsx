import { Badge } from '@mantine/core';
import type { signalNames } from './contract.js';

export type SignalName = (typeof signalNames)[number];

/** Each signal in the operator's words; the Record type makes a signal added to the contract a compile error here. */
export const signalInfo: Record<SignalName, { label: string; description: string; dangerous: boolean }> = {
  TERM: {
    label: 'Terminate (TERM)',
    description: 'Asks the process to exit. Well-behaved programs finish what they are doing and stop.',
    dangerous: false,
  },
  HUP: {
    label: 'Hang up (HUP)',
    description: 'Many daemons reload their configuration on HUP; other programs exit.',
    dangerous: false,
  },
  INT: {
    label: 'Interrupt (INT)',
    description: 'Like pressing Ctrl-C in the terminal the process runs in.',
    dangerous: false,
  },
  STOP: {
    label: 'Stop (STOP)',
    description: 'Freezes the process until it is continued. It cannot ignore this; anything waiting on it waits too.',
    dangerous: false,
  },
  CONT: {
    label: 'Continue (CONT)',
    description: 'Resumes a stopped process.',
    dangerous: false,
  },
  KILL: {
    label: 'Kill (KILL)',
    description: 'Ends the process at once. It gets no chance to clean up: unsaved work and half-written files are lost.',
    dangerous: true,
  },
};

/** Menu order: the gentle signals first, KILL last and apart. */
export const gentleSignals: readonly SignalName[] = ['TERM', 'HUP', 'INT', 'STOP', 'CONT'];

const states: Record<string, { label: string; color: string }> = {
  R: { label: 'Running', color: 'teal' },
  S: { label: 'Sleeping', color: 'gray' },
  D: { label: 'Disk wait', color: 'orange' },
  Z: { label: 'Zombie', color: 'red' },
  T: { label: 'Stopped', color: 'yellow' },
  t: { label: 'Traced', color: 'yellow' },
  I: { label: 'Idle', color: 'gray' },
  X: { label: 'Dead', color: 'red' },
};

export function processStateLabel(state: string): string {
  return states[state]?.label ?? state;
}

export function ProcessStateBadge({ state }: { state: string }) {
  const known = states[state];
  return (
    <Badge
      size="sm"
      variant={known?.color === 'gray' ? 'outline' : 'light'}
      color={known?.color ?? 'gray'}
      title={`State ${state}`}
      style={{ textTransform: 'none', minWidth: 'max-content' }}
    >
      {known?.label ?? state}
    </Badge>
  );
}
