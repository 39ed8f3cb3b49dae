import { ActionIcon, Menu } from '@mantine/core';
import {
  IconAdjustmentsHorizontal,
  IconDots,
  IconPlayerPause,
  IconPlayerPlay,
  IconPlayerStop,
  IconRefresh,
  IconSkull,
  IconHandStop,
} from '@tabler/icons-react';
import type { ProcessInfo } from './contract.js';
import { gentleSignals, signalInfo, type SignalName } from './processLabels.js';

const icons: Record<SignalName, typeof IconDots> = {
  TERM: IconPlayerStop,
  HUP: IconRefresh,
  INT: IconHandStop,
  STOP: IconPlayerPause,
  CONT: IconPlayerPlay,
  KILL: IconSkull,
};

/** The row menu: every signal by name and letter, renice, and KILL set apart in red. */
export function ProcessActions({
  process,
  onSignal,
  onRenice,
}: {
  process: ProcessInfo;
  onSignal: (process: ProcessInfo, signal: SignalName) => void;
  onRenice: (process: ProcessInfo) => void;
}) {
  const KillIcon = icons.KILL;
  return (
    <Menu position="bottom-end" shadow="md" width={210} withinPortal>
      <Menu.Target>
        <ActionIcon variant="subtle" color="gray" aria-label={`Actions for PID ${process.pid}`}>
          <IconDots size={16} />
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>Send a signal to {process.pid}</Menu.Label>
        {gentleSignals.map((signal) => {
          const Icon = icons[signal];
          return (
            <Menu.Item key={signal} leftSection={<Icon size={16} />} onClick={() => onSignal(process, signal)}>
              {signalInfo[signal].label}
            </Menu.Item>
          );
        })}
        <Menu.Divider />
        <Menu.Item leftSection={<IconAdjustmentsHorizontal size={16} />} onClick={() => onRenice(process)}>
          Renice…
        </Menu.Item>
        <Menu.Divider />
        <Menu.Item color="red" leftSection={<KillIcon size={16} />} onClick={() => onSignal(process, 'KILL')}>
          {signalInfo.KILL.label}
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
