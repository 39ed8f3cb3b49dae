import { Group, Text, ThemeIcon } from '@mantine/core';
import { IconBuildingCastle } from '@tabler/icons-react';

export function Brand({ size = 'md' }: { size?: 'md' | 'lg' }) {
  const large = size === 'lg';
  return (
    <Group gap={8} wrap="nowrap">
      <ThemeIcon size={large ? 40 : 30} radius="sm" variant="filled" aria-hidden>
        <IconBuildingCastle size={large ? 24 : 18} />
      </ThemeIcon>
      <Text fw={700} fz={large ? 26 : 18} lh={1}>
        Gatehouse
      </Text>
    </Group>
  );
}
