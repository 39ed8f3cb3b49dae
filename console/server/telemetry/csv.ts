/**
 * CSV export of tag history: `time,tag,value,quality`, header first, one row per sample in time order across
 * the tags, streamed in pages so a month of a dozen tags never sits in memory. Raw samples where raw is still
 * kept; before that, minute rollups, then hour rollups (value = the bucket's average, quality good / mixed / bad).
 *
 * Spreadsheet safety: a text cell starting with = + - @ (or a tab or carriage return) gets a leading `'` so a
 * spreadsheet shows it as text instead of running it as a formula. Tag names cannot start so anyway — ingest
 * refuses any name outside letters, digits and `_ . -` starting with a letter or digit — but the export does
 * not rely on that. Numbers are written as numbers (a negative reading stays `-3.5`).
 */
import { hourMs, minuteMs } from '../metrics/rollup.js';
import { qualityName, type TagKind, type TelemetryDb } from './tables.js';
import { bucketQuality } from './trend.js';

export const csvHeader = 'time,tag,value,quality\r\n';

/** Rows read from the database per query, per tag. */
const pageRows = 1000;
/** The export yields text in chunks of about this many characters. */
const chunkChars = 64 * 1024;

/** One text cell, safe for a spreadsheet: formula triggers neutralised, quotes where CSV needs them. */
export function csvText(text: string): string {
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

interface Row {
  ts: number;
  value: string;
  quality: string;
}

export interface ExportTag {
  name: string;
  id: number | undefined;
  kind: TagKind;
}

/** The CSV text of the tags' history over [fromMs, toMs), in chunks. */
export async function* exportRows(db: TelemetryDb, tags: readonly ExportTag[], fromMs: number, toMs: number): AsyncGenerator<string> {
  let chunk = csvHeader;
  const cursors = tags.map((tag) => ({ name: csvText(tag.name), rows: tag.id === undefined ? empty() : tagRows(db, tag.id, tag.kind, fromMs, toMs), head: undefined as Row | undefined, done: false }));
  for (const cursor of cursors) await advance(cursor);
  for (;;) {
    // The next row in time across the tags (ties in the order the tags were asked for).
    let next: (typeof cursors)[number] | undefined;
    for (const cursor of cursors) if (cursor.head && (!next || cursor.head.ts < next.head!.ts)) next = cursor;
    if (!next) break;
    const row = next.head!;
    chunk += `${new Date(row.ts).toISOString()},${next.name},${row.value},${csvText(row.quality)}\r\n`;
    if (chunk.length >= chunkChars) {
      yield chunk;
      chunk = '';
    }
    await advance(next);
  }
  if (chunk.length > 0) yield chunk;
}

async function advance(cursor: { rows: AsyncGenerator<Row>; head: Row | undefined }): Promise<void> {
  const result = await cursor.rows.next();
  cursor.head = result.done ? undefined : result.value;
}

async function* empty(): AsyncGenerator<Row> {}

/** One tag's rows in time order: hours where minutes are gone, minutes where raw is gone, then raw. */
async function* tagRows(db: TelemetryDb, tagId: number, kind: TagKind, fromMs: number, toMs: number): AsyncGenerator<Row> {
  const firstRaw = await firstAt(db, 'telemetry_raw', tagId);
  const firstMinute = Math.min(await firstAt(db, 'telemetry_minute', tagId), firstRaw);
  let from = fromMs;
  for (const [table, size, until] of [['telemetry_hour', hourMs, firstMinute], ['telemetry_minute', minuteMs, firstRaw]] as const) {
    // Whole buckets that end before the finer data starts, so no time is exported twice.
    for await (const row of bucketRows(db, table, tagId, from, Math.min(toMs, until - size + 1))) {
      yield { ts: row.at, value: row.avg === null ? '' : String(row.avg), quality: bucketQuality(row.count, row.good) };
      from = Math.max(from, row.at + size);
    }
  }
  let after = from - 1;
  for (;;) {
    const page = await db
      .selectFrom('telemetry_raw')
      .select(['ts', 'value', 'quality'])
      .where('tag_id', '=', tagId)
      .where('ts', '>', after)
      .where('ts', '<', toMs)
      .orderBy('ts')
      .limit(pageRows)
      .execute();
    for (const r of page) yield { ts: Number(r.ts), value: valueText(r.value, kind), quality: qualityName(r.quality) };
    if (page.length < pageRows) return;
    after = Number(page[page.length - 1]!.ts);
  }
}

async function* bucketRows(db: TelemetryDb, table: 'telemetry_hour' | 'telemetry_minute', tagId: number, fromMs: number, toMs: number) {
  let from = fromMs;
  while (from < toMs) {
    const page = await db
      .selectFrom(table)
      .select(['at', 'avg', 'count', 'good_count'])
      .where('tag_id', '=', tagId)
      .where('at', '>=', from)
      .where('at', '<', toMs)
      .orderBy('at')
      .limit(pageRows)
      .execute();
    for (const r of page) yield { at: Number(r.at), avg: r.avg, count: r.count, good: r.good_count };
    if (page.length < pageRows) return;
    from = Number(page[page.length - 1]!.at) + 1;
  }
}

async function firstAt(db: TelemetryDb, table: 'telemetry_raw' | 'telemetry_minute', tagId: number): Promise<number> {
  const row =
    table === 'telemetry_raw'
      ? await db.selectFrom('telemetry_raw').select('ts as at').where('tag_id', '=', tagId).orderBy('ts').limit(1).executeTakeFirst()
      : await db.selectFrom('telemetry_minute').select('at').where('tag_id', '=', tagId).orderBy('at').limit(1).executeTakeFirst();
  return row ? Number(row.at) : Number.POSITIVE_INFINITY;
}

function valueText(value: number | null, kind: TagKind): string {
  if (value === null) return '';
  return kind === 'boolean' ? (value !== 0 ? 'true' : 'false') : String(value);
}
