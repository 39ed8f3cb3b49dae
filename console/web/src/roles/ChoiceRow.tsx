import { memo } from 'react';
import { Box, Flex, Group, SegmentedControl, Text } from '@mantine/core';
import { RiskBadge } from './RiskBadge.js';
import type { Choice, Permission } from './roleDraft.js';

const choiceData = [
  { value: 'allow', label: 'Allow' },
  { value: 'none', label: '—' },
  { value: 'deny', label: 'Deny' },
];

/** The control's colour follows the choice, and a denied row is tinted: a denial must not pass for a gap. */
const choiceColor: Record<Choice, string | undefined> = { allow: 'teal', none: undefined, deny: 'red' };

/** One catalogue code in the role editor: what it allows, its risk, and allow / — / deny. */
export const ChoiceRow = memo(function ChoiceRow({
  permission,
  choice,
  onChoose,
}: {
  permission: Permission;
  choice: Choice;
  onChoose: (code: string, choice: Choice) => void;
}) {
  return (
    <Flex
      data-editor-code={permission.code}
      data-choice={choice}
      direction={{ base: 'column', xs: 'row' }}
      align={{ base: 'stretch', xs: 'center' }}
      justify="space-between"
      gap={{ base: 6, xs: 'md' }}
      px="xs"
      py={6}
      style={{
        borderRadius: 'var(--mantine-radius-sm)',
        background: choice === 'deny' ? 'var(--mantine-color-red-light)' : undefined,
      }}
    >
      <Box miw={0}>
        <Group gap={6} wrap="nowrap">
          <Text size="sm" ff="monospace" className="gh-break">
            {permission.code}
          </Text>
          <RiskBadge risk={permission.risk} />
        </Group>
        <Text size="xs" c="dimmed">
          {permission.summary}
        </Text>
      </Box>
      <SegmentedControl
        size="xs"
        data={choiceData}
        value={choice}
        color={choiceColor[choice]}
        onChange={(value) => onChoose(permission.code, value as Choice)}
        aria-label={`${permission.code}: allow, not given, or deny`}
        style={{ flexShrink: 0 }}
      />
    </Flex>
  );
});
