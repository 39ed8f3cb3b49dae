/**
 * A site's standing alarms as a card on the site page, above the equipment: the same list as the fleet page,
 * without the site column. Quiet when there is nothing; absent for users who may not see alarms.
 */
import { Anchor, Badge, Card, Group, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { useUser } from '../session.js';
import { AlarmListView } from './AlarmListView.js';
import { needsAcknowledge } from './alarmFormat.js';
import { alarmPermissions, useAlarms } from './alarmsApi.js';

const noSiteNames: ReadonlyMap<string, string> = new Map();

export function SiteAlarms({ siteId }: { siteId: string }) {
  const may = alarmPermissions(useUser());
  const alarms = useAlarms({ siteId }, may.read);
  if (!may.read) return null;

  const list = alarms.data ?? [];
  const waiting = list.filter(needsAcknowledge).length;
  return (
    <Card withBorder radius="md" padding="sm" component="section" aria-label="Site alarms" data-site-alarms={siteId}>
      <Stack gap="sm">
        <Group justify="space-between" gap="sm">
          <Group gap="sm">
            <Title order={4}>Alarms</Title>
            {alarms.data && (
              <Text size="sm" c="dimmed">
                {list.length === 0 ? 'none standing' : `${list.length} standing`}
              </Text>
            )}
            {waiting > 0 && (
              <Badge color="red" variant="filled" size="sm" style={{ textTransform: 'none' }}>
                {waiting} unacknowledged
              </Badge>
            )}
          </Group>
          <Anchor component={Link} to={`/alarms?site=${encodeURIComponent(siteId)}`} size="sm">
            All alarms
          </Anchor>
        </Group>
        {alarms.isError && !alarms.data ? (
          <ErrorAlert error={alarms.error} title="Could not load the site's alarms" onRetry={() => void alarms.refetch()} />
        ) : list.length === 0 && alarms.data ? null : (
          <AlarmListView
            alarms={list}
            loading={alarms.isPending}
            empty={null}
            showSite={false}
            siteNames={noSiteNames}
            label="Site alarms"
          />
        )}
      </Stack>
    </Card>
  );
}
