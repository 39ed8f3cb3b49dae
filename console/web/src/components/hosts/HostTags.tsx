import { Badge, Group, Text, Tooltip, type MantineSize } from '@mantine/core';
import { IconShieldLock } from '@tabler/icons-react';
import { tagMeaning } from '../../hostTags.js';

/**
 * A host's tags as small neutral badges: labels, not states, so they stay grey beside the coloured status badge.
 * A tag the console acts on (`field-gateway`) carries an icon and says what it does on hover.
 * With `onTag`, each is a button (the host list filters by it); with `max`, the rest fold into "+N".
 */
export function HostTags({
  tags,
  size = 'sm',
  max,
  onTag,
}: {
  tags: readonly string[];
  size?: MantineSize;
  /** Tags shown at most; the rest fold into "+N", named on hover. */
  max?: number;
  onTag?: (tag: string) => void;
}) {
  if (tags.length === 0) return null;
  // Tags with a meaning first: they are the ones that change what the console does.
  const ordered = [...tags].sort((a, b) => Number(tagMeaning(b) !== null) - Number(tagMeaning(a) !== null) || a.localeCompare(b));
  const shown = max !== undefined ? ordered.slice(0, max) : ordered;
  const folded = ordered.slice(shown.length);
  const iconSize = size === 'xs' ? 10 : size === 'sm' ? 11 : 13;
  return (
    <Group gap={size === 'xs' ? 3 : 4} wrap="wrap" style={{ rowGap: 4, minWidth: 0 }} data-host-tags>
      {shown.map((tag) => {
        const meaning = tagMeaning(tag);
        const clickable = onTag !== undefined;
        const badge = (
          <Badge
            key={tag}
            size={size}
            variant="default"
            radius="sm"
            px={size === 'xs' ? 5 : undefined}
            fw={500}
            className="gh-tag"
            leftSection={meaning ? <IconShieldLock size={iconSize} aria-hidden /> : undefined}
            style={{ cursor: clickable ? 'pointer' : undefined }}
            data-tag={tag}
            {...(clickable
              ? { component: 'button' as const, type: 'button' as const, onClick: () => onTag(tag), 'aria-label': `Show hosts tagged ${tag}` }
              : { tabIndex: meaning ? 0 : undefined })}
          >
            {tag}
          </Badge>
        );
        const label = meaning ? `${tag}: ${meaning}` : clickable ? `Show hosts tagged ${tag}` : null;
        return label ? (
          <Tooltip key={tag} label={label} multiline maw={280}>
            {badge}
          </Tooltip>
        ) : (
          badge
        );
      })}
      {folded.length > 0 && (
        <Tooltip label={folded.join(', ')} multiline maw={280}>
          <Text span fz={size === 'xs' ? 10 : 'xs'} c="dimmed" fw={600} lh={1} tabIndex={0} aria-label={`${folded.length} more: ${folded.join(', ')}`}>
            +{folded.length}
          </Text>
        </Tooltip>
      )}
    </Group>
  );
}
