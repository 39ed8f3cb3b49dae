import { useEffect, useState } from 'react';
import { ActionIcon, Group, Loader, SegmentedControl, Slider, Text, Tooltip } from '@mantine/core';
import { IconPlayerPauseFilled, IconPlayerPlayFilled, IconRotateClockwise } from '@tabler/icons-react';
import type { PlayerSnapshot } from '../../recordings/castPlayer.js';

export const playbackSpeeds = [1, 2, 8] as const;

/** 0:07, 4:32, 1:02:09: a position in a recording. */
export function formatPlayTime(seconds: number): string {
  const total = Math.max(0, Math.floor(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

export function PlayerControls({
  snapshot,
  duration,
  onPlay,
  onPause,
  onSpeed,
  onSeek,
}: {
  snapshot: PlayerSnapshot;
  duration: number;
  onPlay: () => void;
  onPause: () => void;
  onSpeed: (speed: number) => void;
  onSeek: (time: number) => void;
}) {
  // While the thumb is dragged it shows where it is; the screen follows when it is let go.
  const [dragging, setDragging] = useState<number | null>(null);
  useEffect(() => {
    if (!snapshot.seeking) setDragging(null);
  }, [snapshot.seeking]);
  const shown = dragging ?? snapshot.time;

  return (
    <Group gap="sm" wrap="nowrap" align="center">
      {snapshot.playing ? (
        <Tooltip label="Pause">
          <ActionIcon size="lg" variant="filled" onClick={onPause} aria-label="Pause">
            <IconPlayerPauseFilled size={18} />
          </ActionIcon>
        </Tooltip>
      ) : (
        <Tooltip label={snapshot.ended ? 'Play again from the start' : 'Play'}>
          <ActionIcon size="lg" variant="filled" onClick={onPlay} aria-label={snapshot.ended ? 'Replay' : 'Play'}>
            {snapshot.ended ? <IconRotateClockwise size={18} /> : <IconPlayerPlayFilled size={18} />}
          </ActionIcon>
        </Tooltip>
      )}
      <Text size="sm" ff="monospace" className="gh-num" style={{ whiteSpace: 'nowrap' }} data-player-time={snapshot.time.toFixed(2)}>
        {formatPlayTime(shown)} / {formatPlayTime(duration)}
      </Text>
      <Slider
        thumbLabel="Position in the recording"
        style={{ flex: 1, minWidth: 80 }}
        min={0}
        max={Math.max(duration, 0.1)}
        step={0.1}
        value={Math.min(shown, Math.max(duration, 0.1))}
        label={(value) => formatPlayTime(value)}
        onChange={setDragging}
        onChangeEnd={(value) => onSeek(value)}
      />
      {snapshot.seeking && <Loader size={14} aria-label="Seeking" />}
      <SegmentedControl
        aria-label="Playback speed"
        size="xs"
        value={String(snapshot.speed)}
        onChange={(value) => onSpeed(Number(value))}
        data={playbackSpeeds.map((speed) => ({ value: String(speed), label: `${speed}×` }))}
      />
    </Group>
  );
}
