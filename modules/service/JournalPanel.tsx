/**
 * A unit's journal: the last N lines or since a time, filtered by priority, and a Follow switch that appends
 * new lines live from the module's `follow` stream. Lines are text from the host: rendered as text, never HTML,
 * with control characters made visible.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { Alert, Box, Button, Group, Loader, ScrollArea, Select, Stack, Switch, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { IconRefresh } from '@tabler/icons-react';
import type { z } from 'zod';
import { apiCall } from '../../console/web/src/api.js';
import { describeError, ErrorAlert } from '../../console/web/src/components/ErrorAlert.js';
import { readModuleStream } from '../../console/web/src/moduleStream.js';
import type { contract, JournalEntry } from './contract.js';
import { priorityInfo } from './unitLabels.js';

type JournalResult = z.output<typeof contract.methods.journal.result>;
type PriorityName = (typeof priorityInfo)[number]['name'];

/** Most lines kept on the page while following; older ones scroll away. */
const maxLines = 2000;

const rangeChoices = [
  { value: 'last-100', label: 'Last 100 lines' },
  { value: 'last-500', label: 'Last 500 lines' },
  { value: 'since-15m', label: 'Last 15 minutes' },
  { value: 'since-1h', label: 'Last hour' },
  { value: 'since-24h', label: 'Last 24 hours' },
];

function rangeParams(range: string): { lines: number; since?: string } {
  const minutes = { 'since-15m': 15, 'since-1h': 60, 'since-24h': 24 * 60 }[range];
  if (minutes !== undefined) return { lines: 5000, since: new Date(Date.now() - minutes * 60_000).toISOString() };
  return { lines: range === 'last-500' ? 500 : 100 };
}

/** Escape sequences and other control characters shown as ␛-style symbols, so a log cannot restyle the page. */
function visible(message: string): string {
  return message.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, (c) => String.fromCharCode(0x2400 + (c === '\u007f' ? 0x21 : c.charCodeAt(0))));
}

function timeOf(iso: string): string {
  return iso ? iso.slice(5, 10) + ' ' + iso.slice(11, 19) : '';
}

function JournalLine({ entry, showUnit }: { entry: JournalEntry; showUnit: boolean }) {
  const info = priorityInfo[entry.priority] ?? priorityInfo[6];
  const severe = entry.priority <= 4;
  return (
    <Box
      component="div"
      style={{ display: 'flex', gap: 8, whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}
      data-priority={entry.priority}
    >
      <Text span c="dimmed" ff="monospace" fz="xs" style={{ flexShrink: 0 }} title={entry.time}>
        {timeOf(entry.time)}
      </Text>
      <Text span ff="monospace" fz="xs" c={severe ? info.color : undefined} fw={entry.priority <= 3 ? 600 : undefined}>
        <Text span c="dimmed" inherit>
          {showUnit ? `${entry.unit || entry.identifier}: ` : entry.identifier ? `${entry.identifier}${entry.pid ? `[${entry.pid}]` : ''}: ` : ''}
        </Text>
        <span data-message>{visible(entry.message)}</span>
      </Text>
    </Box>
  );
}

export function JournalPanel({ hostId, unit, online }: { hostId: string; unit?: string; online: boolean }) {
  const [priority, setPriority] = useState<PriorityName>('info');
  const [range, setRange] = useState('last-100');
  const [follow, setFollow] = useState(false);
  const [followed, setFollowed] = useState<JournalEntry[]>([]);
  const [followError, setFollowError] = useState<unknown>(null);
  const viewport = useRef<HTMLDivElement>(null);

  // Priority "debug" means everything; asking journalctl for it is the same as not filtering.
  const priorityParam = priority === 'debug' ? undefined : priority;
  const journal = useQuery({
    queryKey: ['host', hostId, 'service', 'journal', unit ?? '', priority, range],
    queryFn: ({ signal }) =>
      apiCall<JournalResult>(hostId, 'service', 'journal', { unit, priority: priorityParam, ...rangeParams(range) }, { signal }),
    enabled: online && !follow,
    staleTime: 0,
  });

  useEffect(() => {
    setFollowed([]);
    // The reason following stopped stays on screen until the user follows again.
    if (!follow || !online) return;
    setFollowError(null);
    const controller = new AbortController();
    // A busy journal (or the backlog) brings many lines at once: render them in batches, not one by one.
    let pending: JournalEntry[] = [];
    let flushTimer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      flushTimer = undefined;
      const batch = pending;
      pending = [];
      setFollowed((previous) => [...previous, ...batch].slice(-maxLines));
    };
    readModuleStream(
      hostId,
      'service',
      'follow',
      // The backlog comes from the same journalctl that then follows, so no line falls between the two.
      { unit, priority: priorityParam, backlog: Math.min(rangeParams(range).lines, 1000) },
      {
        signal: controller.signal,
        onLine: (line) => {
          try {
            pending.push(JSON.parse(line) as JournalEntry);
            flushTimer ??= setTimeout(flush, 100);
          } catch {
            // A line that is not an entry is not shown; the agent writes whole lines, so this is a cut stream.
          }
        },
      },
    ).catch((error: unknown) => {
      if (!controller.signal.aborted) {
        setFollowError(error);
        setFollow(false);
      }
    });
    return () => {
      controller.abort();
      clearTimeout(flushTimer);
    };
  }, [follow, online, hostId, unit, priorityParam, range]);

  const entries = useMemo(() => (follow ? followed : (journal.data?.entries ?? [])), [follow, journal.data, followed]);

  // Keep the newest line in view while following, as `tail -f` does.
  useEffect(() => {
    const el = viewport.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [entries.length]);

  return (
    <Stack gap="xs">
      <Group gap="sm" align="flex-end" wrap="wrap">
        <Select
          label="Priority"
          size="xs"
          w={170}
          allowDeselect={false}
          value={priority}
          onChange={(value) => value && setPriority(value as PriorityName)}
          data={priorityInfo.map((p) => ({ value: p.name, label: p.name === 'debug' ? 'Everything' : `${p.label} and worse` }))}
        />
        <Select
          label="Range"
          size="xs"
          w={160}
          allowDeselect={false}
          value={range}
          onChange={(value) => value && setRange(value)}
          data={rangeChoices}
        />
        <Switch
          label={follow ? 'Following' : 'Follow'}
          checked={follow}
          onChange={(event) => setFollow(event.currentTarget.checked)}
          disabled={!online}
          mb={4}
          thumbIcon={follow ? <Loader size={8} color="teal" /> : undefined}
        />
        <Button
          size="xs"
          variant="default"
          leftSection={<IconRefresh size={14} />}
          onClick={() => void journal.refetch()}
          loading={journal.isFetching}
          disabled={follow}
          mb={1}
        >
          Refresh
        </Button>
      </Group>
      {followError !== null && (
        <Alert color="red" variant="light" p="xs">
          Following stopped: {describeError(followError).message} ({describeError(followError).code})
        </Alert>
      )}
      {journal.isError && !follow ? (
        <ErrorAlert error={journal.error} title="Could not read the journal" onRetry={() => void journal.refetch()} />
      ) : (
        <ScrollArea.Autosize mah="55vh" viewportRef={viewport} type="auto" offsetScrollbars>
          <Box
            p="xs"
            aria-label="Journal"
            aria-live={follow ? 'polite' : 'off'}
            style={{ borderRadius: 4, background: 'var(--mantine-color-default-hover)', minHeight: 80 }}
          >
            {journal.isPending && !follow ? (
              <Text size="xs" c="dimmed">
                Reading the journal…
              </Text>
            ) : entries.length === 0 ? (
              <Text size="xs" c="dimmed">
                No journal lines {priority === 'debug' ? '' : 'at this priority '}in this range{follow ? ' yet; waiting for new ones' : ''}.
              </Text>
            ) : (
              entries.map((entry, index) => <JournalLine key={index} entry={entry} showUnit={unit === undefined} />)
            )}
          </Box>
        </ScrollArea.Autosize>
      )}
      <Text size="xs" c="dimmed">
        {entries.length} line{entries.length === 1 ? '' : 's'}
        {follow ? ' · new lines appear as they are written' : ''}
      </Text>
    </Stack>
  );
}
