/**
 * How records lie in tables: the table shapes (snake_case, timestamps as ISO text, booleans as 0/1 integers, so
 * one set of Kysely queries runs on SQLite and PostgreSQL alike) and the mapping between rows and the records in
 * types.ts. The queries themselves are in kysely-storage.ts.
 */
import type { Generated, Insertable, Selectable } from 'kysely';
import type { HostStatus } from '../../../modules/kernel/host-status.js';
import type { MetricsSample } from '../../../modules/kernel/metrics-sample.js';
import { metricSeries, type MetricSeries, type MetricValues } from '../../../modules/metrics/series.js';
import type { MetricBucket } from '../metrics/rollup.js';
import type {
  AuditEntry,
  AuditInput,
  EnrollmentTokenRecord,
  HostConnection,
  HostRecord,
  HostState,
  RecordingRecord,
  RecordingState,
  RoleId,
  SessionRecord,
  SshTargetRecord,
  UserRecord,
} from './types.js';

export interface UsersTable {
  id: string;
  username: string;
  role: string;
  password_hash: string;
  created_at: string;
  disabled: number;
}

export interface SessionsTable {
  /** SHA-256 of the session token, hex. */
  id: string;
  user_id: string;
  created_at: string;
  expires_at: string;
  address: string | null;
}

export interface HostsTable {
  id: string;
  name: string;
  state: string;
  public_key: string;
  enrolled_at: string;
  last_seen_at: string | null;
  last_address: string | null;
  /** HostStatus as JSON text. */
  last_status: string | null;
  enrolled_with_token: string | null;
  connection: Generated<string>;
  /** A JSON array of tag strings. */
  tags: Generated<string>;
}

export interface EnrollmentTokensTable {
  id: string;
  secret_hash: string;
  note: string;
  auto_approve: number;
  created_by: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  used_by_host: string | null;
  revoked_at: string | null;
  for_host: string | null;
}

export interface HostBaselinesTable {
  host_id: string;
  facts: string;
  digest: string;
  approved_by: string;
  approved_at: string;
}

export interface SshTargetsTable {
  host_id: string;
  address: string;
  port: number;
  username: string;
  sealed_key: string;
  client_public_key: string;
  host_key_type: string;
  host_key_fingerprint: string;
  registered_by: string;
  registered_at: string;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  /** AuditInput.user; `user` is a reserved word in PostgreSQL. */
  actor: string;
  host_id: string | null;
  host_name: string | null;
  action: string;
  params_digest: string | null;
  phase: string;
  result: string;
  detail: string | null;
  address: string | null;
  prev_hash: string;
  hash: string;
}

export interface RecordingsTable {
  id: string;
  /** The agent's terminal session id (`t_…`); null until the agent names it. */
  terminal_session_id: string | null;
  host_id: string;
  host_name: string;
  console_user: string;
  unix_user: string;
  started_at: string;
  ended_at: string | null;
  bytes: number;
  path: string;
  input_recorded: number;
  state: string;
}

/** diskRead → disk_read: the column name of a series (migration 004). */
type SnakeCase<S extends string> = S extends `${infer Head}${infer Tail}` ? `${Head extends Lowercase<Head> ? Head : `_${Lowercase<Head>}`}${SnakeCase<Tail>}` : S;
export type SeriesColumn = SnakeCase<MetricSeries>;
export function seriesColumn(series: MetricSeries): SeriesColumn {
  return series.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) as SeriesColumn;
}

/** One raw sample's series; `at` is ms since the epoch (bigint: PostgreSQL hands it back as a string). */
export type MetricsRawTable = { host_id: string; at: number | string } & Record<SeriesColumn, number>;
/** A minute or hour bucket: count and min/avg/max of every series. */
export type MetricsRollupTable = { host_id: string; at: number | string; count: number } & Record<`${SeriesColumn}_${'min' | 'avg' | 'max'}`, number>;
export interface MetricsLatestTable {
  host_id: string;
  at: number | string;
  /** The whole MetricsSample as JSON. */
  sample: string;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  hosts: HostsTable;
  enrollment_tokens: EnrollmentTokensTable;
  audit_log: AuditLogTable;
  recordings: RecordingsTable;
  ssh_targets: SshTargetsTable;
  host_baselines: HostBaselinesTable;
  metrics_raw: MetricsRawTable;
  metrics_minute: MetricsRollupTable;
  metrics_hour: MetricsRollupTable;
  metrics_latest: MetricsLatestTable;
}

// Rows ↔ records

/** Timestamps are compared as text (expiry checks), which is only sound if every one has the same ISO form. */
export function iso(timestamp: string): string {
  const date = new Date(timestamp);
  if (Number.isNaN(date.getTime())) throw new RangeError(`invalid timestamp: ${JSON.stringify(timestamp)}`);
  return date.toISOString();
}

export function sessionToRow(session: SessionRecord): Insertable<SessionsTable> {
  return {
    id: session.id,
    user_id: session.userId,
    created_at: iso(session.createdAt),
    expires_at: iso(session.expiresAt),
    address: session.address,
  };
}

export function hostToRow(host: HostRecord): Insertable<HostsTable> {
  return {
    id: host.id,
    name: host.name,
    state: host.state,
    public_key: host.publicKey,
    enrolled_at: iso(host.enrolledAt),
    last_seen_at: host.lastSeenAt === null ? null : iso(host.lastSeenAt),
    last_address: host.lastAddress,
    last_status: host.lastStatus === null ? null : JSON.stringify(host.lastStatus),
    enrolled_with_token: host.enrolledWithToken,
    connection: host.connection,
    tags: JSON.stringify(host.tags),
  };
}

export function enrollmentTokenToRow(token: EnrollmentTokenRecord): Insertable<EnrollmentTokensTable> {
  return {
    id: token.id,
    secret_hash: token.secretHash,
    note: token.note,
    auto_approve: token.autoApprove ? 1 : 0,
    created_by: token.createdBy,
    created_at: iso(token.createdAt),
    expires_at: iso(token.expiresAt),
    used_at: token.usedAt === null ? null : iso(token.usedAt),
    used_by_host: token.usedByHost,
    revoked_at: token.revokedAt === null ? null : iso(token.revokedAt),
    for_host: token.forHost,
  };
}

export function auditToRow(entry: AuditInput, prevHash: string, hash: string): Insertable<AuditLogTable> {
  return {
    at: entry.at,
    actor: entry.user,
    host_id: entry.hostId,
    host_name: entry.hostName,
    action: entry.action,
    params_digest: entry.paramsDigest,
    phase: entry.phase,
    result: entry.result,
    detail: entry.detail,
    address: entry.address,
    prev_hash: prevHash,
    hash,
  };
}

export function toUser(row: Selectable<UsersTable>): UserRecord {
  return {
    id: row.id,
    username: row.username,
    role: row.role as RoleId,
    passwordHash: row.password_hash,
    createdAt: row.created_at,
    disabled: row.disabled !== 0,
  };
}

export function toSession(row: Selectable<SessionsTable>): SessionRecord {
  return { id: row.id, userId: row.user_id, createdAt: row.created_at, expiresAt: row.expires_at, address: row.address };
}

export function toHost(row: Selectable<HostsTable>): HostRecord {
  return {
    id: row.id,
    name: row.name,
    state: row.state as HostState,
    publicKey: row.public_key,
    enrolledAt: row.enrolled_at,
    lastSeenAt: row.last_seen_at,
    lastAddress: row.last_address,
    lastStatus: parseStatus(row.last_status),
    enrolledWithToken: row.enrolled_with_token,
    connection: row.connection as HostConnection,
    tags: parseTags(row.tags),
  };
}

function parseTags(text: string): string[] {
  try {
    const tags: unknown = JSON.parse(text);
    return Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string') : [];
  } catch {
    return [];
  }
}

/** Status is a last-known snapshot for display; an unreadable one shows as unknown rather than breaking the host list. */
function parseStatus(text: string | null): HostStatus | null {
  if (text === null) return null;
  try {
    return JSON.parse(text) as HostStatus;
  } catch {
    return null;
  }
}

export function toEnrollmentToken(row: Selectable<EnrollmentTokensTable>): EnrollmentTokenRecord {
  return {
    id: row.id,
    secretHash: row.secret_hash,
    note: row.note,
    autoApprove: row.auto_approve !== 0,
    createdBy: row.created_by,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    usedAt: row.used_at,
    usedByHost: row.used_by_host,
    revokedAt: row.revoked_at,
    forHost: row.for_host,
  };
}

export function sshTargetToRow(target: SshTargetRecord): Insertable<SshTargetsTable> {
  return {
    host_id: target.hostId,
    address: target.address,
    port: target.port,
    username: target.username,
    sealed_key: target.sealedKey,
    client_public_key: target.clientPublicKey,
    host_key_type: target.hostKeyType,
    host_key_fingerprint: target.hostKeyFingerprint,
    registered_by: target.registeredBy,
    registered_at: iso(target.registeredAt),
  };
}

export function toSshTarget(row: Selectable<SshTargetsTable>): SshTargetRecord {
  return {
    hostId: row.host_id,
    address: row.address,
    port: Number(row.port),
    username: row.username,
    sealedKey: row.sealed_key,
    clientPublicKey: row.client_public_key,
    hostKeyType: row.host_key_type,
    hostKeyFingerprint: row.host_key_fingerprint,
    registeredBy: row.registered_by,
    registeredAt: row.registered_at,
  };
}

export function toAuditEntry(row: Selectable<AuditLogTable>): AuditEntry {
  return {
    id: Number(row.id),
    at: row.at,
    user: row.actor,
    hostId: row.host_id,
    hostName: row.host_name,
    action: row.action,
    paramsDigest: row.params_digest,
    phase: row.phase as AuditEntry['phase'],
    result: row.result,
    detail: row.detail,
    address: row.address,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

export function recordingToRow(recording: RecordingRecord): Insertable<RecordingsTable> {
  return {
    id: recording.id,
    terminal_session_id: recording.sessionId,
    host_id: recording.hostId,
    host_name: recording.hostName,
    console_user: recording.user,
    unix_user: recording.unixUser,
    started_at: iso(recording.startedAt),
    ended_at: recording.endedAt === null ? null : iso(recording.endedAt),
    bytes: recording.bytes,
    path: recording.path,
    input_recorded: recording.inputRecorded ? 1 : 0,
    state: recording.state,
  };
}

export function toRecording(row: Selectable<RecordingsTable>): RecordingRecord {
  return {
    id: row.id,
    sessionId: row.terminal_session_id,
    hostId: row.host_id,
    hostName: row.host_name,
    user: row.console_user,
    unixUser: row.unix_user,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    // PostgreSQL hands a bigint back as a string.
    bytes: Number(row.bytes),
    path: row.path,
    inputRecorded: row.input_recorded !== 0,
    state: row.state as RecordingState,
  };
}

export function metricsRawToRow(hostId: string, atMs: number, values: MetricValues): MetricsRawTable {
  const row = { host_id: hostId, at: atMs } as MetricsRawTable;
  for (const series of metricSeries) row[seriesColumn(series)] = values[series];
  return row;
}

export function toMetricPoint(row: MetricsRawTable): MetricBucket {
  const values = {} as MetricValues;
  for (const series of metricSeries) values[series] = Number(row[seriesColumn(series)]);
  return { atMs: Number(row.at), count: 1, min: values, avg: values, max: values };
}

export function metricsRollupToRow(hostId: string, bucket: MetricBucket): MetricsRollupTable {
  const row = { host_id: hostId, at: bucket.atMs, count: bucket.count } as MetricsRollupTable;
  for (const series of metricSeries) {
    const column = seriesColumn(series);
    row[`${column}_min`] = bucket.min[series];
    row[`${column}_avg`] = bucket.avg[series];
    row[`${column}_max`] = bucket.max[series];
  }
  return row;
}

export function toMetricBucket(row: MetricsRollupTable): MetricBucket {
  const min = {} as MetricValues;
  const avg = {} as MetricValues;
  const max = {} as MetricValues;
  for (const series of metricSeries) {
    const column = seriesColumn(series);
    min[series] = Number(row[`${column}_min`]);
    avg[series] = Number(row[`${column}_avg`]);
    max[series] = Number(row[`${column}_max`]);
  }
  return { atMs: Number(row.at), count: Number(row.count), min, avg, max };
}

export function toLatestMetrics(row: Selectable<MetricsLatestTable>): { hostId: string; atMs: number; sample: MetricsSample } {
  return { hostId: row.host_id, atMs: Number(row.at), sample: JSON.parse(row.sample) as MetricsSample };
}
