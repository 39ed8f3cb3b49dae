/**
 * The "Schedule maintenance" form without React: local date-time text to and from instants, the request built
 * from the fields, and each problem (the kernel schema's or the console's) put next to the field it is about.
 */
import { maintenanceWindowRequestSchema, type MaintenanceScope, type MaintenanceWindowRequest } from '../../../../../modules/kernel/alarm-api.js';

export type ScopeKind = MaintenanceScope['kind'];
export type MaintenanceField = 'scope' | 'from' | 'to' | 'reason';
export type FieldErrors = Partial<Record<MaintenanceField, string>>;

export interface MaintenanceFormValues {
  kind: ScopeKind;
  hostId: string | null;
  tag: string | null;
  siteId: string | null;
  /** As a datetime-local input holds it: `2026-11-24T14:30`, in the browser's time zone. */
  from: string;
  to: string;
  reason: string;
}

/** How long a new window lasts unless the user says otherwise. */
export const defaultDurationMs = 2 * 3_600_000;

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** An instant as a datetime-local value in the browser's time zone, to the minute. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A datetime-local value as an instant (read in the browser's time zone); NaN when it is not one. */
export function fromLocalInput(text: string): number {
  // Only the input's own shape: Date.parse would also take forms that some browsers read as UTC.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/.test(text)) return Number.NaN;
  return new Date(text).getTime();
}

/** A fresh form: now (to the minute) until two hours later. */
export function initialValues(now: number): MaintenanceFormValues {
  const from = Math.floor(now / 60_000) * 60_000;
  return { kind: 'host', hostId: null, tag: null, siteId: null, from: toLocalInput(from), to: toLocalInput(from + defaultDurationMs), reason: '' };
}

/** The field a schema path (`scope.hostId`, `to`) or a console message (`to: must be after from`) is about. */
export function fieldOf(path: string): MaintenanceField | null {
  const head = path.split(/[.:]/)[0]?.trim();
  return head === 'scope' || head === 'from' || head === 'to' || head === 'reason' ? head : null;
}

/** "must be after from" → "Must be after from." */
export function sentence(message: string): string {
  const text = message.trim();
  if (text === '') return text;
  const capital = text[0]!.toUpperCase() + text.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

const missingScope: Record<ScopeKind, string> = {
  host: 'Choose the host',
  group: 'Choose the host tag',
  site: 'Choose the site',
};

/**
 * The request the form describes, checked as the console will check it, plus the one rule the schema cannot
 * know (a window may not end in the past): either the request or the problems by field.
 */
export function buildRequest(values: MaintenanceFormValues, now: number): { request: MaintenanceWindowRequest; errors: null } | { request: null; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const scopeValue = values.kind === 'host' ? values.hostId : values.kind === 'group' ? values.tag : values.siteId;
  if (!scopeValue) errors.scope = missingScope[values.kind];
  const fromMs = fromLocalInput(values.from);
  const toMs = fromLocalInput(values.to);
  if (Number.isNaN(fromMs)) errors.from = 'Give a start date and time';
  if (Number.isNaN(toMs)) errors.to = 'Give an end date and time';
  else if (!Number.isNaN(fromMs) && toMs <= fromMs) errors.to = 'End it after it starts';
  else if (toMs <= now) errors.to = 'The window would already be over; give a time ahead';
  if (values.reason.trim() === '') errors.reason = 'Say why, for those who see alarms go unpaged';

  const scope =
    values.kind === 'host'
      ? { kind: 'host' as const, hostId: values.hostId ?? '' }
      : values.kind === 'group'
        ? { kind: 'group' as const, tag: values.tag ?? '' }
        : { kind: 'site' as const, siteId: values.siteId ?? '' };
  const candidate = {
    scope,
    from: Number.isNaN(fromMs) ? values.from : new Date(fromMs).toISOString(),
    to: Number.isNaN(toMs) ? values.to : new Date(toMs).toISOString(),
    reason: values.reason.trim(),
  };
  const parsed = maintenanceWindowRequestSchema.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = fieldOf(issue.path.join('.'));
      if (field && !errors[field]) errors[field] = sentence(issue.message);
    }
  }
  if (Object.keys(errors).length > 0 || !parsed.success) {
    return { request: null, errors: Object.keys(errors).length > 0 ? errors : { reason: 'The console would refuse this window' } };
  }
  return { request: parsed.data, errors: null };
}
