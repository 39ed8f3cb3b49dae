/**
 * One alarm in full, beside the list: what and where, value against limit, when it came and went, who
 * acknowledged it, why it is held, the actions allowed now, its rule in a sentence, the maintenance window it is
 * in, every transition, and every attempt to notify someone with its outcome.
 */
import type { ReactNode } from 'react';
import { Alert, Anchor, Divider, Drawer, Group, SimpleGrid, Skeleton, Stack, Text, Title } from '@mantine/core';
import { LabelledValue } from '../components/LabelledValue.js';
import { IconTool } from '@tabler/icons-react';
import { Link } from 'react-router';
import type { Alarm } from '../../../../modules/kernel/alarm-model.js';
import type { AlarmDetail } from '../../../../modules/kernel/alarm-api.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { formatDateTime } from '../format.js';
import { useNow } from '../hooks/useNow.js';
import { usePhone } from '../hooks/usePhone.js';
import { AlarmActions } from './AlarmActions.js';
import { AlarmPriorityChip, StateBadge } from './AlarmBadges.js';
import { AlarmHistory } from './AlarmHistory.js';
import {
  describeAlarmRule,
  describeSource,
  formatAlarmValue,
  formatLimit,
  holdReason,
  shelveLimitText,
  standingText,
} from './alarmFormat.js';
import { useAlarmDetail, useHostNames } from './alarmsApi.js';
import { NotificationAttempts } from './NotificationAttempts.js';

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Stack gap={6} component="section" aria-label={title}>
      <Title order={5}>{title}</Title>
      {children}
    </Stack>
  );
}

function Facts({ alarm, detail, siteNames }: { alarm: Alarm; detail: AlarmDetail | undefined; siteNames: ReadonlyMap<string, string> }) {
  const now = useNow(5_000);
  const hostNames = useHostNames();
  const reason = detail ? holdReason(detail.history, alarm.state) : null;
  const limit = formatLimit(alarm);
  return (
    <SimpleGrid cols={{ base: 2, xs: 3 }} spacing="sm" verticalSpacing="xs">
      <LabelledValue label="Source">
        <Text size="sm" className="gh-break">
          {describeSource(alarm, { hostNames, siteNames, showSite: true })}
        </Text>
        {alarm.source.siteId && (
          <Anchor component={Link} to={`/sites/${encodeURIComponent(alarm.source.siteId)}`} size="xs">
            Open the site
          </Anchor>
        )}
      </LabelledValue>
      <LabelledValue label="Value">
        <Text size="sm" className="gh-num" fw={600}>
          {formatAlarmValue(alarm.value)}
          {limit && (
            <Text span size="sm" c="dimmed" fw={400}>
              {' '}
              ({limit})
            </Text>
          )}
        </Text>
      </LabelledValue>
      <LabelledValue label="Condition">
        <Text size="sm">{alarm.active ? 'Active' : 'Cleared'}</Text>
      </LabelledValue>
      <LabelledValue label="In">
        <Text size="sm" className="gh-num">
          {formatDateTime(alarm.raisedAt)}
        </Text>
        <Text size="xs" c="dimmed">
          {standingText(alarm, now)}
        </Text>
      </LabelledValue>
      <LabelledValue label="Out">
        <Text size="sm" className="gh-num" c={alarm.clearedAt ? undefined : 'dimmed'}>
          {alarm.clearedAt ? formatDateTime(alarm.clearedAt) : 'still active'}
        </Text>
      </LabelledValue>
      <LabelledValue label="Acknowledged">
        {alarm.acknowledgedBy ? (
          <>
            <Text size="sm">{alarm.acknowledgedBy}</Text>
            <Text size="xs" c="dimmed" className="gh-num">
              {formatDateTime(alarm.acknowledgedAt)}
            </Text>
          </>
        ) : (
          <Text size="sm" c="dimmed">
            not yet
          </Text>
        )}
      </LabelledValue>
      {alarm.state === 'shelved' && (
        <LabelledValue label="Shelved">
          <Text size="sm">{alarm.shelvedUntil ? `until ${formatDateTime(alarm.shelvedUntil)}` : 'until it clears'}</Text>
          {reason && (
            <Text size="xs" c="dimmed" className="gh-break">
              {reason}
            </Text>
          )}
        </LabelledValue>
      )}
      {alarm.state === 'out-of-service' && (
        <LabelledValue label="Out of service">
          <Text size="sm" className="gh-break">
            {reason ?? 'no reason recorded'}
          </Text>
        </LabelledValue>
      )}
    </SimpleGrid>
  );
}

function Body({ alarmId, fallback, siteNames }: { alarmId: string; fallback: Alarm | undefined; siteNames: ReadonlyMap<string, string> }) {
  const detail = useAlarmDetail(alarmId);
  const alarm = detail.data?.alarm ?? fallback;
  if (!alarm) {
    return detail.isError ? (
      <ErrorAlert error={detail.error} title="Could not load the alarm" onRetry={() => void detail.refetch()} />
    ) : (
      <Stack gap="sm">
        <Skeleton h={28} w="70%" />
        <Skeleton h={120} />
      </Stack>
    );
  }
  const rule = detail.data?.rule;
  const maintenance = detail.data?.maintenance;
  return (
    <Stack gap="md" data-alarm-id={alarm.id} data-state={alarm.state}>
      <div>
        <Group gap={6} wrap="wrap" mb={6}>
          <AlarmPriorityChip alarm={alarm} size="md" />
          <StateBadge state={alarm.state} size="md" />
        </Group>
        <Title order={3} className="gh-break">
          {alarm.message}
        </Title>
        <Text size="xs" c="dimmed">
          {alarm.kind} · {alarm.ruleId}
        </Text>
      </div>

      <AlarmActions alarm={alarm} rule={rule} />
      <Facts alarm={alarm} detail={detail.data} siteNames={siteNames} />

      {maintenance && (
        <Alert color="gray" variant="light" icon={<IconTool size={18} />} title="In a maintenance window">
          Until {formatDateTime(maintenance.to)}: {maintenance.reason} ({maintenance.createdBy}). Alarms are recorded but nobody is paged.
        </Alert>
      )}
      {detail.isError && <ErrorAlert error={detail.error} title="Could not load the alarm's history" onRetry={() => void detail.refetch()} />}

      {rule && (
        <Section title="Rule">
          <Text size="sm">{describeAlarmRule(rule)}</Text>
          <Text size="xs" c="dimmed">
            {[rule.latching ? 'Latching: stays until reset' : null, shelveLimitText(rule.maxShelveMinutes), rule.suppressedWhen ? `Suppressed while ${rule.suppressedWhen.tag} is ${String(rule.suppressedWhen.equals)}` : null]
              .filter(Boolean)
              .join(' · ')}
          </Text>
        </Section>
      )}

      <Divider />
      <Section title="Notifications">
        {detail.data ? <NotificationAttempts attempts={detail.data.attempts} /> : <Skeleton h={60} />}
      </Section>
      <Section title="History">{detail.data ? <AlarmHistory history={detail.data.history} /> : <Skeleton h={120} />}</Section>
    </Stack>
  );
}

/**
 * The drawer is open while `alarmId` is set. `fallback` is the list's copy of the alarm, shown until the detail
 * loads so the drawer never opens empty.
 */
export function AlarmDetailDrawer({
  alarmId,
  fallback,
  siteNames,
  onClose,
}: {
  alarmId: string | null;
  fallback?: Alarm;
  siteNames: ReadonlyMap<string, string>;
  onClose: () => void;
}) {
  const phone = usePhone();
  return (
    <Drawer opened={alarmId !== null} onClose={onClose} position="right" size={phone ? '100%' : 'xl'} title={<Text fw={650}>Alarm</Text>}>
      {alarmId !== null && <Body alarmId={alarmId} fallback={fallback} siteNames={siteNames} />}
    </Drawer>
  );
}
