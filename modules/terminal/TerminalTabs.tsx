/**
 * The row of open terminals. Each tab is a button with its own close button beside it (not inside: a button
 * in a button is neither valid nor reachable), coloured by the state of its shell.
 */
import { Box, CloseButton, Group, Text, UnstyledButton } from '@mantine/core';
import type { TerminalPhase } from './connection.js';

export interface TerminalTabView {
  key: string;
  label: string;
  phase: TerminalPhase;
}

const phaseColour: Record<TerminalPhase, string> = {
  connecting: 'var(--mantine-color-gray-5)',
  attached: 'var(--mantine-color-teal-6)',
  detached: 'var(--mantine-color-orange-6)',
  lost: 'var(--mantine-color-orange-6)',
  failed: 'var(--mantine-color-red-6)',
  exited: 'var(--mantine-color-gray-5)',
};

export function TerminalTabs({
  tabs,
  activeKey,
  onSelect,
  onClose,
}: {
  tabs: readonly TerminalTabView[];
  activeKey: string | null;
  onSelect: (key: string) => void;
  onClose: (key: string) => void;
}) {
  return (
    <Group gap={4} wrap="nowrap" role="tablist" aria-label="Terminals" style={{ overflowX: 'auto', minWidth: 0, flex: '1 1 260px' }}>
      {tabs.map((tab) => {
        const active = tab.key === activeKey;
        return (
          <Group
            key={tab.key}
            gap={0}
            wrap="nowrap"
            pl={10}
            pr={2}
            h={34}
            data-terminal-tab={tab.key}
            data-state={tab.phase}
            style={{
              flexShrink: 0,
              borderRadius: 'var(--mantine-radius-sm)',
              border: '1px solid var(--mantine-color-default-border)',
              borderBottom: active ? '2px solid var(--mantine-primary-color-filled)' : '1px solid var(--mantine-color-default-border)',
              background: active ? 'var(--mantine-color-default)' : 'transparent',
            }}
          >
            <UnstyledButton
              role="tab"
              aria-selected={active}
              onClick={() => onSelect(tab.key)}
              title={tab.label}
              style={{ display: 'flex', alignItems: 'center', gap: 7, height: '100%' }}
            >
              <Box w={7} h={7} style={{ borderRadius: '50%', background: phaseColour[tab.phase], flexShrink: 0 }} aria-hidden />
              <Text size="sm" fw={active ? 600 : 400} maw={200} className="gh-truncate">
                {tab.label}
              </Text>
            </UnstyledButton>
            <CloseButton size="sm" ml={4} aria-label={`Close terminal ${tab.label}`} onClick={() => onClose(tab.key)} />
          </Group>
        );
      })}
    </Group>
  );
}
