/**
 * The words for an alarm rule on the rules page: what it watches ("LT-201 ≥ 4.8 m (HH), deadband 0.1, on-delay
 * 5 s"), its type, target and priority. Pure, so the page and its tests read the same sentences.
 */
import { consoleHostId, type AlarmRule } from '../../../../../modules/kernel/alarm-rules.js';
import { formatUnit } from '../../sites/tagState.js';

export type RuleType = AlarmRule['type'];

/** The rule types in the order the editor offers them, with the name engineers know them by. */
export const ruleTypes: readonly { value: RuleType; label: string }[] = [
  { value: 'limit', label: 'Tag limit (HH/H/L/LL)' },
  { value: 'digital', label: 'Digital state' },
  { value: 'rate-of-change', label: 'Rate of change' },
  { value: 'comm-loss', label: 'Comm loss' },
  { value: 'host-offline', label: 'Host offline' },
  { value: 'metric', label: 'Host metric' },
  { value: 'drift', label: 'Drift from baseline' },
  { value: 'recording-failed', label: 'Failed recording' },
  { value: 'audit-chain', label: 'Audit chain broken' },
];

export function ruleTypeLabel(type: RuleType): string {
  return ruleTypes.find((t) => t.value === type)?.label ?? type;
}

/** The metrics the console feeds to rules (free text is allowed: a metric added later needs no new page). */
export const metricSuggestions = ['cpu.percent', 'memory.used.percent', 'swap.used.percent', 'load.1', 'disk.used.percent'] as const;

/** Exact, in the largest unit that divides it: 5 s, 90 s, 5 min, 2 h (a delay rounded for show would mislead). */
export function formatSeconds(seconds: number): string {
  if (seconds >= 3600 && seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds >= 120 && seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/** Setpoints as written: 4.8 stays 4.8, with no locale grouping that could be misread as a decimal point. */
function formatValue(value: number): string {
  return String(value);
}

/** A metric's unit from its name: `*.percent` is %, the rest (load) has none. */
export function metricUnit(metric: string): string {
  return metric.endsWith('.percent') ? '%' : '';
}

function withUnit(value: number, unit: string | undefined): string {
  return unit ? `${formatValue(value)} ${formatUnit(unit)}` : formatValue(value);
}

function delays(rule: { onDelayS?: number; offDelayS?: number }): string[] {
  const parts: string[] = [];
  if (rule.onDelayS) parts.push(`on-delay ${formatSeconds(rule.onDelayS)}`);
  if (rule.offDelayS) parts.push(`off-delay ${formatSeconds(rule.offDelayS)}`);
  return parts;
}

/** At most `max` names, then "and N more": a comm-loss rule may list hundreds of tags. */
export function nameList(names: readonly string[], max = 3): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

/**
 * What the rule watches, in words. `unitOf` gives a tag's engineering unit where the page knows it (from the
 * site's tag list); without it numbers stand alone.
 */
export function describeRule(rule: AlarmRule, unitOf: (tag: string) => string | undefined = () => undefined): string {
  switch (rule.type) {
    case 'limit':
    case 'metric': {
      const input = rule.type === 'limit' ? rule.tag : rule.metric;
      const unit = rule.type === 'limit' ? unitOf(rule.tag) : metricUnit(rule.metric);
      const high = rule.limit === 'HH' || rule.limit === 'H';
      const parts = [`${input} ${high ? '≥' : '≤'} ${withUnit(rule.setpoint, unit)} (${rule.limit})`];
      if (rule.deadband) parts.push(`deadband ${formatValue(rule.deadband)}`);
      return [...parts, ...delays(rule)].join(', ');
    }
    case 'digital':
      return [`${rule.tag} is ${rule.alarmWhen ? 'true' : 'false'}`, ...delays(rule)].join(', ');
    case 'rate-of-change': {
      const unit = unitOf(rule.tag);
      const rate = `${unit ? `${formatValue(rule.ratePerMinute)} ${formatUnit(unit)}` : formatValue(rule.ratePerMinute)}/min`;
      const verb = rule.direction === 'rise' ? 'rises' : rule.direction === 'fall' ? 'falls' : 'changes';
      return `${rule.tag} ${verb} faster than ${rate} over ${formatSeconds(rule.windowS)}`;
    }
    case 'comm-loss': {
      const from = rule.tags.length ? nameList(rule.tags) : 'any tag';
      const silence = `no good sample from ${from} for ${rule.periods} × ${formatSeconds(rule.periodS)}`;
      return rule.commTag ? `${silence}, or ${rule.commTag} false` : silence;
    }
    case 'host-offline':
      return `no heartbeat for ${rule.missed} × ${formatSeconds(rule.heartbeatS)}`;
    case 'drift':
      return 'configuration differs from the approved baseline';
    case 'recording-failed':
      return 'a terminal session could not be recorded';
    case 'audit-chain':
      return "the audit log's hash chain does not verify";
  }
}

/** "suppressed while P-101.running = false", or null when the rule has no suppression. */
export function suppressionText(rule: AlarmRule): string | null {
  if (!rule.suppressedWhen) return null;
  return `suppressed while ${rule.suppressedWhen.tag} = ${String(rule.suppressedWhen.equals)}`;
}

export interface TargetNames {
  site(siteId: string): string | undefined;
  host(hostId: string): string | undefined;
}

/** "Site North plant", "Host gw-07", "Every host" — the name where known, else the id (a deleted host still shows). */
export function targetText(target: AlarmRule['target'], names: TargetNames): string {
  if (target.allHosts) return 'Every host';
  if (target.hostId === consoleHostId) return 'The console';
  const site = target.siteId === undefined ? undefined : (names.site(target.siteId) ?? target.siteId);
  // A host target may name its site too; the host is what it watches.
  if (target.hostId !== undefined) return `Host ${names.host(target.hostId) ?? target.hostId}${site ? ` (${site})` : ''}`;
  return site === undefined ? '—' : `Site ${site}`;
}

/** The text a filter box matches against: id, message, type, what it watches, target. Lower case. */
export function ruleSearchText(rule: AlarmRule, names: TargetNames): string {
  return [rule.id, rule.message ?? '', ruleTypeLabel(rule.type), describeRule(rule), targetText(rule.target, names)].join(' ').toLowerCase();
}
