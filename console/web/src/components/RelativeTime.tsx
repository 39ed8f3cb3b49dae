import { Text, type TextProps } from '@mantine/core';
import { formatDateTime, formatRelative } from '../format.js';
import { useNow } from '../hooks/useNow.js';

/** "2 min ago", with the exact local time on hover and in a <time> element for assistive technology. */
export function RelativeTime({ iso, ...props }: { iso: string | null | undefined } & TextProps) {
  const now = useNow();
  if (!iso) {
    return (
      <Text component="span" size="sm" c="dimmed" {...props}>
        never
      </Text>
    );
  }
  return (
    <Text component="time" size="sm" dateTime={iso} title={formatDateTime(iso)} style={{ whiteSpace: 'nowrap' }} {...props}>
      {formatRelative(iso, now)}
    </Text>
  );
}
