/**
 * The report's lists: the most frequent alarms, floods, chattering alarms, and the alarms standing, shelved or
 * out of service now. Plain tables with words rather than chips, so they print as clearly as they show.
 */
import type { ReactNode } from 'react';
import { Table, Text } from '@mantine/core';
import type { ChatteringAlarm, FloodPeriod, FrequentAlarm, HeldAlarm, PriorityShare, StandingAlarm } from '../../../../../modules/kernel/alarm-report.js';
import { TableFrame } from '../../components/TableFrame.js';
import { formatDateTime, formatDuration } from '../../format.js';
import { priorityText } from '../alarmFormat.js';
import { formatShare } from './reportPeriod.js';

export type SiteName = (siteId: string | null) => string;

interface Identity {
  alarmId: string;
  message: string;
  priority: FrequentAlarm['priority'];
  siteId: string | null;
}

function AlarmCell({ alarm }: { alarm: Identity }) {
  return (
    <>
      <Text size="sm">{alarm.message}</Text>
      <Text size="xs" c="dimmed" ff="monospace" className="gh-break">
        {alarm.alarmId}
      </Text>
    </>
  );
}

const priorityCell = (alarm: Identity) => (alarm.priority ? priorityText(alarm.priority) : '—');

function ReportTable({ head, rows, empty, minWidth = 640 }: { head: ReactNode[]; rows: ReactNode[][]; empty: string; minWidth?: number }) {
  if (rows.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        {empty}
      </Text>
    );
  }
  return (
    <TableFrame minWidth={minWidth}>
      <Table striped withTableBorder className="gh-report-table">
        <Table.Thead>
          <Table.Tr>
            {head.map((cell, i) => (
              <Table.Th key={i}>{cell}</Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((cells, r) => (
            <Table.Tr key={r}>
              {cells.map((cell, i) => (
                <Table.Td key={i}>{cell}</Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </TableFrame>
  );
}

const num = (value: ReactNode) => <span className="gh-num">{value}</span>;

export function FrequentTable({ alarms, siteName }: { alarms: FrequentAlarm[]; siteName: SiteName }) {
  return (
    <ReportTable
      head={['#', 'Alarm', 'Priority', 'Site', 'Times', 'Share']}
      rows={alarms.map((a, i) => [num(i + 1), <AlarmCell alarm={a} />, priorityCell(a), siteName(a.siteId), num(a.count), num(formatShare(a.percent))])}
      empty="No alarm sounded in this period."
    />
  );
}

export function FloodTable({ floods, total, siteName }: { floods: FloodPeriod[]; total: number; siteName: SiteName }) {
  const rows = floods.map((f) => [
    formatDateTime(f.start),
    formatDateTime(f.end),
    formatDuration((Date.parse(f.end) - Date.parse(f.start)) / 1000),
    f.siteId === null ? 'All positions' : siteName(f.siteId),
    num(f.count),
  ]);
  return (
    <>
      <ReportTable head={['Started', 'Ended', 'Lasted', 'Site', 'Alarms']} rows={rows} empty="No flood in this period." />
      {total > floods.length && (
        <Text size="xs" c="dimmed">
          The latest {floods.length} of {total} floods.
        </Text>
      )}
    </>
  );
}

export function ChatteringTable({ alarms, siteName }: { alarms: ChatteringAlarm[]; siteName: SiteName }) {
  return (
    <ReportTable
      head={['Alarm', 'Priority', 'Site', 'Bursts', 'Raised']}
      rows={alarms.map((a) => [<AlarmCell alarm={a} />, priorityCell(a), siteName(a.siteId), num(a.bursts), num(a.raised)])}
      empty="No alarm chattered (three raises within 60 s)."
    />
  );
}

export function StandingTable({ alarms, now, siteName, empty }: { alarms: StandingAlarm[]; now: number; siteName: SiteName; empty: string }) {
  return (
    <ReportTable
      head={['Alarm', 'Priority', 'Site', 'State', 'Raised', 'Standing for']}
      rows={alarms.map((a) => [
        <AlarmCell alarm={a} />,
        priorityCell(a),
        siteName(a.siteId),
        a.state.replace(/-/g, ' '),
        formatDateTime(a.raisedAt),
        formatDuration((now - Date.parse(a.raisedAt)) / 1000),
      ])}
      empty={empty}
      minWidth={760}
    />
  );
}

export function HeldTable({ alarms, siteName, empty }: { alarms: HeldAlarm[]; siteName: SiteName; empty: string }) {
  const shelved = alarms.some((a) => a.state === 'shelved');
  return (
    <ReportTable
      head={['Alarm', 'Priority', 'Site', 'By', 'Reason', 'Since', ...(shelved ? ['Until'] : [])]}
      rows={alarms.map((a) => [
        <AlarmCell alarm={a} />,
        priorityCell(a),
        siteName(a.siteId),
        a.by ?? '—',
        <Text size="sm" className="gh-break">
          {a.reason ?? '—'}
        </Text>,
        formatDateTime(a.since),
        ...(shelved ? [a.until ? formatDateTime(a.until) : 'until it clears'] : []),
      ])}
      empty={empty}
      minWidth={820}
    />
  );
}

export function PriorityTable({ shares }: { shares: PriorityShare[] }) {
  return (
    <ReportTable
      head={['Priority', 'Alarms', 'Share', 'EEMUA 191 guide']}
      rows={shares.map((p) => [priorityText(p.priority), num(p.count), num(formatShare(p.percent)), num(formatShare(p.guidePercent))])}
      empty=""
      minWidth={420}
    />
  );
}
