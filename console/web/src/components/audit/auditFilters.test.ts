import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../types.js';
import { auditFilterQuery, isFiltered, matchesFilters, noAuditFilters } from './auditFilters.js';

const entry: AuditEntry = {
  id: 3, at: '2026-11-24T10:00:00.000Z', user: 'ana', hostId: 'h_1', hostName: 'gw-01', action: 'file.write',
  paramsDigest: null, phase: 'completed', result: 'forbidden', detail: null, address: null, prevHash: '0', hash: '1',
};

describe('audit page filters', () => {
  it('become the query string, instants in UTC, empty ones left out', () => {
    expect(auditFilterQuery(noAuditFilters).toString()).toBe('');
    const from = new Date(2026, 10, 24, 9, 30).toISOString();
    const query = auditFilterQuery({ ...noAuditFilters, user: 'ana', module: 'file', result: 'denied', from: '2026-11-24T09:30', to: '2026-11-2' });
    expect(Object.fromEntries(query)).toEqual({ user: 'ana', module: 'file', result: 'denied', from });
  });

  it('match live entries as the console would', () => {
    expect(matchesFilters(entry, noAuditFilters)).toBe(true);
    expect(isFiltered(noAuditFilters)).toBe(false);
    expect(matchesFilters(entry, { ...noAuditFilters, module: 'file', result: 'denied' })).toBe(true);
    expect(matchesFilters(entry, { ...noAuditFilters, module: 'fil' })).toBe(false);
    expect(matchesFilters(entry, { ...noAuditFilters, action: 'file' })).toBe(false);
    expect(matchesFilters(entry, { ...noAuditFilters, result: 'error' })).toBe(false);
    expect(matchesFilters({ ...entry, result: 'ok' }, { ...noAuditFilters, result: 'ok' })).toBe(true);
    const local = (ms: number) => {
      const d = new Date(ms);
      const pad = (n: number) => String(n).padStart(2, '0');
      return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
    };
    const at = Date.parse(entry.at);
    expect(matchesFilters(entry, { ...noAuditFilters, from: local(at), to: local(at + 60_000) })).toBe(true);
    expect(matchesFilters(entry, { ...noAuditFilters, to: local(at) })).toBe(false);
  });
});
