import { Stack, Text } from '@mantine/core';
import { modals } from '@mantine/modals';
import { scopeText, type ScopeNames } from './ScopeLabel.js';
import { phaseOf, type MaintenanceWindow } from './maintenanceApi.js';

/**
 * Ask before ending a window. A running one ends now and alarms page again from this moment; an upcoming one is
 * cancelled and removed.
 */
export function confirmEnd(window: MaintenanceWindow, names: ScopeNames, end: () => void) {
  const running = phaseOf(window, Date.now()) === 'current';
  const what = scopeText(window.scope, names);
  modals.openConfirmModal({
    title: running ? `End maintenance of ${what} now?` : `Cancel the maintenance of ${what}?`,
    children: (
      <Stack gap="xs">
        <Text size="sm">
          {running
            ? 'New alarms page the on-call staff again from now on. The window stays in the list of past maintenance, ending now.'
            : 'It has not started yet; it is removed, and alarms page as usual at that time.'}
        </Text>
      </Stack>
    ),
    labels: { confirm: running ? 'End now' : 'Cancel window', cancel: 'Keep it' },
    confirmProps: { color: running ? 'orange' : 'red' },
    onConfirm: end,
  });
}
