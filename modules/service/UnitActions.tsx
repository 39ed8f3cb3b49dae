import { ActionIcon, Menu } from '@mantine/core';
import {
  IconBan,
  IconCircleCheck,
  IconCircleOff,
  IconDots,
  IconLockOpen,
  IconPlayerPlay,
  IconPlayerStop,
  IconRefresh,
  IconReload,
} from '@tabler/icons-react';
import { actionsRefusedOnAgentUnit, type ServiceUnit, type UnitAction } from './contract.js';
import { actionInfo } from './unitLabels.js';

const icons: Record<UnitAction, typeof IconDots> = {
  start: IconPlayerPlay,
  stop: IconPlayerStop,
  restart: IconRefresh,
  reload: IconReload,
  enable: IconCircleCheck,
  disable: IconCircleOff,
  mask: IconBan,
  unmask: IconLockOpen,
};

/**
 * Which actions make sense for a unit in its present state; the rest are left out rather than greyed. On the
 * agent's own unit the ones the agent refuses (they would cut the link) are left out too.
 */
export function actionsFor(unit: Pick<ServiceUnit, 'active' | 'enabled'>, isAgentUnit = false): { run: UnitAction[]; boot: UnitAction[] } {
  const masked = unit.enabled.startsWith('masked');
  const running = unit.active === 'active' || unit.active === 'activating' || unit.active === 'reloading';
  const run: UnitAction[] = masked ? (running ? ['stop'] : []) : running ? ['stop', 'restart', 'reload'] : ['start'];
  const boot: UnitAction[] = [];
  if (masked) boot.push('unmask');
  else {
    if (unit.enabled === 'enabled' || unit.enabled === 'enabled-runtime') boot.push('disable');
    else if (unit.enabled === 'disabled') boot.push('enable');
    boot.push('mask');
  }
  if (!isAgentUnit) return { run, boot };
  const allowed = (action: UnitAction) => !actionsRefusedOnAgentUnit.has(action);
  return { run: run.filter(allowed), boot: boot.filter(allowed) };
}

/** The row menu: run-time actions, then boot-time ones, mask set apart in red. */
export function UnitActions({
  unit,
  isAgentUnit,
  onAction,
}: {
  unit: ServiceUnit;
  isAgentUnit: boolean;
  onAction: (unit: ServiceUnit, action: UnitAction) => void;
}) {
  const { run, boot } = actionsFor(unit, isAgentUnit);
  if (run.length === 0 && boot.length === 0) return null;
  const item = (action: UnitAction) => {
    const Icon = icons[action];
    return (
      <Menu.Item
        key={action}
        color={actionInfo[action].danger ? 'red' : undefined}
        leftSection={<Icon size={16} />}
        onClick={() => onAction(unit, action)}
      >
        {actionInfo[action].label}
        {actionInfo[action].confirm ? '…' : ''}
      </Menu.Item>
    );
  };
  return (
    <Menu position="bottom-end" shadow="md" width={190} withinPortal>
      <Menu.Target>
        <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${unit.name}`} onClick={(e) => e.stopPropagation()}>
          <IconDots size={16} />
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown onClick={(e) => e.stopPropagation()}>
        {run.length > 0 && <Menu.Label>Now</Menu.Label>}
        {run.map(item)}
        {run.length > 0 && boot.length > 0 && <Menu.Divider />}
        {boot.length > 0 && <Menu.Label>At boot</Menu.Label>}
        {boot.map(item)}
      </Menu.Dropdown>
    </Menu>
  );
}
