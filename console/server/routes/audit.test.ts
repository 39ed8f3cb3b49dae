/**
 * The audit log's HTTP face: search filters on the list, and the CSV and JSON lines exports (quoting, the formula
 * guard, one parseable entry per line in chain order, filters applied, audit.read required).
 */
import { AccessControl } from '../access/service.js';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { auditEntryHash } from '../storage/kysely-storage.js';
import { AuditTrail } from '../audit.js';
import { EXPORT_PAGE } from '../audit-export/export.js';
import type { AppEnv } from '../http/env.js';
import type { Services } from '../services.js';
import { openSqliteStorage } from '../storage/sqlite.js';
import type { AuditEntry, RoleId, UserRecord } from '../storage/types.js';
import { auditRoutes } from './audit.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function serve(role: RoleId = 'auditor') {
  const storage = await openSqliteStorage(':memory:');
  await storage.migrate();
  cleanups.push(() => storage.close());
  const audit = new AuditTrail(storage);
  const access = new AccessControl(storage.db);
  const app = new Hono<AppEnv>();
  app.use('*', async (c, next) => {
    c.set('user', { id: 'u1', username: 'ana', role } as UserRecord);
    c.set('access', access.forGrants([{ role, scope: { kind: 'fleet' } }]));
    c.set('address', '10.0.0.7');
    await next();
  });
  app.route('/api/audit', auditRoutes({ storage, audit, access, hosts: { list: async () => [] } } as unknown as Services));
  return { app, storage, audit };
}

const base = { user: 'bob', hostId: 'h_1', hostName: 'gw-01', action: 'file.write', phase: 'completed' as const, result: 'ok' };

/** Parse RFC 4180 CSV (quoted cells, doubled quotes, CRLF rows) into rows of cells. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), (i += 1);
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(cell), (cell = '');
    else if (ch === '\r' && text[i + 1] === '\n') row.push(cell), rows.push(row), (row = []), (cell = ''), (i += 1);
    else cell += ch;
  }
  return rows;
}

describe('audit routes', () => {
  it('lists with module, result and time filters, and refuses bad ones naming the parameter', async () => {
    const { app, audit, storage } = await serve();
    const a = await audit.record(base);
    const b = await audit.record({ ...base, action: 'process.signal', result: 'forbidden' });
    const c = await audit.record({ ...base, action: 'file.read', result: 'timeout', hostId: 'h_2' });
    const ids = async (query: string) => ((await (await app.request(`/api/audit?${query}`)).json()) as { entries: AuditEntry[] }).entries.map((e) => e.id);
    expect(await ids('')).toEqual([c.id, b.id, a.id]);
    expect(await ids('module=file')).toEqual([c.id, a.id]);
    expect(await ids('result=denied')).toEqual([b.id]);
    expect(await ids('result=error&module=file')).toEqual([c.id]);
    expect(await ids('host=h_1&module=file&user=bob')).toEqual([a.id]);
    const old = await storage.appendAudit({ ...base, at: '2026-01-15T08:00:00.000Z', paramsDigest: null, detail: null, address: null });
    expect(await ids('from=2026-01-15T00:00:00Z&to=2026-01-16T00:00:00%2B01:00')).toEqual([old.id]);
    expect(await ids('to=2026-01-15T08:00:00.000Z')).toEqual([]);
    expect(await ids('from=2026-01-15T09:00:00%2B01:00&module=file')).toEqual([old.id, c.id, a.id]);
    expect(await ids('user=&module=&from=')).toEqual([old.id, c.id, b.id, a.id]);

    for (const [query, key] of [['result=maybe', 'result'], ['from=yesterday', 'from'], ['module=fi.le', 'module'], ['from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z', 'to'], ['limit=0', 'limit']]) {
      const response = await app.request(`/api/audit?${query}`);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: 'invalid-params', message: expect.stringMatching(new RegExp(`^${key}: `)) } });
    }
  });

  it('exports CSV as an attachment, quoted, with formula triggers neutralised', async () => {
    const { app, audit } = await serve();
    await audit.record({ ...base, detail: 'plain' });
    await audit.record({ ...base, user: '=HYPERLINK("http://evil")', detail: 'a, "quoted"\r\nsecond line' });
    await audit.record({ ...base, user: '+1', detail: '-2+3', hostName: '@SUM(A1)' });
    const response = await app.request('/api/audit/export.csv');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="gatehouse-audit-\d{4}-\d{2}-\d{2}\.csv"$/);
    const rows = parseCsv(await response.text());
    expect(rows[0]).toEqual(['id', 'at', 'user', 'hostId', 'hostName', 'action', 'phase', 'result', 'paramsDigest', 'detail', 'address', 'prevHash', 'hash']);
    // The header, three entries, and the export's own entry (recorded before the first row is read).
    expect(rows).toHaveLength(5);
    expect(rows[4]!.slice(5, 8)).toEqual(['audit.export', 'event', 'ok']);
    expect(rows[1]![9]).toBe('plain');
    expect(rows[2]![2]).toBe(`'=HYPERLINK("http://evil")`);
    expect(rows[2]![9]).toBe('a, "quoted"\r\nsecond line');
    expect(rows[3]!.slice(2, 5)).toEqual(["'+1", 'h_1', "'@SUM(A1)"]);
    expect(rows[3]![9]).toBe("'-2+3");
    expect(rows[1]![8]).toBe('');
  });

  it('exports JSON lines oldest first, one whole entry per line, that check against the chain', async () => {
    const { app, audit } = await serve();
    const count = EXPORT_PAGE + 7; // more than one page
    for (let n = 0; n < count; n += 1) await audit.record({ ...base, detail: `entry ${n}\nwith a newline` });
    const response = await app.request('/api/audit/export.jsonl');
    expect(response.headers.get('content-disposition')).toMatch(/filename="gatehouse-audit-\d{4}-\d{2}-\d{2}\.jsonl"$/);
    const text = await response.text();
    expect(text.endsWith('\n')).toBe(true);
    const entries = text.trimEnd().split('\n').map((line) => JSON.parse(line) as AuditEntry);
    expect(entries).toHaveLength(count + 1);
    expect(entries.at(-1)).toMatchObject({ action: 'audit.export', detail: 'jsonl' });
    let prev = '0'.repeat(64);
    for (const entry of entries) {
      expect(entry.prevHash).toBe(prev);
      const { id: _id, prevHash: _p, hash, ...input } = entry;
      expect(auditEntryHash(entry.prevHash, input)).toBe(hash);
      prev = hash;
    }
    expect(entries[0]!.detail).toBe('entry 0\nwith a newline');
  });

  it('applies the filters to an export, and records who exported what', async () => {
    const { app, audit, storage } = await serve();
    const kept = await audit.record({ ...base, action: 'file.read', result: 'forbidden' });
    await audit.record({ ...base, action: 'process.signal', result: 'forbidden' });
    await audit.record({ ...base, action: 'file.write' });
    const response = await app.request('/api/audit/export.jsonl?module=file&result=denied');
    const lines = (await response.text()).trimEnd().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as AuditEntry).id)).toEqual([kept.id]);
    const [recorded] = await storage.queryAudit({ limit: 1 });
    expect(recorded).toMatchObject({ user: 'ana', action: 'audit.export', address: '10.0.0.7', detail: 'jsonl module=file result=denied' });
    expect(await (await app.request('/api/audit/export.csv?user=nobody')).text()).toBe(
      'id,at,user,hostId,hostName,action,phase,result,paramsDigest,detail,address,prevHash,hash\r\n',
    );
    expect((await app.request('/api/audit/export.csv?result=nope')).status).toBe(400);
  });

  it('needs audit.read for the list and both exports', async () => {
    const { app } = await serve('plant-operator');
    for (const path of ['', '/export.csv', '/export.jsonl']) {
      const response = await app.request(`/api/audit${path}`);
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ error: { code: 'forbidden' } });
    }
  });
});
