/**
 * How alarms read on screen: the words and colours of states and priorities, a value against its limit, how long
 * an alarm has stood, the order of the list, and which shelve durations a rule allows. Pure, so it is tested
 * without a browser. Colour is kept for what needs attention (ISA-101): acknowledged, shelved and out-of-service
 * alarms are grey; every colour comes with a word.
 */
import { faultGrade, type Alarm, type AlarmPriority, type AlarmState, type AlarmTransition } from '../../../../modules/kernel/alarm-model.js';
import type { DeliveryAttemptView } from '../../../../modules/kernel/alarm-api.js';
import type { AlarmRule } from '../../../../modules/kernel/alarm-rules.js';
import { formatDuration } from '../format.js';

export interface Look {
  label: string;
  /** A Mantine colour name. */
  color: string;
}

export const priorityLook: Record<AlarmPriority, Look> = {
  critical: { label: 'Critical', color: 'red' },
  high: { label: 'High', color: 'orange' },
  medium: { label: 'Medium', color: 'yellow' },
  low: { label: 'Low', color: 'cyan' },
};

/** "A · Critical": the fault grade first, the way site teams call it. */
export function priorityText(priority: AlarmPriority): string {
  return `${faultGrade[priority]} · ${priorityLook[priority].label}`;
}

export const stateLook: Record<AlarmState, Look> = {
  normal: { label: 'Normal', color: 'gray' },
  unacknowledged: { label: 'Unacknowledged', color: 'red' },
  acknowledged: { label: 'Acknowledged', color: 'gray' },
  'returned-unacknowledged': { label: 'Cleared, unacknowledged', color: 'orange' },
  latched: { label: 'Latched, reset needed', color: 'violet' },
  shelved: { label: 'Shelved', color: 'gray' },
  suppressed: { label: 'Suppressed', color: 'gray' },
  'out-of-service': { label: 'Out of service', color: 'gray' },
};

/** The states in the order the header strip counts them. */
export const listedStates: readonly AlarmState[] = [
  'unacknowledged',
  'returned-unacknowledged',
  'latched',
  'acknowledged',
  'shelved',
  'suppressed',
  'out-of-service',
];

/** Someone has still to acknowledge it: the alarm stands out in the list and counts on the bell. */
export function needsAcknowledge(alarm: Pick<Alarm, 'state'>): boolean {
  return alarm.state === 'unacknowledged' || alarm.state === 'returned-unacknowledged';
}

/** Held out of notification by a person or by design: the list greys it. */
export function isHeld(alarm: Pick<Alarm, 'state'>): boolean {
  return alarm.state === 'shelved' || alarm.state === 'suppressed' || alarm.state === 'out-of-service';
}

/** A reading as operators say it: on/off, a number without trailing noise, a dash for none. */
export function formatAlarmValue(value: Alarm['value']): string {
  if (value === null) return '—';
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  // Three decimals at most: a flow of 12.3456789 reads 12.346; 0.000123 keeps its significant digits.
  return Math.abs(value) >= 0.01 ? String(Number(value.toFixed(3))) : String(Number(value.toPrecision(3)));
}

/** The limit beside the value: "HH 4.8", "alarm when on", "> 2/min"; empty when the alarm has none. */
export function formatLimit(alarm: Pick<Alarm, 'kind' | 'limit'>): string {
  if (alarm.limit === null) return '';
  const limit = formatAlarmValue(alarm.limit);
  switch (alarm.kind) {
    case 'HH':
    case 'H':
    case 'L':
    case 'LL':
      return `${alarm.kind} ${limit}`;
    case 'digital':
      return `alarm when ${limit}`;
    case 'rate-of-change':
      return `> ${limit}/min`;
    default:
      return `limit ${limit}`;
  }
}

/** "4.92 (HH 4.8)" for places with room for one line only. */
export function valueAgainstLimit(alarm: Pick<Alarm, 'kind' | 'limit' | 'value'>): string {
  const limit = formatLimit(alarm);
  return limit ? `${formatAlarmValue(alarm.value)} (${limit})` : formatAlarmValue(alarm.value);
}

/** How long the condition stood: raised → cleared, or raised → now while it is active. */
export function standingSeconds(alarm: Pick<Alarm, 'raisedAt' | 'clearedAt'>, now: number): number {
  const from = Date.parse(alarm.raisedAt);
  const to = alarm.clearedAt ? Date.parse(alarm.clearedAt) : now;
  return Number.isNaN(from) || Number.isNaN(to) ? 0 : Math.max(0, (to - from) / 1000);
}

/** "for 3 h 4 min" while active, "lasted 12 min" once cleared. */
export function standingText(alarm: Pick<Alarm, 'raisedAt' | 'clearedAt'>, now: number): string {
  const duration = formatDuration(standingSeconds(alarm, now));
  return alarm.clearedAt ? `lasted ${duration}` : `for ${duration}`;
}

const priorityRank: Record<AlarmPriority, number> = { critical: 0, high: 1, medium: 2, low: 3 };

/** The console's order: alarms needing acknowledgement first, then priority, then newest first. */
export function compareAlarms(a: Alarm, b: Alarm): number {
  const ack = Number(!needsAcknowledge(a)) - Number(!needsAcknowledge(b));
  if (ack !== 0) return ack;
  const priority = priorityRank[a.priority] - priorityRank[b.priority];
  if (priority !== 0) return priority;
  return Date.parse(b.raisedAt) - Date.parse(a.raisedAt) || a.id.localeCompare(b.id);
}

/**
 * A list with one alarm's news in it: replaced where it was, added if new, dropped when it went back to normal,
 * and the list put back into the console's order.
 */
export function upsertAlarm(list: readonly Alarm[], alarm: Alarm): Alarm[] {
  const others = list.filter((a) => a.id !== alarm.id);
  if (alarm.state === 'normal') return others;
  return [...others, alarm].sort(compareAlarms);
}

/** Whether an alarm belongs to a list scoped to a site and/or host (no scope: the whole fleet). */
export function inScope(alarm: Pick<Alarm, 'source'>, scope: { siteId?: string; hostId?: string }): boolean {
  if (scope.siteId && alarm.source.siteId !== scope.siteId) return false;
  if (scope.hostId && alarm.source.hostId !== scope.hostId) return false;
  return true;
}

export function countByState(alarms: readonly Alarm[]): Record<AlarmState, number> {
  const counts = Object.fromEntries([...listedStates, 'normal'].map((s) => [s, 0])) as Record<AlarmState, number>;
  for (const alarm of alarms) counts[alarm.state] += 1;
  return counts;
}

/** The highest priority among alarms still to acknowledge; null when there is none. */
export function highestUnacknowledged(alarms: readonly Alarm[]): AlarmPriority | null {
  let best: AlarmPriority | null = null;
  for (const alarm of alarms) {
    if (!needsAcknowledge(alarm)) continue;
    if (best === null || priorityRank[alarm.priority] < priorityRank[best]) best = alarm.priority;
  }
  return best;
}

/** Case-insensitive match of every word of `text` against what the row shows. */
export function alarmMatches(alarm: Alarm, text: string, names: { host?: string; site?: string } = {}): boolean {
  const words = text.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const haystack = [
    alarm.message,
    alarm.kind,
    alarm.ruleId,
    alarm.source.tag,
    alarm.source.hostId,
    alarm.source.siteId,
    names.host,
    names.site,
    alarm.acknowledgedBy,
    stateLook[alarm.state].label,
    priorityLook[alarm.priority].label,
  ]
    .filter((part): part is string => typeof part === 'string')
    .join(' ')
    .toLowerCase();
  return words.every((word) => haystack.includes(word));
}

export interface ShelveChoice {
  /** Minutes, or 'one-shot' for "until it clears". */
  value: number | 'one-shot';
  label: string;
}

/** "15 min", "1 h", "1 h 30 min". */
export function formatMinutes(minutes: number): string {
  return formatDuration(minutes * 60);
}

/**
 * The durations an operator may pick: 15 min, 1 h, 4 h, 8 h, each cut to the rule's maximum (so the longest
 * choice is the maximum itself), and "until it clears". None when the rule forbids shelving (maximum 0).
 */
export function shelveChoices(maxShelveMinutes: number): ShelveChoice[] {
  if (maxShelveMinutes <= 0) return [];
  const minutes = [...new Set([15, 60, 240, 480].map((m) => Math.min(m, maxShelveMinutes)))];
  return [
    ...minutes.map((m) => ({ value: m, label: formatMinutes(m) })),
    { value: 'one-shot' as const, label: 'Until it clears' },
  ];
}

export const causeText: Record<AlarmTransition['cause'], string> = {
  'condition-active': 'Condition active',
  'condition-cleared': 'Condition cleared',
  acknowledge: 'Acknowledged',
  shelve: 'Shelved',
  unshelve: 'Unshelved',
  'shelve-expired': 'Shelve expired',
  suppress: 'Suppressed',
  unsuppress: 'No longer suppressed',
  'remove-from-service': 'Removed from service',
  'return-to-service': 'Returned to service',
  reset: 'Reset',
};

/** The reason given with the hold the alarm is in now (the comment of the latest shelve or removal). */
export function holdReason(history: readonly AlarmTransition[], state: AlarmState): string | null {
  const cause = state === 'shelved' ? 'shelve' : state === 'out-of-service' ? 'remove-from-service' : null;
  if (cause === null) return null;
  const latest = history.findLast((t) => t.cause === cause);
  return latest?.comment ?? null;
}

export const attemptStatusLook: Record<DeliveryAttemptView['status'], Look> = {
  delivered: { label: 'Delivered', color: 'teal' },
  'will-retry': { label: 'Will retry', color: 'yellow' },
  failed: { label: 'Failed', color: 'red' },
  cancelled: { label: 'Cancelled', color: 'gray' },
};

const limitWords: Record<'HH' | 'H' | 'L' | 'LL', string> = { HH: 'at or above', H: 'at or above', L: 'at or below', LL: 'at or below' };

/** One sentence saying when the rule raises its alarm, for the alarm's detail. */
export function describeAlarmRule(rule: AlarmRule): string {
  switch (rule.type) {
    case 'limit':
    case 'metric': {
      const what = rule.type === 'limit' ? rule.tag : rule.metric;
      const deadband = rule.deadband ? `, clears ${rule.deadband} past it` : '';
      const delay = rule.onDelayS ? ` for ${formatDuration(rule.onDelayS)}` : '';
      return `${rule.limit}: ${what} ${limitWords[rule.limit]} ${rule.setpoint}${delay}${deadband}.`;
    }
    case 'digital':
      return `${rule.tag} is ${rule.alarmWhen ? 'on' : 'off'}${rule.onDelayS ? ` for ${formatDuration(rule.onDelayS)}` : ''}.`;
    case 'rate-of-change':
      return `${rule.tag} ${rule.direction === 'either' ? 'changes' : rule.direction === 'rise' ? 'rises' : 'falls'} faster than ${rule.ratePerMinute}/min over ${formatDuration(rule.windowS)}.`;
    case 'comm-loss':
      return `No good reading for ${rule.periods} poll periods of ${formatDuration(rule.periodS)}.`;
    case 'host-offline':
      return `The host missed ${rule.missed} heartbeats of ${formatDuration(rule.heartbeatS)}.`;
    case 'drift':
      return 'The host’s configuration drifted from its approved baseline.';
    case 'recording-failed':
      return 'A terminal session on the host could not be recorded.';
    case 'audit-chain':
      return 'The audit log’s hash chain failed its check.';
    default:
      // A rule type newer than this page: its alarm still shows; the rule is named by its type.
      return `A ${(rule as { type: string }).type} rule.`;
  }
}

/** "Shelving up to 8 h", "Shelving not allowed". */
export function shelveLimitText(maxShelveMinutes: number): string {
  return maxShelveMinutes > 0 ? `Shelving up to ${formatMinutes(maxShelveMinutes)}` : 'Shelving not allowed';
}

const pad = (n: number) => String(n).padStart(2, '0');

/** "03:12:05" today, "11-23 22:40" on another day: short enough for a dense column; the full time goes in a title. */
export function formatAlarmTime(iso: string | null, now: number): string {
  if (!iso) return '—';
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return '—';
  const today = new Date(now);
  const sameDay = at.getFullYear() === today.getFullYear() && at.getMonth() === today.getMonth() && at.getDate() === today.getDate();
  return sameDay
    ? `${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`
    : `${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

/** "North works · gw-north-1 · LT-201", leaving out the site where the list is a site's own, and what is unknown. */
export function describeSource(
  alarm: Pick<Alarm, 'source'>,
  names: { hostNames: ReadonlyMap<string, string>; siteNames: ReadonlyMap<string, string>; showSite: boolean },
): string {
  const { siteId, hostId, tag } = alarm.source;
  const parts: string[] = [];
  if (names.showSite && siteId) parts.push(names.siteNames.get(siteId) ?? siteId);
  if (hostId) parts.push(names.hostNames.get(hostId) ?? hostId);
  if (tag) parts.push(tag);
  return parts.join(' · ') || '—';
}
