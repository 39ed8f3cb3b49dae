/**
 * A recording replayed into a read-only terminal at the size it was recorded, with play, pause, speed, a
 * position slider and text search below it (the screen gets the page's whole width).
 */
import { useEffect, useRef, useState } from 'react';
import { Box, Paper, Stack } from '@mantine/core';
import type { Cast } from '../../recordings/asciicast.js';
import { CastPlayer, type PlayerSnapshot } from '../../recordings/castPlayer.js';
import { createTerminal } from '../../terminal/xterm.js';
import { appHeaderHeight } from '../../theme.js';
import { CastSearch } from './CastSearch.js';
import { PlayerControls } from './PlayerControls.js';

/**
 * A font size (9–14 px) that fits the recorded screen into the box's width and, with the controls, the window's
 * height; a screen too large even at 9 px scrolls inside its box.
 */
function fontSizeFor(width: number, cols: number, rows: number): number {
  // DejaVu Sans Mono and its peers are about 0.6 em wide and, at our line height, 1.15 em tall; the padding is
  // 20 px across, and the header, summary and controls take about 300 px of the window's height.
  const byWidth = (width - 20) / (cols * 0.61);
  const byHeight = (window.innerHeight - 300) / (rows * 1.2);
  return Math.max(9, Math.min(14, Math.floor(Math.min(byWidth, byHeight))));
}

export function RecordingPlayer({ cast }: { cast: Cast }) {
  const screenRef = useRef<HTMLDivElement>(null);
  const playerRef = useRef<CastPlayer | null>(null);
  const [snapshot, setSnapshot] = useState<PlayerSnapshot>({ time: 0, playing: false, speed: 1, seeking: false, ended: false });

  useEffect(() => {
    const screen = screenRef.current;
    if (!screen) return;
    const handle = createTerminal(screen, {
      disableStdin: true,
      cursorBlink: false,
      cursorInactiveStyle: 'none',
      scrollback: 2000,
      fontSize: fontSizeFor(screen.clientWidth, cast.header.width, cast.header.height),
    });
    const player = new CastPlayer(handle.term, cast, setSnapshot);
    playerRef.current = player;
    player.play();
    return () => {
      player.dispose();
      handle.dispose();
      playerRef.current = null;
    };
  }, [cast]);

  const seek = (time: number) => void playerRef.current?.seek(time);
  // A search hit is somewhere to read: stop there rather than play past it.
  const jump = (time: number) => {
    playerRef.current?.pause();
    seek(time);
    screenRef.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  };

  return (
    <Stack gap="sm">
      <Box
        ref={screenRef}
        className="gh-player-screen"
        role="img"
        aria-label="Recorded terminal screen"
        data-player-screen
        style={{ scrollMarginTop: appHeaderHeight + 8 }}
      />
      <Paper withBorder radius="md" p="xs">
        <PlayerControls
          snapshot={snapshot}
          duration={cast.duration}
          onPlay={() => playerRef.current?.play()}
          onPause={() => playerRef.current?.pause()}
          onSpeed={(speed) => playerRef.current?.setSpeed(speed)}
          onSeek={seek}
        />
      </Paper>
      <Paper withBorder radius="md" p="sm">
        <CastSearch events={cast.events} onJump={jump} />
      </Paper>
    </Stack>
  );
}
