import type { ReactNode } from 'react';
import { Box, Button, Group, Loader, Paper, Text, ThemeIcon } from '@mantine/core';
import { IconAlertCircle, IconAlertTriangle, IconCircleCheck, IconRefresh, IconShieldCheck, IconShieldQuestion } from '@tabler/icons-react';
import { RelativeTime } from '../components/RelativeTime.js';
import { formatDateTime } from '../format.js';
import { usePhone } from '../hooks/usePhone.js';
import { categoryLabel, type DriftReport } from './driftApi.js';

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * The answer first: is this host as it was approved? Then when the facts were read, and the two things to do
 * about it (read again, approve).
 */
export function DriftSummary({
  report,
  refreshing,
  onRefresh,
  approveAction,
}: {
  report: DriftReport;
  refreshing: boolean;
  onRefresh: () => void;
  /** The approve button, or an explanation why there is none; absent for those who may not approve. */
  approveAction?: ReactNode;
}) {
  const phone = usePhone();
  const baseline = report.baseline;
  // "No changes" is only an all-clear when every category was read.
  const notRead = report.unavailable.map((u) => categoryLabel[u.category]);
  const tone = !baseline ? 'blue' : report.changes > 0 ? 'orange' : notRead.length > 0 ? 'yellow' : 'teal';
  const icon = !baseline ? (
    <IconShieldQuestion size={22} />
  ) : report.changes > 0 ? (
    <IconAlertTriangle size={22} />
  ) : notRead.length > 0 ? (
    <IconAlertCircle size={22} />
  ) : (
    <IconCircleCheck size={22} />
  );
  const approvedBy = baseline ? (
    <>
      approved by <b>{baseline.approvedBy}</b>, <RelativeTime iso={baseline.approvedAt} inherit />
    </>
  ) : null;

  const headline = !baseline ? (
    'No baseline yet'
  ) : report.changes > 0 ? (
    <>
      {plural(report.changes, 'change', 'changes')} since the baseline {approvedBy}
    </>
  ) : notRead.length > 0 ? (
    <>No changes in what could be read since the baseline {approvedBy}</>
  ) : (
    <>No changes since the baseline {approvedBy}</>
  );

  return (
    <Paper
      withBorder
      radius="md"
      p={{ base: 'sm', sm: 'md' }}
      data-drift-summary={tone}
      style={{
        borderColor: report.changes > 0 ? 'var(--mantine-color-orange-4)' : undefined,
        background: report.changes > 0 ? 'var(--mantine-color-orange-light)' : undefined,
      }}
    >
      <Group justify="space-between" align="center" gap="sm">
        <Group gap="sm" wrap="nowrap" align="flex-start" style={{ minWidth: 0, flex: '1 1 320px' }}>
          <ThemeIcon size={38} radius="xl" variant={report.changes > 0 ? 'filled' : 'light'} color={tone} style={{ flexShrink: 0 }}>
            {icon}
          </ThemeIcon>
          <Box style={{ minWidth: 0 }}>
            <Text fw={700} size="lg" lh={1.3} role="status" className="gh-break">
              {headline}
            </Text>
            <Text size="sm" c="dimmed" mt={2}>
              {!baseline ? (
                <>Approve the current state to start watching for changes. </>
              ) : (
                <span title={formatDateTime(baseline.approvedAt)}>
                  <IconShieldCheck size={14} style={{ verticalAlign: -2, marginRight: 4 }} aria-hidden />
                  Baseline of {formatDateTime(baseline.approvedAt)} ·{' '}
                </span>
              )}
              {refreshing ? (
                <>Reading the host’s facts…</>
              ) : (
                <>
                  Facts read <RelativeTime iso={report.current.collectedAt} inherit />
                </>
              )}
            </Text>
            {notRead.length > 0 && (
              <Text size="sm" c={report.changes > 0 ? undefined : 'var(--mantine-color-yellow-text)'} fw={500} mt={2}>
                Not checked: {notRead.join(', ')} could not be read (see below).
              </Text>
            )}
          </Box>
        </Group>
        <Group gap="xs" wrap={phone ? 'nowrap' : 'wrap'} justify="flex-end" w={phone ? '100%' : undefined}>
          <Button
            variant="default"
            onClick={onRefresh}
            disabled={refreshing}
            leftSection={refreshing ? <Loader size={14} /> : <IconRefresh size={16} />}
          >
            {refreshing ? 'Refreshing…' : 'Refresh'}
          </Button>
          {/* On a phone the approve button takes the rest of the row. */}
          {approveAction && <Box style={phone ? { flex: '1 1 auto', minWidth: 0 } : undefined}>{approveAction}</Box>}
        </Group>
      </Group>
    </Paper>
  );
}
