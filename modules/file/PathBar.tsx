import { useEffect, useRef, useState } from 'react';
import { ActionIcon, Anchor, Group, Paper, Text, TextInput, Tooltip } from '@mantine/core';
import { IconArrowUp, IconCornerDownLeft, IconPencil } from '@tabler/icons-react';
import { normalizeTypedPath, parentPath, pathSegments } from './filePaths.js';

/**
 * Where we are, as clickable crumbs; the pencil (or a click on the empty part of the bar) turns it into a box
 * to type a path into, Enter to go, Escape to cancel.
 */
export function PathBar({ path, onNavigate }: { path: string; onNavigate: (path: string) => void }) {
  const [editing, setEditing] = useState(false);
  const [typed, setTyped] = useState(path);
  const [problem, setProblem] = useState<string | undefined>();
  const input = useRef<HTMLInputElement>(null);
  const crumbs = useRef<HTMLDivElement>(null);

  // A deep path on a narrow screen: show its end, the folder we are in.
  useEffect(() => {
    crumbs.current?.scrollTo({ left: crumbs.current.scrollWidth });
  }, [path, editing]);

  useEffect(() => {
    setTyped(path);
    setEditing(false);
    setProblem(undefined);
  }, [path]);
  useEffect(() => {
    if (editing) input.current?.select();
  }, [editing]);

  const go = () => {
    const next = normalizeTypedPath(typed);
    if (!next) {
      setProblem('Type an absolute path, starting with /');
      return;
    }
    setEditing(false);
    onNavigate(next);
  };

  const up = (
    <Tooltip label="Up one folder">
      <ActionIcon variant="default" size="lg" aria-label="Up one folder" disabled={path === '/'} onClick={() => onNavigate(parentPath(path))}>
        <IconArrowUp size={16} />
      </ActionIcon>
    </Tooltip>
  );

  if (editing) {
    return (
      <Group gap="xs" wrap="nowrap" align="flex-start">
        {up}
        <TextInput
          ref={input}
          aria-label="Path"
          value={typed}
          onChange={(event) => {
            setTyped(event.currentTarget.value);
            setProblem(undefined);
          }}
          onKeyDown={(event) => {
            if (event.key === 'Enter') go();
            if (event.key === 'Escape') {
              setTyped(path);
              setEditing(false);
            }
          }}
          onBlur={() => !problem && setEditing(false)}
          error={problem}
          classNames={{ input: 'gh-mono-input' }}
          style={{ flexGrow: 1 }}
          spellCheck={false}
          autoComplete="off"
          rightSection={
            <ActionIcon variant="subtle" aria-label="Go" onMouseDown={(event) => event.preventDefault()} onClick={go}>
              <IconCornerDownLeft size={16} />
            </ActionIcon>
          }
        />
      </Group>
    );
  }

  const segments = pathSegments(path);
  return (
    <Group gap="xs" wrap="nowrap">
      {up}
      <Paper
        withBorder
        px="sm"
        h={36}
        style={{ flexGrow: 1, display: 'flex', alignItems: 'center', minWidth: 0, overflow: 'hidden', cursor: 'text' }}
        onClick={(event) => {
          if (event.target === event.currentTarget) setEditing(true);
        }}
        aria-label="Current folder"
        data-testid="path-bar"
        data-path={path}
      >
        {/* Reads as the path itself, /etc/nginx, with every folder in it clickable. */}
        <Group ref={crumbs} gap={0} wrap="nowrap" style={{ minWidth: 0, overflowX: 'auto', scrollbarWidth: 'none' }}>
          {segments.map((segment, index) => {
            const last = index === segments.length - 1;
            const label = index === 0 ? '/' : segment.name;
            return (
              <Group key={segment.path} gap={0} wrap="nowrap" style={{ minWidth: 0, flexShrink: last ? 1 : 0 }}>
                {index > 1 && (
                  <Text size="sm" ff="monospace" c="dimmed" px={1} aria-hidden>
                    /
                  </Text>
                )}
                {last ? (
                  <Text size="sm" ff="monospace" fw={600} className="gh-truncate" aria-current="location">
                    {label}
                  </Text>
                ) : (
                  <Anchor
                    component="button"
                    type="button"
                    size="sm"
                    ff="monospace"
                    onClick={() => onNavigate(segment.path)}
                    aria-label={index === 0 ? 'Root folder' : `Go to ${segment.path}`}
                    style={{ whiteSpace: 'nowrap' }}
                  >
                    {label}
                  </Anchor>
                )}
              </Group>
            );
          })}
        </Group>
      </Paper>
      <Tooltip label="Type a path">
        <ActionIcon variant="default" size="lg" aria-label="Type a path" onClick={() => setEditing(true)}>
          <IconPencil size={16} />
        </ActionIcon>
      </Tooltip>
    </Group>
  );
}
