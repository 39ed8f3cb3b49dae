/**
 * The console's storage interface. SQLite (embedded default) implements it now; PostgreSQL joins later behind
 * the same interface and the same contract tests (storage.contract.test.ts).
 */
import type { Kysely } from 'kysely';
import type { HostStatus } from '../../../modules/kernel/host-status.js';
import type { MetricsSample } from '../../../modules/kernel/metrics-sample.js';
import type { MetricValues } from '../../../modules/metrics/series.js';
import type { MetricBucket } from '../metrics/rollup.js';

export type { MetricBucket };

import type { AuditResultClass } from '../../../modules/kernel/audit-search.js';
import type { AuditEntry, HostConnection, HostState, RecordingState, RecordingView, RoleId } from '../../../modules/kernel/console-api.js';

export type { AuditEntry, HostConnection, HostState, RoleId };

export interface UserRecord {
  id: string;
  username: string;
  role: RoleId;
  passwordHash: string;
  createdAt: string;
  disabled: boolean;
}

export interface SessionRecord {
  /** SHA-256 of the session token, hex. The token itself is never stored. */
  id: string;
  userId: string;
  createdAt: string;
  expiresAt: string;
  address: string | null;
}


export interface HostRecord {
  id: string;
  name: string;
  state: HostState;
  /** Ed25519 public key, SPKI DER, base64. */
  publicKey: string;
  enrolledAt: string;
  lastSeenAt: string | null;
  lastAddress: string | null;
  /** The last status the agent reported, so an offline host still shows what it was. */
  lastStatus: HostStatus | null;
  enrolledWithToken: string | null;
  /**
   * `ssh`: registered over SSH, no agent; such a host's publicKey is `ssh:<id>`, which no agent key can equal
   * (agent keys are base64 SPKI DER), so it keeps the column's uniqueness without matching any agent.
   */
  connection: HostConnection;
  /** Lower-case labels people give a host (`field-gateway`, `plant-north`); policies key on some of them. */
  tags: string[];
}

/** How the console logs in to a host without an agent (migration 003). */
export interface SshTargetRecord {
  hostId: string;
  address: string;
  port: number;
  username: string;
  /** The private key, and its passphrase if any, sealed with the console's master key (ssh/vault.ts). */
  sealedKey: string;
  /** The key's public half, as a line of authorized_keys. */
  clientPublicKey: string;
  hostKeyType: string;
  /** `SHA256:…`, as OpenSSH prints it; any other key is refused. */
  hostKeyFingerprint: string;
  registeredBy: string;
  registeredAt: string;
}

export interface EnrollmentTokenRecord {
  id: string;
  /** SHA-256 of the token's secret part, hex. */
  secretHash: string;
  note: string;
  autoApprove: boolean;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  usedAt: string | null;
  usedByHost: string | null;
  revokedAt: string | null;
  /** Issued to install the agent on this (SSH) host: enrolling with it turns that host into an agent host. */
  forHost: string | null;
}

/** The facts an administrator approved for a host (drift/facts.ts), kept as JSON. */
export interface BaselineRecord {
  hostId: string;
  /** HostFacts as JSON text. */
  facts: string;
  /** SHA-256 of the facts' canonical JSON: what the approver saw. */
  digest: string;
  approvedBy: string;
  approvedAt: string;
}

/** An audit entry before the storage numbers it and links it into the chain. */
export type AuditInput = Omit<AuditEntry, 'id' | 'prevHash' | 'hash'>;

export interface AuditQuery {
  limit: number;
  /** Only entries with a smaller id (the cursor of the previous newest-first page; an export's upper bound). */
  before?: number;
  /** Only entries with a larger id (the cursor of the previous oldest-first page). */
  after?: number;
  /** Default `newest-first`; exports read `oldest-first`, in chain order. */
  order?: 'newest-first' | 'oldest-first';
  user?: string;
  hostId?: string;
  /** Only entries about these hosts (for a reader whose grants hold on some hosts, not the whole fleet). */
  hostIds?: readonly string[];
  /** The action's prefix before the first '.': `file` matches `file.write`. */
  module?: string;
  /** One exact action. */
  action?: string;
  /** ok, denied (auditDeniedResults) or error (any other problem code). */
  result?: AuditResultClass;
  /** ISO instants: from <= at < to. */
  from?: string;
  to?: string;
}

export interface AuditVerifyResult {
  ok: boolean;
  checked: number;
  /** The id of the first entry whose hash or link does not hold. */
  firstBadId?: number;
  reason?: string;
}

export type { RecordingState };

/** A recording's row: what the API shows, plus where the file lies. */
export interface RecordingRecord extends RecordingView {
  /** Relative to the console's data directory, e.g. `recordings/r_….cast`. */
  path: string;
}

export interface RecordingQuery {
  limit: number;
  /** A recording id: only recordings started before it (the cursor of the previous page). */
  before?: string;
  hostId?: string;
  /** Only recordings on these hosts (for a reader whose grants hold on some hosts, not the whole fleet). */
  hostIds?: readonly string[];
  user?: string;
}

/** One sample as the console stores it: its series for history, the whole sample for "latest". */
export interface MetricsInput {
  atMs: number;
  values: MetricValues;
  sample: MetricsSample;
}

/** raw: the samples themselves; minute and hour: the rollups. */
export type MetricsResolution = 'raw' | 'minute' | 'hour';

export interface LatestMetrics {
  hostId: string;
  atMs: number;
  sample: MetricsSample;
}

/** Everything older than these times (ms since the epoch) goes, per resolution. */
export interface MetricsPruneBefore {
  raw: number;
  minute: number;
  hour: number;
}

export interface Storage {
  /**
   * The Kysely instance, for the stores that keep their own tables beside these (telemetry, sites, alarms); their
   * queries stay portable to PostgreSQL.
   */
  readonly db: Kysely<any>;
  migrate(): Promise<void>;
  close(): Promise<void>;

  // users
  createUser(user: Omit<UserRecord, 'createdAt' | 'disabled'>): Promise<UserRecord>;
  findUserByName(username: string): Promise<UserRecord | undefined>;
  findUserById(id: string): Promise<UserRecord | undefined>;
  setUserPassword(id: string, passwordHash: string): Promise<void>;
  countUsers(): Promise<number>;

  // sessions
  createSession(session: SessionRecord): Promise<void>;
  findSession(id: string): Promise<SessionRecord | undefined>;
  extendSession(id: string, expiresAt: string): Promise<void>;
  deleteSession(id: string): Promise<void>;
  deleteUserSessions(userId: string, exceptId?: string): Promise<void>;
  deleteExpiredSessions(now: string): Promise<number>;

  // hosts
  createHost(host: HostRecord): Promise<void>;
  findHost(id: string): Promise<HostRecord | undefined>;
  findHostByPublicKey(publicKey: string): Promise<HostRecord | undefined>;
  listHosts(): Promise<HostRecord[]>;
  updateHost(id: string, patch: Partial<Pick<HostRecord, 'name' | 'state' | 'lastSeenAt' | 'lastAddress' | 'lastStatus' | 'tags'>>): Promise<void>;
  /** An SSH host's record and its target, together or not at all. */
  createSshHost(host: HostRecord, target: SshTargetRecord): Promise<void>;
  findSshTarget(hostId: string): Promise<SshTargetRecord | undefined>;
  listSshTargets(): Promise<SshTargetRecord[]>;
  updateSshTarget(hostId: string, patch: Partial<Pick<SshTargetRecord, 'hostKeyType' | 'hostKeyFingerprint'>>): Promise<void>;
  /** Forget an SSH target; its host record too when the host has no agent (connection `ssh`). */
  deleteSshTarget(hostId: string): Promise<void>;
  /**
   * The agent installed over SSH on host `hostId` enrolled with token `tokenId`: consume the token (as
   * consumeEnrollmentToken) and make the host an agent host with `publicKey`, in one transaction. False, with
   * nothing changed, when the token is no longer usable.
   */
  convertToAgentHost(hostId: string, publicKey: string, tokenId: string, now: string): Promise<boolean>;

  // drift baselines
  findBaseline(hostId: string): Promise<BaselineRecord | undefined>;
  /** Replace the host's baseline. */
  saveBaseline(baseline: BaselineRecord): Promise<void>;

  // enrollment tokens
  createEnrollmentToken(token: EnrollmentTokenRecord): Promise<void>;
  findEnrollmentToken(id: string): Promise<EnrollmentTokenRecord | undefined>;
  listEnrollmentTokens(): Promise<EnrollmentTokenRecord[]>;
  /**
   * Mark a token used by a host, only if it is unused, unrevoked and unexpired at `now`; false otherwise.
   * Atomic, so two agents racing with one token cannot both enroll.
   */
  consumeEnrollmentToken(id: string, hostId: string, now: string): Promise<boolean>;
  revokeEnrollmentToken(id: string, now: string): Promise<void>;

  // audit (append-only, hash-chained)
  appendAudit(entry: AuditInput): Promise<AuditEntry>;
  queryAudit(query: AuditQuery): Promise<AuditEntry[]>;
  verifyAudit(): Promise<AuditVerifyResult>;

  // terminal recordings (metadata; the casts are files)
  createRecording(recording: RecordingRecord): Promise<void>;
  findRecording(id: string): Promise<RecordingRecord | undefined>;
  updateRecording(id: string, patch: Partial<Pick<RecordingRecord, 'sessionId' | 'endedAt' | 'bytes' | 'state'>>): Promise<void>;
  /** Newest first (by start, then id), filtered, at most RECORDING_QUERY_MAX. */
  listRecordings(query: RecordingQuery): Promise<RecordingRecord[]>;
  /**
   * Mark recordings still `recording` as `failed`, ended at `now`: run at start-up, when no session can be live,
   * so one cut short by a crash does not look in progress for ever. Returns how many.
   */
  failUnfinishedRecordings(now: string): Promise<number>;

  // metrics history
  /**
   * Store samples of a host, add each to its minute and hour rollups, and keep the newest as the host's latest,
   * in one transaction. A sample whose (host, time) is already stored (a replay) is skipped. Returns how many were new.
   */
  appendMetrics(hostId: string, samples: readonly MetricsInput[]): Promise<number>;
  /** A host's history at one resolution with fromMs <= time < toMs, oldest first (raw samples as buckets of one). */
  queryMetrics(hostId: string, resolution: MetricsResolution, fromMs: number, toMs: number): Promise<MetricBucket[]>;
  /** The newest sample of every host that has one. */
  latestMetrics(): Promise<LatestMetrics[]>;
  /** Delete history older than the retention of each resolution; returns the rows deleted per resolution. */
  pruneMetrics(before: MetricsPruneBefore): Promise<Record<MetricsResolution, number>>;
}
