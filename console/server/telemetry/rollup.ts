/**
 * Telemetry downsampling and retention. Ingest marks each minute it wrote into (telemetry_pending); the roller
 * recomputes exactly those minutes from raw and, once an hour is over, that hour from its minutes. Recomputing
 * (not adding to) a bucket makes a run idempotent, and late samples — a gateway's backlog replayed after a cut —
 * simply mark their old minute again. Buckets are aligned to UTC minutes and hours.
 */
import { sql } from 'kysely';
import { bucketStart, hourMs, minuteMs } from '../metrics/rollup.js';
import type { RollupRow, TelemetryDb } from './tables.js';

export interface TelemetryRetention {
  rawDays: number;
  minuteDays: number;
  hourDays: number;
}

export const defaultRetention: TelemetryRetention = { rawDays: 7, minuteDays: 90, hourDays: 730 };

const dayMs = 86_400_000;

/** Buckets recomputed per transaction: small enough that ingest never waits long behind the roller. */
const bucketsPerTransaction = 10;
/** Tags per DELETE when pruning, for the same reason. */
const tagsPerPrune = 200;

type Pending = { host_id: string; at: number; marked_at: number };

/** Recompute every finished minute and hour that is marked; returns how many buckets (host × period) it did. */
export async function rollupPending(db: TelemetryDb, now: number): Promise<{ minutes: number; hours: number }> {
  // A minute still running would only be marked again by its next sample; it waits until it is over.
  const minutes = await drain(db, 'minute', bucketStart(now, minuteMs), (trx, p) => rollMinute(trx, p, now));
  const hours = await drain(db, 'hour', bucketStart(now, hourMs), (trx, p) => rollHour(trx, p));
  return { minutes, hours };
}

async function drain(db: TelemetryDb, resolution: 'minute' | 'hour', before: number, roll: (trx: TelemetryDb, p: Pending) => Promise<void>): Promise<number> {
  let done = 0;
  for (;;) {
    const count = await db.transaction().execute(async (trx) => {
      const pending = (
        await trx
          .selectFrom('telemetry_pending')
          .select(['host_id', 'at', 'marked_at'])
          .where('resolution', '=', resolution)
          .where('at', '<', before)
          .orderBy('at')
          .limit(bucketsPerTransaction)
          .execute()
      ).map((p) => ({ host_id: p.host_id, at: Number(p.at), marked_at: Number(p.marked_at) }));
      for (const p of pending) {
        await roll(trx, p);
        // Only the mark this run saw: a sample that arrived meanwhile re-marked the bucket with a later time.
        await trx
          .deleteFrom('telemetry_pending')
          .where('host_id', '=', p.host_id)
          .where('resolution', '=', resolution)
          .where('at', '=', p.at)
          .where('marked_at', '<=', p.marked_at)
          .execute();
      }
      return pending.length;
    });
    done += count;
    if (count < bucketsPerTransaction) return done;
    // better-sqlite3 is synchronous, so awaiting it never lets the event loop run: without this pause a
    // minute's rollup for a large fleet would hold up ingest and live pages for a second or more.
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function rollMinute(trx: TelemetryDb, p: Pending, now: number): Promise<void> {
  const rows = await trx
    .selectFrom('telemetry_raw as r')
    .innerJoin('telemetry_tags as t', 't.id', 'r.tag_id')
    .where('t.host_id', '=', p.host_id)
    .where('r.ts', '>=', p.at)
    .where('r.ts', '<', p.at + minuteMs)
    .groupBy('r.tag_id')
    .select((eb) => [
      'r.tag_id as tag_id',
      eb.fn.countAll<number>().as('count'),
      eb.fn.sum<number>(eb.case().when('r.quality', '=', 0).then(1).else(0).end()).as('good_count'),
      eb.fn.count<number>('r.value').as('value_count'),
      eb.fn.min<number | null>('r.value').as('min'),
      eb.fn.avg<number | null>('r.value').as('avg'),
      eb.fn.max<number | null>('r.value').as('max'),
    ])
    .execute();
  await upsertBuckets(trx, 'telemetry_minute', rows.map((r) => toRollupRow(r, p.at)));
  await trx
    .insertInto('telemetry_pending')
    .values({ host_id: p.host_id, resolution: 'hour', at: bucketStart(p.at, hourMs), marked_at: now })
    .onConflict((oc) => oc.columns(['host_id', 'resolution', 'at']).doUpdateSet((eb) => ({ marked_at: eb.ref('excluded.marked_at') })))
    .execute();
}

async function rollHour(trx: TelemetryDb, p: Pending): Promise<void> {
  // The hour's average is the minutes' averages weighted by how many values each held: exact, not an average of averages.
  const rows = await trx
    .selectFrom('telemetry_minute as m')
    .innerJoin('telemetry_tags as t', 't.id', 'm.tag_id')
    .where('t.host_id', '=', p.host_id)
    .where('m.at', '>=', p.at)
    .where('m.at', '<', p.at + hourMs)
    .groupBy('m.tag_id')
    .select((eb) => [
      'm.tag_id as tag_id',
      eb.fn.sum<number>('m.count').as('count'),
      eb.fn.sum<number>('m.good_count').as('good_count'),
      eb.fn.sum<number>('m.value_count').as('value_count'),
      eb.fn.min<number | null>('m.min').as('min'),
      sql<number | null>`sum(m.avg * m.value_count) / nullif(sum(m.value_count), 0)`.as('avg'),
      eb.fn.max<number | null>('m.max').as('max'),
    ])
    .execute();
  await upsertBuckets(trx, 'telemetry_hour', rows.map((r) => toRollupRow(r, p.at)));
}

function toRollupRow(r: Omit<RollupRow, 'at'> & Record<string, unknown>, at: number): RollupRow {
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    tag_id: Number(r.tag_id),
    at,
    count: Number(r.count),
    good_count: Number(r.good_count ?? 0),
    value_count: Number(r.value_count),
    min: num(r.min),
    avg: num(r.avg),
    max: num(r.max),
  };
}

async function upsertBuckets(trx: TelemetryDb, table: 'telemetry_minute' | 'telemetry_hour', rows: RollupRow[]): Promise<void> {
  if (rows.length === 0) return;
  for (let i = 0; i < rows.length; i += 500) {
    await trx
      .insertInto(table)
      .values(rows.slice(i, i + 500))
      .onConflict((oc) =>
        oc.columns(['tag_id', 'at']).doUpdateSet((eb) => ({
          count: eb.ref('excluded.count'),
          good_count: eb.ref('excluded.good_count'),
          value_count: eb.ref('excluded.value_count'),
          min: eb.ref('excluded.min'),
          avg: eb.ref('excluded.avg'),
          max: eb.ref('excluded.max'),
        })),
      )
      .execute();
  }
}

/** Delete what is older than each resolution's retention; returns rows deleted per table. */
export async function pruneHistory(db: TelemetryDb, now: number, retention: TelemetryRetention): Promise<{ raw: number; minute: number; hour: number; losses: number }> {
  const deleted = { raw: 0, minute: 0, hour: 0, losses: 0 };
  const cut = { raw: now - retention.rawDays * dayMs, minute: now - retention.minuteDays * dayMs, hour: now - retention.hourDays * dayMs };
  // Raw rows are keyed by (tag, time), so deleting by time goes tag by tag (a range per tag on the key), in
  // chunks of tags, each its own statement so ingest interleaves.
  let afterId = 0;
  for (;;) {
    const ids = (await db.selectFrom('telemetry_tags').select('id').where('id', '>', afterId).orderBy('id').limit(tagsPerPrune).execute()).map((r) => r.id);
    if (ids.length === 0) break;
    afterId = ids[ids.length - 1]!;
    deleted.raw += Number((await db.deleteFrom('telemetry_raw').where('tag_id', 'in', ids).where('ts', '<', cut.raw).executeTakeFirst()).numDeletedRows);
    deleted.minute += Number((await db.deleteFrom('telemetry_minute').where('tag_id', 'in', ids).where('at', '<', cut.minute).executeTakeFirst()).numDeletedRows);
    deleted.hour += Number((await db.deleteFrom('telemetry_hour').where('tag_id', 'in', ids).where('at', '<', cut.hour).executeTakeFirst()).numDeletedRows);
  }
  // A mark older than raw retention can only recompute from nothing; the loss log lives as long as the hours.
  await db.deleteFrom('telemetry_pending').where('at', '<', cut.raw).execute();
  deleted.losses = Number((await db.deleteFrom('telemetry_losses').where('received_at', '<', cut.hour).executeTakeFirst()).numDeletedRows);
  return deleted;
}
