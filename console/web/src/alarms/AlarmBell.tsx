/**
 * The header's alarm bell: how many alarms wait for an acknowledgement, in the colour of the highest priority
 * among them, linking to the list; and a sound toggle. A short tone plays when a new unacknowledged alarm appears
 * in the fleet list (pushed by the live socket, or found by the safety-net refetch after a missed push), at most
 * once every few seconds (a flood must not become a siren), and only once the operator has turned the sound on
 * here — muted by default, remembered in this browser. Alarms already standing when the page loads stay silent.
 */
import { useEffect, useRef, useState } from 'react';
import { ActionIcon, Button, Group, Tooltip } from '@mantine/core';
import { IconBell, IconBellRinging, IconVolume, IconVolumeOff } from '@tabler/icons-react';
import { Link } from 'react-router';
import { useUser } from '../session.js';
import { highestUnacknowledged, needsAcknowledge, priorityLook } from './alarmFormat.js';
import { alarmPermissions, useAlarms } from './alarmsApi.js';
import { alarmSoundWanted, playAlarmTone, rememberAlarmSound, unlockAlarmTone } from './alarmTone.js';

/** The shortest time between two tones. */
const quietMs = 4_000;

export function AlarmBell() {
  const may = alarmPermissions(useUser());
  const alarms = useAlarms({}, may.read);
  const [sound, setSound] = useState(alarmSoundWanted);
  const soundRef = useRef(sound);
  soundRef.current = sound;
  // Each raising of an alarm sounds once: its id with the time it was raised. Null until the first list arrives.
  const heard = useRef<Set<string> | null>(null);
  const lastTone = useRef(0);

  useEffect(() => {
    if (!alarms.data) return;
    const raised = alarms.data.filter((a) => a.state === 'unacknowledged').map((a) => `${a.id} ${a.raisedAt}`);
    const first = heard.current === null;
    const seen = (heard.current ??= new Set());
    const fresh = raised.filter((key) => !seen.has(key));
    for (const key of fresh) seen.add(key);
    if (first || fresh.length === 0 || !soundRef.current) return;
    const now = Date.now();
    if (now - lastTone.current < quietMs) return;
    lastTone.current = now;
    playAlarmTone();
  }, [alarms.data]);

  if (!may.read) return null;

  const list = alarms.data ?? [];
  const waiting = list.filter(needsAcknowledge).length;
  const top = highestUnacknowledged(list);
  const label = waiting === 0 ? 'Alarms: none unacknowledged' : `Alarms: ${waiting} unacknowledged`;

  const toggleSound = () => {
    const next = !sound;
    if (next) unlockAlarmTone();
    rememberAlarmSound(next);
    setSound(next);
  };

  return (
    <Group gap={4} wrap="nowrap">
      <Tooltip label={top ? `Highest: ${priorityLook[top].label}` : 'No alarm waits for acknowledgement'}>
        <Button
          component={Link}
          to="/alarms"
          size="compact-sm"
          variant={top ? 'filled' : 'subtle'}
          color={top ? priorityLook[top].color : 'gray'}
          autoContrast
          leftSection={top ? <IconBellRinging size={16} aria-hidden /> : <IconBell size={16} aria-hidden />}
          aria-label={label}
          data-unacknowledged={waiting}
          data-priority={top ?? undefined}
        >
          {waiting}
        </Button>
      </Tooltip>
      <Tooltip label={sound ? 'Alarm sound on: click to mute' : 'Alarm sound muted: click to turn on'}>
        <ActionIcon variant="subtle" color="gray" onClick={toggleSound} aria-label={sound ? 'Mute alarm sound' : 'Turn alarm sound on'} aria-pressed={sound}>
          {sound ? <IconVolume size={18} /> : <IconVolumeOff size={18} />}
        </ActionIcon>
      </Tooltip>
    </Group>
  );
}
