/**
 * One telemetry frame into the database through Kysely, inside the caller's transaction: the portable path
 * (SQLite and PostgreSQL). It reads the stream's high-water mark, plans the frame (frame-plan.ts), and writes
 * raw rows, tag readings, rollup marks, the new mark and any loss report. All of it commits together or not at
 * all, so a console that dies mid-frame leaves the mark where the data is, and the agent's replay stores each
 * sample once. (ingest-sqlite.ts does the same with prepared statements, for speed on the embedded store.)
 */
import type { Transaction } from 'kysely';
import type { Database } from '../storage/schema.js';
import { applyPlan, planFrame, type HostTags, type IngestResult, type TelemetryFrameInput } from './frame-plan.js';
import type { TelemetryTables } from './tables.js';

export type TelemetryTransaction = Transaction<Database & TelemetryTables>;

/** Rows per INSERT: 4 parameters a row stays far below SQLite's 32,766 and PostgreSQL's 65,535. */
const rowsPerInsert = 1000;

export async function writeFrame(trx: TelemetryTransaction, frame: TelemetryFrameInput, tags: HostTags, now: number): Promise<IngestResult> {
  const { hostId, stream } = frame;
  const mark = await trx.selectFrom('telemetry_streams').select('high_seq').where('host_id', '=', hostId).where('stream', '=', stream).executeTakeFirst();
  const unknown = frame.batches.some((b) => b.samples.some((s) => !tags.has(s.tag)));
  let nextId = unknown ? Number((await trx.selectFrom('telemetry_tags').select((eb) => eb.fn.max('id').as('top')).executeTakeFirst())?.top ?? 0) + 1 : 0;
  const plan = planFrame(frame, tags, mark ? Number(mark.high_seq) : -1, () => nextId++, now);

  let stored = 0;
  for (let i = 0; i < plan.rows.length; i += rowsPerInsert) {
    const result = await trx
      .insertInto('telemetry_raw')
      .values(plan.rows.slice(i, i + rowsPerInsert))
      .onConflict((oc) => oc.columns(['tag_id', 'ts']).doNothing())
      .executeTakeFirst();
    stored += Number(result.numInsertedOrUpdatedRows ?? 0);
  }

  // The WHERE keeps a newer stored reading if another writer got there first: by the sample's time, never by arrival.
  for (let i = 0; i < plan.tagRows.length; i += rowsPerInsert / 2) {
    await trx
      .insertInto('telemetry_tags')
      .values(plan.tagRows.slice(i, i + rowsPerInsert / 2))
      .onConflict((oc) =>
        oc
          .column('id')
          .doUpdateSet((eb) => ({
            kind: eb.ref('excluded.kind'),
            last_seen: eb.ref('excluded.last_seen'),
            last_value: eb.ref('excluded.last_value'),
            last_quality: eb.ref('excluded.last_quality'),
          }))
          .whereRef('telemetry_tags.last_seen', '<', 'excluded.last_seen'),
      )
      .execute();
  }
  for (const move of plan.firstSeenMoves) {
    await trx.updateTable('telemetry_tags').set({ first_seen: move.ts }).where('id', '=', move.id).where('first_seen', '>', move.ts).execute();
  }

  if (plan.minutes.length > 0) {
    await trx
      .insertInto('telemetry_pending')
      .values(plan.minutes.map((at) => ({ host_id: hostId, resolution: 'minute' as const, at, marked_at: now })))
      .onConflict((oc) => oc.columns(['host_id', 'resolution', 'at']).doUpdateSet((eb) => ({ marked_at: eb.ref('excluded.marked_at') })))
      .execute();
  }

  if (plan.newHigh > plan.highSeq) {
    await trx
      .insertInto('telemetry_streams')
      .values({ host_id: hostId, stream, high_seq: plan.newHigh, updated_at: now })
      .onConflict((oc) =>
        oc
          .columns(['host_id', 'stream'])
          .doUpdateSet((eb) => ({ high_seq: eb.ref('excluded.high_seq'), updated_at: eb.ref('excluded.updated_at') }))
          .whereRef('telemetry_streams.high_seq', '<', 'excluded.high_seq'),
      )
      .execute();
  }

  if (frame.loss) {
    const { batches, samples, fromTs, toTs } = frame.loss;
    await trx
      .insertInto('telemetry_losses')
      .values({ host_id: hostId, stream, batches, samples, from_ts: fromTs, to_ts: toTs, received_at: now })
      .onConflict((oc) => oc.columns(['host_id', 'stream', 'from_ts', 'to_ts']).doNothing())
      .execute();
  }

  // Only now, with every statement done, does the in-memory view follow; the caller drops it if the commit fails.
  applyPlan(tags, plan);
  return { ackSeq: plan.newHigh, stored, duplicates: plan.skipped + plan.rows.length - stored };
}
