/**
 * The telemetry tables as Kysely sees them (migration 006-telemetry), and how qualities and values are coded in
 * them. The store adds these to the console's Database type with `withTables`, so storage/schema.ts and the
 * Storage interface stay as they are: telemetry is its own store over the same database handle.
 */
import type { Kysely } from 'kysely';
import type { Quality } from '../../../modules/kernel/telemetry.js';
import type { Database } from '../storage/schema.js';

/** bigint columns come back as number from SQLite and may come back as string from PostgreSQL. */
type Millis = number | string;

export type TelemetryTables = {
  telemetry_streams: { host_id: string; stream: string; high_seq: Millis; updated_at: Millis };
  telemetry_tags: {
    id: number;
    host_id: string;
    name: string;
    kind: TagKind;
    first_seen: Millis;
    last_seen: Millis;
    last_value: number | null;
    last_quality: number;
  };
  telemetry_raw: { tag_id: number; ts: Millis; value: number | null; quality: number };
  telemetry_minute: RollupRow;
  telemetry_hour: RollupRow;
  telemetry_pending: { host_id: string; resolution: 'minute' | 'hour'; at: Millis; marked_at: Millis };
  telemetry_losses: {
    host_id: string;
    stream: string;
    batches: number;
    samples: number;
    from_ts: Millis;
    to_ts: Millis;
    received_at: Millis;
  };
};

export type RollupRow = {
  tag_id: number;
  at: Millis;
  count: number;
  good_count: number;
  value_count: number;
  min: number | null;
  avg: number | null;
  max: number | null;
};

export type TelemetryDb = Kysely<Database & TelemetryTables>;

export type TagKind = 'number' | 'boolean';

/** Qualities as small integers in raw rows: the order matters only in that 0 is good. */
const qualityCodes: Record<Quality, number> = { good: 0, stale: 1, 'comm-fault': 2 };
const qualityNames: readonly Quality[] = ['good', 'stale', 'comm-fault'];

export function qualityCode(quality: Quality): number {
  return qualityCodes[quality];
}

export function qualityName(code: number): Quality {
  // An unknown code (a newer console wrote it) reads as the least trustworthy quality, never as good.
  return qualityNames[code] ?? 'comm-fault';
}

/** A sample's value as stored: booleans as 0/1. */
export function storedValue(value: number | boolean | null): number | null {
  return typeof value === 'boolean' ? (value ? 1 : 0) : value;
}

/** A stored value as the tag's kind gives it back. */
export function readValue(value: number | null, kind: TagKind): number | boolean | null {
  if (value === null) return null;
  return kind === 'boolean' ? value !== 0 : value;
}
