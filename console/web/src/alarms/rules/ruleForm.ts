/**
 * The rule editor's form state and its way to and from a rule. The form keeps every type's fields (switching
 * type keeps what was typed); `draftToRule` builds only the chosen type's, and the shared schema
 * (modules/kernel/alarm-rules.ts) judges the result — in the browser before saving, on the console again.
 * Mistakes from either side name a path (`setpoint`, `target`, `tags.2`); `fieldOfPath` says which input shows it.
 */
import type { AlarmPriority } from '../../../../../modules/kernel/alarm-model.js';
import { alarmRuleSchema, type AlarmRule } from '../../../../../modules/kernel/alarm-rules.js';
import type { RuleType } from './ruleText.js';

/** What a NumberInput holds: a number, '' while empty, or the text while half typed ("1."). */
export type NumberField = number | string;

export interface RuleDraft {
  type: RuleType;
  id: string;
  message: string;
  priority: AlarmPriority;
  latching: boolean;
  maxShelveMinutes: NumberField;
  /** One host, every gateway of a site, or every host of the fleet. */
  targetKind: 'site' | 'host' | 'all';
  siteId: string;
  hostId: string;
  /** The site a host target also names (kept from the rule; the form does not set it). */
  hostSiteId: string;
  suppressTag: string;
  /** "true", "false" or a number, as typed. */
  suppressEquals: string;
  tag: string;
  metric: string;
  limit: 'HH' | 'H' | 'L' | 'LL';
  setpoint: NumberField;
  deadband: NumberField;
  onDelayS: NumberField;
  offDelayS: NumberField;
  alarmWhen: boolean;
  ratePerMinute: NumberField;
  windowS: NumberField;
  direction: 'rise' | 'fall' | 'either';
  periodS: NumberField;
  periods: NumberField;
  tags: string[];
  commTag: string;
  heartbeatS: NumberField;
  missed: NumberField;
}

/** A new rule: the schema's defaults, medium priority, aimed at a site. */
export const emptyDraft: RuleDraft = {
  type: 'limit',
  id: '',
  message: '',
  priority: 'medium',
  latching: false,
  maxShelveMinutes: 480,
  targetKind: 'site',
  siteId: '',
  hostId: '',
  hostSiteId: '',
  suppressTag: '',
  suppressEquals: '',
  tag: '',
  metric: '',
  limit: 'H',
  setpoint: '',
  deadband: 0,
  onDelayS: 0,
  offDelayS: 0,
  alarmWhen: true,
  ratePerMinute: '',
  windowS: 60,
  direction: 'either',
  periodS: '',
  periods: 3,
  tags: [],
  commTag: '',
  heartbeatS: 30,
  missed: 3,
};

const common = ['id', 'type', 'message', 'priority', 'latching', 'maxShelveMinutes', 'target', 'suppressedWhen.tag', 'suppressedWhen.equals'] as const;
const delayFields = ['onDelayS', 'offDelayS'] as const;
const thresholdFields = ['limit', 'setpoint', 'deadband', ...delayFields] as const;

/** The inputs each type shows (beyond the common ones), by the rule key they edit. */
export const typeFields: Record<RuleType, readonly string[]> = {
  limit: ['tag', ...thresholdFields],
  metric: ['metric', ...thresholdFields],
  digital: ['tag', 'alarmWhen', ...delayFields],
  'rate-of-change': ['tag', 'ratePerMinute', 'windowS', 'direction'],
  'comm-loss': ['periodS', 'periods', 'tags', 'commTag'],
  'host-offline': ['heartbeatS', 'missed'],
  drift: [],
  'recording-failed': [],
  'audit-chain': [],
};

export function visibleFields(type: RuleType): ReadonlySet<string> {
  return new Set([...common, ...typeFields[type]]);
}

/** A number the form may leave out (the schema then applies its default or says it is required). */
function num(value: NumberField): number | undefined {
  if (typeof value === 'number') return value;
  return value.trim() === '' ? undefined : Number(value);
}

/** "true"/"false" are booleans, numerals numbers; anything else is passed on for the schema to refuse by name. */
export function parseEquals(text: string): boolean | number | string {
  const trimmed = text.trim();
  if (trimmed === 'true') return true;
  if (trimmed === 'false') return false;
  if (trimmed !== '' && Number.isFinite(Number(trimmed))) return Number(trimmed);
  return trimmed;
}

/** Drop keys whose value is undefined, so the JSON view and the request show only what was given. */
function defined(entries: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined));
}

/** The rule the form describes, as the API takes it (unchecked: `validateRule` says what is wrong). */
export function draftToRule(draft: RuleDraft): Record<string, unknown> {
  const target =
    draft.targetKind === 'all'
      ? { allHosts: true }
      : draft.targetKind === 'host'
        ? { hostId: draft.hostId || undefined, siteId: draft.hostSiteId || undefined }
        : { siteId: draft.siteId || undefined };
  const suppressed =
    draft.suppressTag.trim() === '' && draft.suppressEquals.trim() === ''
      ? undefined
      : defined({ tag: draft.suppressTag.trim() || undefined, equals: draft.suppressEquals.trim() === '' ? undefined : parseEquals(draft.suppressEquals) });
  const base = {
    id: draft.id.trim(),
    type: draft.type,
    message: draft.message.trim() || undefined,
    priority: draft.priority,
    latching: draft.latching,
    maxShelveMinutes: num(draft.maxShelveMinutes),
    target: defined(target),
    suppressedWhen: suppressed,
  };
  const delays = { onDelayS: num(draft.onDelayS), offDelayS: num(draft.offDelayS) };
  const threshold = { limit: draft.limit, setpoint: num(draft.setpoint), deadband: num(draft.deadband), ...delays };
  const tag = draft.tag.trim();
  switch (draft.type) {
    case 'limit':
      return defined({ ...base, tag, ...threshold });
    case 'metric':
      return defined({ ...base, metric: draft.metric.trim(), ...threshold });
    case 'digital':
      return defined({ ...base, tag, alarmWhen: draft.alarmWhen, ...delays });
    case 'rate-of-change':
      return defined({ ...base, tag, ratePerMinute: num(draft.ratePerMinute), windowS: num(draft.windowS), direction: draft.direction });
    case 'comm-loss':
      return defined({ ...base, periodS: num(draft.periodS), periods: num(draft.periods), tags: draft.tags, commTag: draft.commTag.trim() || undefined });
    case 'host-offline':
      return defined({ ...base, heartbeatS: num(draft.heartbeatS), missed: num(draft.missed) });
    case 'drift':
    case 'recording-failed':
    case 'audit-chain':
      return defined(base);
  }
}

function pick<T>(value: unknown, ok: (v: unknown) => v is T, fallback: T): T {
  return ok(value) ? value : fallback;
}
const isString = (v: unknown): v is string => typeof v === 'string';
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
const oneOf =
  <T extends string>(values: readonly T[]) =>
  (v: unknown): v is T =>
    typeof v === 'string' && (values as readonly string[]).includes(v);

const ruleTypeValues: readonly RuleType[] = ['limit', 'metric', 'digital', 'rate-of-change', 'comm-loss', 'host-offline', 'drift', 'recording-failed', 'audit-chain'];

export function isRuleType(value: unknown): value is RuleType {
  return oneOf(ruleTypeValues)(value);
}

/**
 * The form for a rule — a stored one, or whatever the JSON tab holds (fields of the wrong type fall back to the
 * defaults; the caller checks the JSON with the schema before trusting it).
 */
export function ruleToDraft(rule: AlarmRule | Record<string, unknown>): RuleDraft {
  const r = rule as Record<string, unknown>;
  const target = (typeof r.target === 'object' && r.target !== null ? r.target : {}) as Record<string, unknown>;
  const suppressed = (typeof r.suppressedWhen === 'object' && r.suppressedWhen !== null ? r.suppressedWhen : {}) as Record<string, unknown>;
  const d = emptyDraft;
  return {
    type: pick(r.type, isRuleType, d.type),
    id: pick(r.id, isString, d.id),
    message: pick(r.message, isString, d.message),
    priority: pick(r.priority, oneOf(['critical', 'high', 'medium', 'low'] as const), d.priority),
    latching: pick(r.latching, isBoolean, d.latching),
    maxShelveMinutes: pick(r.maxShelveMinutes, isNumber, d.maxShelveMinutes),
    targetKind: target.allHosts === true ? 'all' : isString(target.hostId) ? 'host' : 'site',
    siteId: pick(target.siteId, isString, ''),
    hostId: pick(target.hostId, isString, ''),
    hostSiteId: isString(target.hostId) ? pick(target.siteId, isString, '') : '',
    suppressTag: pick(suppressed.tag, isString, ''),
    suppressEquals: isBoolean(suppressed.equals) || isNumber(suppressed.equals) ? String(suppressed.equals) : '',
    tag: pick(r.tag, isString, d.tag),
    metric: pick(r.metric, isString, d.metric),
    limit: pick(r.limit, oneOf(['HH', 'H', 'L', 'LL'] as const), d.limit),
    setpoint: pick(r.setpoint, isNumber, d.setpoint),
    deadband: pick(r.deadband, isNumber, d.deadband),
    onDelayS: pick(r.onDelayS, isNumber, d.onDelayS),
    offDelayS: pick(r.offDelayS, isNumber, d.offDelayS),
    alarmWhen: pick(r.alarmWhen, isBoolean, d.alarmWhen),
    ratePerMinute: pick(r.ratePerMinute, isNumber, d.ratePerMinute),
    windowS: pick(r.windowS, isNumber, d.windowS),
    direction: pick(r.direction, oneOf(['rise', 'fall', 'either'] as const), d.direction),
    periodS: pick(r.periodS, isNumber, d.periodS),
    periods: pick(r.periods, isNumber, d.periods),
    tags: Array.isArray(r.tags) ? r.tags.filter(isString) : d.tags,
    commTag: pick(r.commTag, isString, d.commTag),
    heartbeatS: pick(r.heartbeatS, isNumber, d.heartbeatS),
    missed: pick(r.missed, isNumber, d.missed),
  };
}

/** One mistake, at the rule path the schema or the console named (`rule` for the rule as a whole). */
export interface RuleProblem {
  path: string;
  message: string;
}

/** Every mistake the shared schema finds, or none. */
export function validateRule(rule: unknown): RuleProblem[] {
  const parsed = alarmRuleSchema.safeParse(rule);
  if (parsed.success) return [];
  return parsed.error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    const keys = issue.code === 'unrecognized_keys' ? `: ${issue.keys.join(', ')}` : '';
    // "expected number, received undefined" is the schema's way of saying the field was left empty.
    const message = issue.code === 'invalid_type' && /received undefined$/.test(issue.message) ? 'required' : `${issue.message}${keys}`;
    return { path: path || 'rule', message };
  });
}

/** The console's refusal `Alarm rule: setpoint: Expected number` as a path and a message; null for any other message. */
export function parseRuleError(message: string): RuleProblem | null {
  const match = /^Alarm rule: ([^:\s]+): ([\s\S]*)$/.exec(message);
  return match ? { path: match[1] ?? 'rule', message: match[2] ?? '' } : null;
}

/** Which input shows a mistake at `path`: `target.hostId` → `target`, `tags.3` → `tags`, `suppressedWhen` → its tag. */
export function fieldOfPath(path: string): string {
  const [head, next] = path.split('.');
  if (head === 'target' || head === 'tags') return head;
  if (head === 'suppressedWhen') return next === 'equals' ? 'suppressedWhen.equals' : 'suppressedWhen.tag';
  return head ?? path;
}

/** Mistakes sorted into those an input of the form shows and the rest (shown above the form). */
export function placeProblems(problems: readonly RuleProblem[], type: RuleType): { byField: Record<string, string>; elsewhere: RuleProblem[] } {
  const visible = visibleFields(type);
  const byField: Record<string, string> = {};
  const elsewhere: RuleProblem[] = [];
  for (const problem of problems) {
    const field = fieldOfPath(problem.path);
    if (visible.has(field) && byField[field] === undefined) byField[field] = problem.message;
    else if (!visible.has(field)) elsewhere.push(problem);
  }
  return { byField, elsewhere };
}
