/**
 * The keys a phone's keyboard lacks and a shell needs: Esc, Tab, Ctrl-C, Ctrl-D and the arrows. Arrows follow
 * the terminal's cursor-key mode, as xterm.js itself would send them (vim and less switch it on).
 */
import { Button, Group } from '@mantine/core';
import type { Terminal } from '@xterm/xterm';

const keys: { label: string; aria: string; send: (term: Terminal) => string }[] = [
  { label: 'Esc', aria: 'Escape', send: () => '\x1b' },
  { label: 'Tab', aria: 'Tab', send: () => '\t' },
  { label: '^C', aria: 'Control-C', send: () => '\x03' },
  { label: '^D', aria: 'Control-D', send: () => '\x04' },
  { label: '↑', aria: 'Up', send: (t) => (t.modes.applicationCursorKeysMode ? '\x1bOA' : '\x1b[A') },
  { label: '↓', aria: 'Down', send: (t) => (t.modes.applicationCursorKeysMode ? '\x1bOB' : '\x1b[B') },
  { label: '←', aria: 'Left', send: (t) => (t.modes.applicationCursorKeysMode ? '\x1bOD' : '\x1b[D') },
  { label: '→', aria: 'Right', send: (t) => (t.modes.applicationCursorKeysMode ? '\x1bOC' : '\x1b[C') },
];

export function KeyBar({ term, onKey }: { term: Terminal | null; onKey: (data: string) => void }) {
  return (
    <Group gap={4} wrap="nowrap" style={{ overflowX: 'auto' }} aria-label="Extra keys">
      {keys.map((key) => (
        <Button
          key={key.label}
          size="compact-sm"
          variant="default"
          ff="monospace"
          aria-label={key.aria}
          disabled={!term}
          // Keep the keyboard up: the button must not take focus from the terminal.
          onMouseDown={(event) => event.preventDefault()}
          onClick={() => {
            if (!term) return;
            onKey(key.send(term));
            term.focus();
          }}
          style={{ flex: '1 0 auto' }}
        >
          {key.label}
        </Button>
      ))}
    </Group>
  );
}
