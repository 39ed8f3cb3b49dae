/**
 * The report's period and how its figures read: the choices offered (last 24 h, 7 d, 30 d, or custom), the words
 * and colours of verdicts, and short number formats. Pure, so it is tested without a browser.
 */
import type { Verdict } from '../../../../../modules/kernel/alarm-report.js';

export type PeriodChoice = '24h' | '7d' | '30d' | 'custom';

export const periodChoices: { value: PeriodChoice; label: string }[] = [
  { value: '24h', label: '24 h' },
  { value: '7d', label: '7 days' },
  { value: '30d', label: '30 days' },
  { value: 'custom', label: 'Custom' },
];

const hour = 3_600_000;
const lengths: Record<Exclude<PeriodChoice, 'custom'>, number> = { '24h': 24 * hour, '7d': 7 * 24 * hour, '30d': 30 * 24 * hour };
/** The console refuses longer periods. */
export const maxPeriodMs = 400 * 24 * hour;

/** `2026-11-24T14:30` as a datetime-local input holds it, in the browser's time zone. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/**
 * The period in ms for a choice, ending at `now` (taken when the choice was made, so the query stays put), or a
 * reason the custom period cannot be reported.
 */
export function periodRange(choice: PeriodChoice, custom: { from: string; to: string }, now: number): { from: number; to: number } | { error: string } {
  if (choice !== 'custom') return { from: now - lengths[choice], to: now };
  const from = Date.parse(custom.from);
  const to = Date.parse(custom.to);
  if (Number.isNaN(from)) return { error: 'Choose when the period starts.' };
  if (Number.isNaN(to)) return { error: 'Choose when the period ends.' };
  if (to <= from) return { error: 'The period must end after it starts.' };
  if (to - from > maxPeriodMs) return { error: 'A report covers at most 400 days.' };
  return { from, to };
}

export const verdictLook: Record<Verdict, { label: string; color: string }> = {
  ok: { label: 'Meets target', color: 'teal' },
  attention: { label: 'Needs attention', color: 'orange' },
  bad: { label: 'Far off target', color: 'red' },
  'too-few': { label: 'Too few alarms to judge', color: 'gray' },
};

/** 0.08, 1.5, 12: rates keep two decimals only while they are small. */
export function formatRate(value: number | null): string {
  if (value === null) return '—';
  return value >= 10 ? value.toFixed(0) : value >= 1 ? value.toFixed(1) : value.toFixed(2);
}

/** 0.7 %, 12 %: as format.ts's formatPercent, with "—" for nothing measured. */
export function formatShare(value: number | null): string {
  if (value === null) return '—';
  return `${value >= 10 ? value.toFixed(0) : value.toFixed(1)} %`;
}

/** The width of the chart's bars in words: "10 min", "3 h", "1 day". */
export function barText(bucketMs: number): string {
  const minutes = bucketMs / 60_000;
  if (minutes < 60) return `${minutes} min`;
  if (minutes < 1440) return `${minutes / 60} h`;
  return minutes === 1440 ? '1 day' : `${minutes / 1440} days`;
}
