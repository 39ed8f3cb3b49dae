/**
 * Search a recording's text: every place the words appeared, with the time, one click from that moment.
 */
import { useMemo, useRef, useState } from 'react';
import { Mark, ScrollArea, Stack, Text, TextInput, UnstyledButton } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconSearch } from '@tabler/icons-react';
import type { CastEvent } from '../../recordings/asciicast.js';
import { castText, searchCast, type CastText } from '../../recordings/castText.js';
import { formatPlayTime } from './PlayerControls.js';

export function CastSearch({ events, onJump }: { events: readonly CastEvent[]; onJump: (time: number) => void }) {
  const [query, setQuery] = useState('');
  const [needle] = useDebouncedValue(query, 200);
  // Built on the first search only, then kept: a long recording's text is large.
  const index = useRef<{ events: readonly CastEvent[]; text: CastText } | null>(null);
  const result = useMemo(() => {
    if (needle.trim() === '') return null;
    if (index.current?.events !== events) index.current = { events, text: castText(events) };
    return searchCast(index.current.text, needle);
  }, [needle, events]);

  return (
    <Stack gap="xs" component="section" aria-label="Search the recording">
      <TextInput
        label="Search the text"
        placeholder="e.g. rm -rf, password, error"
        leftSection={<IconSearch size={16} />}
        value={query}
        onChange={(event) => setQuery(event.currentTarget.value)}
        autoComplete="off"
        spellCheck={false}
        classNames={{ input: 'gh-mono-input' }}
      />
      {result && (
        <Text size="xs" c="dimmed" aria-live="polite">
          {result.matches.length === 0
            ? 'Not found in what was shown on screen.'
            : `${result.matches.length}${result.more ? '+' : ''} ${result.matches.length === 1 ? 'match' : 'matches'}`}
        </Text>
      )}
      {result && result.matches.length > 0 && (
        <ScrollArea.Autosize mah={240} type="auto" offsetScrollbars>
          <Stack gap={2} role="list" aria-label="Matches">
            {result.matches.map((match, i) => (
              <UnstyledButton
                key={`${match.time}-${i}`}
                role="listitem"
                onClick={() => onJump(match.time)}
                data-match-time={match.time.toFixed(3)}
                px={6}
                py={4}
                style={{ borderRadius: 4 }}
                className="gh-search-hit"
                aria-label={`At ${formatPlayTime(match.time)}: ${match.before}${match.match}${match.after}`}
              >
                <Text size="xs" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
                  <Text span size="xs" ff="monospace" c="indigo" fw={600} mr={8}>
                    {formatPlayTime(match.time)}
                  </Text>
                  <Text span size="xs" ff="monospace" c="dimmed">
                    {match.before}
                  </Text>
                  <Mark>{match.match}</Mark>
                  <Text span size="xs" ff="monospace" c="dimmed">
                    {match.after}
                  </Text>
                </Text>
              </UnstyledButton>
            ))}
          </Stack>
        </ScrollArea.Autosize>
      )}
    </Stack>
  );
}
