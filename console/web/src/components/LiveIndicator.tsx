import { Badge, Loader, Tooltip } from '@mantine/core';
import { useLiveStatus } from '../live.js';

/** Quiet unless the live connection is down: then a small "Reconnecting…" says the numbers may be stale. */
export function LiveIndicator() {
  const status = useLiveStatus();
  if (status !== 'reconnecting') return null;
  return (
    <Tooltip label="Live updates are paused; the page shows the last known state until the connection returns.">
      <Badge
        variant="light"
        color="gray"
        size="md"
        leftSection={<Loader size={10} color="gray" type="oval" />}
        role="status"
        aria-live="polite"
      >
        Reconnecting…
      </Badge>
    </Tooltip>
  );
}
