/**
 * One recording: what it is (who, where, as whom, when, how long) and the player. Loaded on demand with
 * xterm.js; the cast is parsed here as data, never run.
 */
import { useMemo } from 'react';
import { Alert, Anchor, Breadcrumbs, Group, Paper, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { IconAlertTriangle, IconKeyboard } from '@tabler/icons-react';
import { Link, useParams } from 'react-router';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { RecordingPlayer } from '../components/recordings/RecordingPlayer.js';
import { recordingSeconds, RecordingStateBadge } from '../components/recordings/RecordingsTable.js';
import { formatBytes, formatDateTime, formatDuration } from '../format.js';
import { parseCast } from '../recordings/asciicast.js';
import { fetchCast, getRecording, maxCastBytes, type Recording } from '../recordings/recordingsApi.js';

function RecordingSummary({ recording }: { recording: Recording }) {
  const seconds = recordingSeconds(recording);
  return (
    <Paper withBorder radius="md" p={{ base: 'sm', sm: 'md' }}>
      <Group justify="space-between" align="flex-start" gap="sm">
        <Stack gap={4} style={{ minWidth: 0 }}>
          <Group gap="sm" align="center">
            <Title order={2} className="gh-break" ff="monospace" fz={{ base: 'lg', sm: 'xl' }}>
              {recording.unixUser}@{recording.hostName}
            </Title>
            <RecordingStateBadge state={recording.state} />
          </Group>
          <Text size="sm" c="dimmed" className="gh-break">
            Opened by {recording.user} · started {formatDateTime(recording.startedAt)}
            {seconds !== null && ` · ${formatDuration(seconds)}`} · {formatBytes(recording.bytes)}
          </Text>
        </Stack>
        {recording.inputRecorded && (
          <Group gap={6} c="dimmed" wrap="nowrap">
            <IconKeyboard size={16} />
            <Text size="xs">Keystrokes recorded</Text>
          </Group>
        )}
      </Group>
    </Paper>
  );
}

export function RecordingPlayerPage() {
  const { recordingId = '' } = useParams();
  const meta = useQuery({
    queryKey: ['recording', recordingId],
    queryFn: ({ signal }) => getRecording(recordingId, signal),
  });
  const download = useQuery({
    queryKey: ['recording', recordingId, 'cast'],
    queryFn: ({ signal }) => fetchCast(recordingId, signal),
    // A recording does not change once written; a live one is reloaded by coming back to it.
    staleTime: Infinity,
    refetchOnWindowFocus: false,
    gcTime: 0,
  });
  const parsed = useMemo(() => {
    if (!download.data) return null;
    try {
      return { cast: parseCast(download.data.text), error: null };
    } catch (error) {
      return { cast: null, error };
    }
  }, [download.data]);

  return (
    <Stack gap="md">
      <Breadcrumbs>
        <Anchor component={Link} to="/recordings" size="sm">
          Recordings
        </Anchor>
        <Text size="sm" ff="monospace" className="gh-truncate" maw={240}>
          {recordingId}
        </Text>
      </Breadcrumbs>

      {meta.data ? (
        <RecordingSummary recording={meta.data} />
      ) : meta.isError ? (
        <ErrorAlert error={meta.error} title="Could not load the recording's details" onRetry={() => void meta.refetch()} />
      ) : (
        <Skeleton height={76} radius="md" />
      )}

      {meta.data?.state === 'recording' && (
        <Alert color="red" variant="light" p="xs">
          This session is still being recorded; the player shows it up to the moment the page loaded.
        </Alert>
      )}
      {download.data?.truncated && (
        <Alert color="orange" variant="light" p="xs" icon={<IconAlertTriangle size={18} />}>
          This recording is larger than {formatBytes(maxCastBytes)}; the player shows its first {formatBytes(maxCastBytes)}.
        </Alert>
      )}
      {parsed?.cast && parsed.cast.skipped > 0 && (
        <Alert color="orange" variant="light" p="xs" icon={<IconAlertTriangle size={18} />}>
          {parsed.cast.skipped} {parsed.cast.skipped === 1 ? 'line' : 'lines'} of the recording could not be read and
          {parsed.cast.skipped === 1 ? ' was' : ' were'} skipped.
        </Alert>
      )}

      {download.isError ? (
        <ErrorAlert error={download.error} title="Could not load the recording" onRetry={() => void download.refetch()} />
      ) : parsed?.error ? (
        <ErrorAlert error={parsed.error} title="Cannot play this recording" />
      ) : parsed?.cast ? (
        <RecordingPlayer cast={parsed.cast} />
      ) : (
        <Skeleton height={420} radius="md" aria-label="Loading the recording" />
      )}
    </Stack>
  );
}

export default RecordingPlayerPage;
