/**
 * Words and colours for systemd's states, kept in one place so the table, the drawer and the dialogs agree.
 * Calm by default: only a failed unit is red; changing states are yellow; a stopped unit is grey.
 */
import type { UnitAction } from './contract.js';

export function activeColor(active: string): string {
  switch (active) {
    case 'active':
    case 'reloading':
      return 'teal';
    case 'failed':
      return 'red';
    case 'activating':
    case 'deactivating':
    case 'refreshing':
      return 'yellow';
    default:
      return 'gray';
  }
}

export function enabledColor(enabled: string): string {
  if (enabled === 'enabled' || enabled === 'enabled-runtime') return 'teal';
  if (enabled === 'masked' || enabled === 'masked-runtime' || enabled === 'bad') return 'red';
  return 'gray';
}

export const unitTypeChoices = [
  { value: 'service', label: 'Services' },
  { value: 'timer', label: 'Timers' },
  { value: 'socket', label: 'Sockets' },
  { value: 'target', label: 'Targets' },
  { value: 'all', label: 'All' },
] as const;
export type UnitTypeChoice = (typeof unitTypeChoices)[number]['value'];

export const stateChoices = [
  { value: 'all', label: 'Any state' },
  { value: 'active', label: 'Active' },
  { value: 'inactive', label: 'Inactive' },
  { value: 'failed', label: 'Failed' },
  { value: 'enabled', label: 'Enabled' },
  { value: 'disabled', label: 'Disabled' },
  { value: 'masked', label: 'Masked' },
] as const;
export type StateChoice = (typeof stateChoices)[number]['value'];

export const actionInfo: Record<UnitAction, { label: string; done: string; description: string; confirm: boolean; danger: boolean }> = {
  start: { label: 'Start', done: 'Started', description: 'Start the unit now.', confirm: false, danger: false },
  stop: {
    label: 'Stop',
    done: 'Stopped',
    description: 'Stop the unit now. Whatever it serves stops answering until it is started again; units that need it stop too.',
    confirm: true,
    danger: true,
  },
  restart: { label: 'Restart', done: 'Restarted', description: 'Stop the unit and start it again.', confirm: false, danger: false },
  reload: {
    label: 'Reload',
    done: 'Reloaded',
    description: 'Ask the unit to re-read its configuration without stopping.',
    confirm: false,
    danger: false,
  },
  enable: { label: 'Enable', done: 'Enabled', description: 'Start the unit at boot.', confirm: false, danger: false },
  disable: { label: 'Disable', done: 'Disabled', description: 'Do not start the unit at boot. It keeps running until stopped.', confirm: false, danger: false },
  mask: {
    label: 'Mask',
    done: 'Masked',
    description: 'Link the unit to /dev/null: nothing can start it — not an operator, not a dependency, not boot — until it is unmasked.',
    confirm: true,
    danger: true,
  },
  unmask: { label: 'Unmask', done: 'Unmasked', description: 'Allow the unit to be started again.', confirm: false, danger: false },
};

/** Journal priorities 0–7, with the colour a line of that priority gets. */
export const priorityInfo = [
  { name: 'emerg', label: 'Emergency', color: 'red' },
  { name: 'alert', label: 'Alert', color: 'red' },
  { name: 'crit', label: 'Critical', color: 'red' },
  { name: 'err', label: 'Error', color: 'red' },
  { name: 'warning', label: 'Warning', color: 'orange' },
  { name: 'notice', label: 'Notice', color: 'blue' },
  { name: 'info', label: 'Info', color: 'dimmed' },
  { name: 'debug', label: 'Debug', color: 'dimmed' },
] as const;
