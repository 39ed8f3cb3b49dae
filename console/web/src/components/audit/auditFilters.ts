/**
 * The audit page's filters: as the inputs hold them, as the console's query string (the list and both exports take
 * the same one), and as a test for entries that arrive over the live socket. Pure, so it is tested without a browser.
 */
import { auditResultClass, type AuditResultClass } from '../../../../../modules/kernel/audit-search.js';
import { fromLocalInput } from '../../alarms/maintenance/maintenanceForm.js';
import type { AuditEntry } from '../../types.js';

export interface AuditFilters {
  user: string;
  /** A host id, or '' for any. */
  host: string;
  /** An action's prefix before the first '.', e.g. `file`. */
  module: string;
  /** One exact action, e.g. `process.signal`. */
  action: string;
  result: AuditResultClass | '';
  /** As a datetime-local input holds them (the browser's time zone); '' or an unfinished value: no bound. */
  from: string;
  to: string;
}

export const noAuditFilters: AuditFilters = { user: '', host: '', module: '', action: '', result: '', from: '', to: '' };

export const auditResultOptions: { value: AuditResultClass; label: string }[] = [
  { value: 'ok', label: 'ok' },
  { value: 'denied', label: 'denied' },
  { value: 'error', label: 'error' },
];

function instant(local: string): string | undefined {
  const ms = fromLocalInput(local);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

export function isFiltered(filters: AuditFilters): boolean {
  return Object.values(filters).some((value) => value !== '');
}

/** The filters as query parameters (without paging); absent ones are left out. */
export function auditFilterQuery(filters: AuditFilters): URLSearchParams {
  const query = new URLSearchParams();
  for (const key of ['user', 'host', 'module', 'action', 'result'] as const) if (filters[key]) query.set(key, filters[key]);
  const from = instant(filters.from);
  const to = instant(filters.to);
  if (from) query.set('from', from);
  if (to) query.set('to', to);
  return query;
}

/** Whether an entry belongs in the list under the filters (the console filtered the rest). */
export function matchesFilters(entry: AuditEntry, filters: AuditFilters): boolean {
  if (filters.user && entry.user !== filters.user) return false;
  if (filters.host && entry.hostId !== filters.host) return false;
  if (filters.module && !entry.action.startsWith(`${filters.module}.`)) return false;
  if (filters.action && entry.action !== filters.action) return false;
  if (filters.result && auditResultClass(entry.result) !== filters.result) return false;
  const from = instant(filters.from);
  const to = instant(filters.to);
  if (from && entry.at < from) return false;
  if (to && entry.at >= to) return false;
  return true;
}
