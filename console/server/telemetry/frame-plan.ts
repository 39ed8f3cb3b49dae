/**
 * What storing one telemetry frame means, worked out in memory before any write: which batches are new (seq
 * above the stream's high-water mark), the raw rows, which tags are new or have a newer reading (by the
 * sample's own time, never by arrival), the minutes to roll up, and the new mark. Both writers — the Kysely one
 * and the prepared-statement one — apply the same plan, so they cannot disagree on what "once" means.
 */
import type { TelemetryBatch, TelemetryLoss } from '../../../modules/kernel/telemetry.js';
import { bucketStart, minuteMs } from '../metrics/rollup.js';
import { qualityCode, storedValue, type TagKind, type TelemetryTables } from './tables.js';

/** What the console holds in memory about one tag of a host (mirrors its telemetry_tags row). */
export interface TagState {
  id: number;
  kind: TagKind;
  firstSeen: number;
  /** -1 until the tag has a reading that may be shown. */
  lastSeen: number;
  lastValue: number | null;
  lastQuality: number;
}

/** A host's tags by name. */
export type HostTags = Map<string, TagState>;

export interface TelemetryFrameInput {
  hostId: string;
  stream: string;
  batches: readonly TelemetryBatch[];
  loss?: TelemetryLoss | undefined;
}

export interface IngestResult {
  /** The highest sequence number now stored for the stream: the agent may forget every batch up to it. */
  ackSeq: number;
  /** Samples written by this call. */
  stored: number;
  /** Samples not written because they were already stored (a replayed batch, or the same tag and time twice). */
  duplicates: number;
}

export type RawRow = TelemetryTables['telemetry_raw'] & { ts: number };
export type TagRow = TelemetryTables['telemetry_tags'];

export interface FramePlan {
  /** Samples in batches at or below the mark. */
  skipped: number;
  highSeq: number;
  newHigh: number;
  rows: RawRow[];
  /** New tags, and tags whose newest reading changes: upserted, keeping a newer stored reading. */
  tagRows: TagRow[];
  /** Known tags that got a sample older than their first_seen. */
  firstSeenMoves: { id: number; ts: number }[];
  minutes: number[];
  /** The host's tags as they are once the plan is committed. */
  nextStates: Map<string, TagState>;
}

/** A sample dated further ahead than this still goes into history but never becomes a tag's latest reading:
 * a gateway with a wrong clock must not freeze the live page on a value from the future. */
export const maxFutureSkewMs = 5 * 60_000;

/** `nextTagId` hands out ids for tags the host has never sent (called only when there is one). */
export function planFrame(frame: TelemetryFrameInput, tags: HostTags, highSeq: number, nextTagId: () => number, now: number): FramePlan {
  let skipped = 0;
  let newHigh = highSeq;
  const fresh: TelemetryBatch[] = [];
  for (const batch of [...frame.batches].sort((a, b) => a.seq - b.seq)) {
    if (batch.seq <= newHigh) skipped += batch.samples.length;
    else {
      fresh.push(batch);
      newHigh = batch.seq;
    }
  }

  const next = new Map<string, TagState>();
  const added = new Set<string>();
  const changed = new Set<string>();
  const minutes = new Set<number>();
  const rows: RawRow[] = [];
  const firstSeenMoves = new Map<number, number>();
  for (const batch of fresh) {
    for (const sample of batch.samples) {
      let tag = next.get(sample.tag);
      if (!tag) {
        const known = tags.get(sample.tag);
        tag = known ? { ...known } : { id: nextTagId(), kind: 'number', firstSeen: sample.ts, lastSeen: -1, lastValue: null, lastQuality: 2 };
        if (!known) added.add(sample.tag);
        next.set(sample.tag, tag);
      }
      const value = storedValue(sample.value);
      const quality = qualityCode(sample.quality);
      rows.push({ tag_id: tag.id, ts: sample.ts, value, quality });
      minutes.add(bucketStart(sample.ts, minuteMs));
      if (sample.ts < tag.firstSeen) {
        tag.firstSeen = sample.ts;
        if (!added.has(sample.tag)) firstSeenMoves.set(tag.id, sample.ts);
      }
      if (sample.ts > tag.lastSeen && sample.ts <= now + maxFutureSkewMs) {
        tag.lastSeen = sample.ts;
        tag.lastValue = value;
        tag.lastQuality = quality;
        if (sample.value !== null) tag.kind = typeof sample.value === 'boolean' ? 'boolean' : 'number';
        changed.add(sample.tag);
      }
    }
  }

  const tagRows: TagRow[] = [];
  for (const [name, tag] of next) {
    if (!added.has(name) && !changed.has(name)) continue;
    // A new tag whose every sample was dated in the future still gets a row (it shows no reading yet).
    tagRows.push({
      id: tag.id,
      host_id: frame.hostId,
      name,
      kind: tag.kind,
      first_seen: tag.firstSeen,
      last_seen: tag.lastSeen,
      last_value: tag.lastValue,
      last_quality: tag.lastQuality,
    });
  }
  return {
    skipped,
    highSeq,
    newHigh,
    rows,
    tagRows,
    firstSeenMoves: [...firstSeenMoves].map(([id, ts]) => ({ id, ts })),
    minutes: [...minutes],
    nextStates: next,
  };
}

/** The in-memory view after the plan committed. */
export function applyPlan(tags: HostTags, plan: FramePlan): void {
  for (const [name, state] of plan.nextStates) tags.set(name, state);
}
