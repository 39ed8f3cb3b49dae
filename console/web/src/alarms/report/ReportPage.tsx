/**
 * /alarms/report: the alarm system's health for managers, as ISA-18.2 and EEMUA 191 measure it — alarm rates per
 * operator, floods, the most frequent and chattering alarms, time to acknowledge, and what stands, is shelved or
 * is out of service now. Each figure comes with its target and a verdict; "Print" gives a clean paper copy.
 */
import { useState, type ReactNode } from 'react';
import { Alert, Button, Group, NumberInput, SegmentedControl, Select, SimpleGrid, Skeleton, Stack, Text, TextInput, Title } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { IconPrinter, IconRefresh } from '@tabler/icons-react';
import type { AlarmReport } from '../../../../../modules/kernel/alarm-report.js';
import { api } from '../../api.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { formatDateTime, formatDuration } from '../../format.js';
import { useUser } from '../../session.js';
import { sitesQueryKey, type SiteSummary } from '../../sites/sitesApi.js';
import { MeasureCard } from './MeasureCard.js';
import { RateChart } from './RateChart.js';
import { ChatteringTable, FloodTable, FrequentTable, HeldTable, PriorityTable, StandingTable, type SiteName } from './ReportTables.js';
import { formatRate, formatShare, periodChoices, periodRange, toLocalInput, type PeriodChoice } from './reportPeriod.js';
import './report.css';

const day = 86_400_000;

function Section({ title, description, children }: { title: string; description?: string; children: ReactNode }) {
  return (
    <Stack gap="xs" component="section" aria-label={title}>
      <div>
        <Title order={3} fz="lg">
          {title}
        </Title>
        {description && (
          <Text size="sm" c="dimmed">
            {description}
          </Text>
        )}
      </div>
      {children}
    </Stack>
  );
}

const seconds = (value: number | null) => (value === null ? '—' : formatDuration(value));
const count = (value: number | null) => String(value ?? 0);

export function ReportPage() {
  const { permissions } = useUser();
  const [choice, setChoice] = useState<PeriodChoice>('7d');
  // The period ends when it was chosen (or refreshed), so the query does not change under the reader.
  const [now, setNow] = useState(() => Date.now());
  const [custom, setCustom] = useState(() => ({ from: toLocalInput(Date.now() - 7 * day), to: toLocalInput(Date.now()) }));
  const [siteId, setSiteId] = useState<string | null>(null);
  const [operators, setOperators] = useState<number | ''>('');
  const range = periodRange(choice, custom, now);

  const sites = useQuery({
    queryKey: sitesQueryKey,
    queryFn: ({ signal }) => api.get<SiteSummary[]>('/api/sites', { signal }),
    enabled: permissions.includes('site.read'),
    staleTime: 60_000,
  });
  const siteName: SiteName = (id) => (id === null ? '—' : (sites.data?.find((s) => s.id === id)?.name ?? id));

  const report = useQuery({
    queryKey: ['alarm-report', range, siteId, operators],
    enabled: !('error' in range),
    placeholderData: keepPreviousData,
    queryFn: ({ signal }) => {
      if ('error' in range) throw new Error(range.error);
      const query = new URLSearchParams({ from: String(range.from), to: String(range.to) });
      if (siteId) query.set('site', siteId);
      if (operators !== '') query.set('operators', String(operators));
      return api.get<AlarmReport>(`/api/alarm-report?${query}`, { signal });
    },
  });

  // A fixed choice moves its end to now (a new query); a custom period is the same query, fetched again.
  const refresh = () => {
    if (choice === 'custom') void report.refetch();
    else setNow(Date.now());
  };

  const choose = (value: string) => {
    setChoice(value as PeriodChoice);
    setNow(Date.now());
  };

  return (
    <Stack gap="lg" className="gh-alarm-report">
      <div>
        <Title order={2}>Alarm system report</Title>
        <Text size="sm" c="dimmed">
          How the alarm system serves its operators, measured as ISA-18.2 and EEMUA 191 ask: each figure with its target.
        </Text>
      </div>

      <Group gap="sm" align="flex-end" className="gh-report-noprint">
        <Stack gap={4}>
          <Text size="sm" fw={500}>
            Period
          </Text>
          <SegmentedControl data={periodChoices} value={choice} onChange={choose} aria-label="Period" />
        </Stack>
        {choice === 'custom' && (
          <>
            <TextInput type="datetime-local" label="From" value={custom.from} onChange={(e) => setCustom({ ...custom, from: e.currentTarget.value })} w={210} />
            <TextInput type="datetime-local" label="To" value={custom.to} onChange={(e) => setCustom({ ...custom, to: e.currentTarget.value })} w={210} />
          </>
        )}
        {sites.data && sites.data.length > 0 && (
          <Select
            label="Site"
            placeholder="All sites"
            data={sites.data.map((s) => ({ value: s.id, label: s.name }))}
            value={siteId}
            onChange={setSiteId}
            clearable
            w={200}
          />
        )}
        <NumberInput
          label="Operator positions"
          description="Blank: one per site"
          value={operators}
          onChange={(value) => setOperators(typeof value === 'number' && value >= 1 ? Math.round(value) : '')}
          min={1}
          max={1000}
          allowDecimal={false}
          w={170}
        />
        <Button variant="default" leftSection={<IconRefresh size={16} />} onClick={refresh} loading={report.isFetching}>
          Refresh
        </Button>
        <Button leftSection={<IconPrinter size={16} />} onClick={() => window.print()} disabled={!report.data}>
          Print
        </Button>
      </Group>

      {'error' in range ? (
        <Alert color="orange" variant="light" title="Choose a period">
          {range.error}
        </Alert>
      ) : report.isError && !report.data ? (
        <ErrorAlert error={report.error} title="Could not make the report" onRetry={() => void report.refetch()} />
      ) : !report.data ? (
        <Skeleton height={480} radius="md" aria-label="Making the report" />
      ) : (
        <ReportBody report={report.data} siteName={siteName} />
      )}
    </Stack>
  );
}

function ReportBody({ report, siteName }: { report: AlarmReport; siteName: SiteName }) {
  const { totals, rate, frequent, chattering, acknowledge, now } = report;
  const generatedAt = Date.parse(report.generatedAt);
  const positions = report.positionsFrom === 'request' ? `${report.operatorPositions} operator positions (as asked)` : `${report.operatorPositions} operator position${report.operatorPositions === 1 ? '' : 's'} (one per site)`;
  return (
    <Stack gap="xl">
      <Text size="sm">
        {formatDateTime(report.from)} to {formatDateTime(report.to)} · {report.siteId ? `site ${siteName(report.siteId)}` : 'all sites'} · {positions} · made {formatDateTime(report.generatedAt)}
      </Text>

      <Section title="Alarm load" description="Alarms annunciated: every time an alarm was put before an operator to acknowledge, re-raises after a shelve or suppression included.">
        <SimpleGrid cols={{ base: 1, xs: 2, lg: 4 }}>
          <MeasureCard title="Average per 10 min" measure={rate.average} value={formatRate(rate.average.value)} detail={`${totals.annunciated} alarms in the period`} />
          <MeasureCard title="Busiest 10 min" measure={rate.peak} value={formatRate(rate.peak.value)} />
          <MeasureCard title="Time in flood" measure={rate.floodPercent} value={formatShare(rate.floodPercent.value)} detail={`${rate.floodCount} flood${rate.floodCount === 1 ? '' : 's'}`} />
          <MeasureCard title="Critical and high" measure={totals.highPriorityShare} value={formatShare(totals.highPriorityShare.value)} />
        </SimpleGrid>
        <RateChart series={rate.series} from={report.from} to={report.to} />
        <PriorityTable shares={totals.byPriority} />
      </Section>

      <Section title="Floods" description="Runs of 10-minute periods with more than 10 alarms at one operator position.">
        <FloodTable floods={rate.floods} total={rate.floodCount} siteName={siteName} />
      </Section>

      <Section title="Most frequent alarms" description="The ten alarms that sounded most: usually the first to fix, since a few bad actors make much of the load.">
        <SimpleGrid cols={{ base: 1, xs: 2, lg: 4 }}>
          <MeasureCard title="Share of the top 10" measure={frequent.topShare} value={formatShare(frequent.topShare.value)} detail={`${frequent.distinctAlarms} different alarms sounded`} />
          <MeasureCard title="Chattering alarms" measure={chattering.count} value={count(chattering.count.value)} detail="Raised three times or more within 60 s" />
        </SimpleGrid>
        <FrequentTable alarms={frequent.top} siteName={siteName} />
        <Title order={4} fz="md">
          Chattering
        </Title>
        <ChatteringTable alarms={chattering.alarms} siteName={siteName} />
      </Section>

      <Section title="Acknowledging" description="From the moment an alarm was put before an operator to its acknowledgement.">
        <SimpleGrid cols={{ base: 1, xs: 2, lg: 4 }}>
          <MeasureCard title="Median" measure={acknowledge.median} value={seconds(acknowledge.median.value)} detail={`${acknowledge.acknowledged} acknowledged`} />
          <MeasureCard title="9 in 10 within" measure={acknowledge.p90} value={seconds(acknowledge.p90.value)} detail={`${acknowledge.notAcknowledged} not acknowledged in the period`} />
        </SimpleGrid>
      </Section>

      <Section title="Standing now" description={`As the alarms stand at ${formatDateTime(report.generatedAt)}, whatever the period.`}>
        <SimpleGrid cols={{ base: 1, xs: 2, lg: 4 }}>
          <MeasureCard title="Standing" measure={now.standingCount} value={count(now.standingCount.value)} />
          <MeasureCard title="Stale (over 24 h)" measure={now.staleCount} value={count(now.staleCount.value)} />
          <MeasureCard title="Shelved" measure={now.shelvedCount} value={count(now.shelvedCount.value)} />
          <MeasureCard title="Out of service" measure={now.outOfServiceCount} value={count(now.outOfServiceCount.value)} />
        </SimpleGrid>
        <Title order={4} fz="md">
          Stale alarms
        </Title>
        <StandingTable alarms={now.stale} now={generatedAt} siteName={siteName} empty="No alarm has stood for more than 24 hours." />
        <Title order={4} fz="md">
          Shelved
        </Title>
        <HeldTable alarms={now.shelved} siteName={siteName} empty="No alarm is shelved." />
        <Title order={4} fz="md">
          Out of service
        </Title>
        <HeldTable alarms={now.outOfService} siteName={siteName} empty="No alarm is out of service." />
      </Section>
    </Stack>
  );
}
