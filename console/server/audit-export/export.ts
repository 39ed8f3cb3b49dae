/**
 * The audit log as a file: CSV for people and spreadsheets, JSON lines for programs. Both read the log oldest
 * first, in chain order, in pages of EXPORT_PAGE entries, so a log of millions of entries never sits in memory and
 * each JSON line's `prevHash` is the `hash` of the line before it (when no filter leaves entries out): an export
 * can be checked against the chain with nothing but SHA-256.
 *
 * The export stops at the newest entry that existed when it started, so a busy console cannot keep it running.
 */
import type { AuditEntry, AuditQuery, Storage } from '../storage/types.js';
import { csvText } from '../telemetry/csv.js';

/** Entries read from storage per query. */
export const EXPORT_PAGE = 500;
/** Text is yielded in chunks of about this many characters. */
const chunkChars = 64 * 1024;

/** The filters of an export: AuditQuery without the paging, which the export does itself. */
export type AuditExportFilter = Omit<AuditQuery, 'limit' | 'after' | 'order'>;

export const auditCsvColumns = ['id', 'at', 'user', 'hostId', 'hostName', 'action', 'phase', 'result', 'paramsDigest', 'detail', 'address', 'prevHash', 'hash'] as const;

/** Every entry matching the filter, oldest first, up to the log's head at the time of the first read. */
export async function* auditEntries(storage: Storage, filter: AuditExportFilter): AsyncGenerator<AuditEntry> {
  let before = filter.before;
  if (before === undefined) {
    const [head] = await storage.queryAudit({ limit: 1 });
    if (!head) return;
    before = head.id + 1;
  }
  let after: number | undefined;
  for (;;) {
    const page = await storage.queryAudit({ ...filter, before, after, order: 'oldest-first', limit: EXPORT_PAGE });
    for (const entry of page) yield entry;
    if (page.length < EXPORT_PAGE) return;
    after = page[page.length - 1]!.id;
  }
}

/** One CSV row (CRLF-terminated); every text cell guarded against spreadsheet formulas and quoted where needed. */
export function auditCsvRow(entry: AuditEntry): string {
  return `${auditCsvColumns.map((column) => {
    const value = entry[column];
    if (value === null) return '';
    return typeof value === 'number' ? String(value) : csvText(value);
  }).join(',')}\r\n`;
}

export async function* auditCsv(storage: Storage, filter: AuditExportFilter): AsyncGenerator<string> {
  yield* chunked(`${auditCsvColumns.join(',')}\r\n`, storage, filter, auditCsvRow);
}

/** One JSON object per line: the entry exactly as stored, hashes included. */
export async function* auditJsonLines(storage: Storage, filter: AuditExportFilter): AsyncGenerator<string> {
  yield* chunked('', storage, filter, (entry) => `${JSON.stringify(entry)}\n`);
}

async function* chunked(first: string, storage: Storage, filter: AuditExportFilter, line: (entry: AuditEntry) => string): AsyncGenerator<string> {
  let chunk = first;
  for await (const entry of auditEntries(storage, filter)) {
    chunk += line(entry);
    if (chunk.length >= chunkChars) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk.length > 0) yield chunk;
}
