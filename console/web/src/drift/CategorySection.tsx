import { useState, type ReactNode } from 'react';
import { Badge, Box, Code, Collapse, Group, Text, UnstyledButton } from '@mantine/core';
import {
  IconAlertCircle,
  IconChevronDown,
  IconChevronRight,
  IconCircleCheck,
  IconId,
  IconNetwork,
  IconPackage,
  IconPlugConnected,
  IconUsers,
  type Icon,
} from '@tabler/icons-react';
import { ChangeTable, kindColor } from './ChangeTable.js';
import { categoryLabel, countOf, countsOf, type CategoryState, type FactCategory } from './driftApi.js';
import { FactList } from './FactList.js';

const categoryIcon: Record<FactCategory, Icon> = {
  hostname: IconId,
  interfaces: IconNetwork,
  listening: IconPlugConnected,
  users: IconUsers,
  packages: IconPackage,
};

function CountBadges({ state }: { state: Extract<CategoryState, { kind: 'compared' }> }) {
  const counts = countsOf(state.drift);
  return (
    <Group gap={4} wrap="nowrap">
      {(['added', 'removed', 'changed'] as const)
        .filter((kind) => counts[kind] > 0)
        .map((kind) => (
          <Badge key={kind} size="sm" variant="light" color={kindColor[kind]} radius="sm" tt="none" className="gh-num">
            {counts[kind]} {kind}
          </Badge>
        ))}
    </Group>
  );
}

/** The one line that says where the category stands; what follows it (a table, a list) is below. */
function Status({ category, state }: { category: FactCategory; state: CategoryState }) {
  switch (state.kind) {
    case 'unavailable':
      return (
        <Text size="sm" c="dimmed" className="gh-break">
          Not read:{' '}
          <Code fz="xs" mr={6}>
            {state.code}
          </Code>
          {state.message}
        </Text>
      );
    case 'unwatched':
      return (
        <Text size="sm" c="dimmed" className="gh-num">
          {countOf(category, Object.keys(state.items).length)}
        </Text>
      );
    case 'new-category':
      return (
        <Text size="sm" c="dimmed" className="gh-num">
          not in the baseline (it could not be read then) · {countOf(category, Object.keys(state.items).length)}
        </Text>
      );
    case 'compared':
      if (state.changes === 0) {
        return (
          <Text size="sm" c="dimmed" className="gh-num">
            no changes ({countOf(category, Object.keys(state.items).length)})
          </Text>
        );
      }
      return <CountBadges state={state} />;
  }
}

function Marker({ state }: { state: CategoryState }): ReactNode {
  if (state.kind === 'unavailable') return <IconAlertCircle size={16} color="var(--mantine-color-yellow-7)" aria-label="Not read" />;
  if (state.kind === 'compared' && state.changes === 0) return <IconCircleCheck size={16} color="var(--mantine-color-teal-6)" aria-label="No changes" />;
  return null;
}

/**
 * One category of facts. Changes are always open; everything else is one line, which for readable categories
 * opens on the list of what the host reports now.
 */
export function CategorySection({ category, state }: { category: FactCategory; state: CategoryState }) {
  const [open, setOpen] = useState(false);
  const CategoryIcon = categoryIcon[category];
  const label = categoryLabel[category];
  const changed = state.kind === 'compared' && state.changes > 0;
  const expandable = state.kind !== 'unavailable' && !changed;
  const Chevron = open ? IconChevronDown : IconChevronRight;

  const heading = (
    <Group gap="xs" wrap="nowrap" align="flex-start" style={{ minWidth: 0, flexGrow: 1 }}>
      <Box w={16} style={{ flexShrink: 0, lineHeight: 0 }} mt={3}>
        {expandable && <Chevron size={16} color="var(--mantine-color-dimmed)" aria-hidden />}
      </Box>
      <Group gap={6} wrap="nowrap" w={{ base: 'auto', sm: 200 }} style={{ flexShrink: 0 }} mt={1}>
        <CategoryIcon size={17} stroke={1.6} aria-hidden style={{ flexShrink: 0 }} />
        <Text size="sm" fw={changed ? 700 : 600}>
          {label}
        </Text>
        <Marker state={state} />
      </Group>
      <Box visibleFrom="sm" style={{ minWidth: 0 }} mt={1}>
        <Status category={category} state={state} />
      </Box>
    </Group>
  );
  // On a phone the status goes under the name, where it has the width.
  const phoneStatus = (
    <Box hiddenFrom="sm" pl={24} mt={2}>
      <Status category={category} state={state} />
    </Box>
  );

  return (
    <Box
      px={{ base: 'sm', sm: 'md' }}
      py="xs"
      data-drift-category={category}
      data-state={state.kind === 'compared' ? (changed ? 'changed' : 'unchanged') : state.kind}
      style={{
        borderLeft: `3px solid ${changed ? 'var(--mantine-color-orange-5)' : 'transparent'}`,
      }}
    >
      {expandable ? (
        <UnstyledButton onClick={() => setOpen((o) => !o)} aria-expanded={open} w="100%" display="block">
          {heading}
          {phoneStatus}
        </UnstyledButton>
      ) : (
        <>
          {heading}
          {phoneStatus}
        </>
      )}
      {changed && (
        <Box mt="xs" pl={{ base: 0, sm: 24 }}>
          <ChangeTable drift={state.drift} label={label.toLowerCase()} />
        </Box>
      )}
      {expandable && (
        <Collapse expanded={open}>
          <Box mt="xs" pl={{ base: 0, sm: 24 }}>
            {open && <FactList items={state.items} label={label} />}
          </Box>
        </Collapse>
      )}
    </Box>
  );
}
