/**
 * The Storage interface over Kysely's query builder, with nothing dialect-specific, so the embedded SQLite
 * store and a PostgreSQL store run the same queries. Connection setup lives in sqlite.ts (and later postgres.ts).
 */
import { sql, type Kysely, type Updateable } from 'kysely';
import { auditDeniedResults } from '../../../modules/kernel/audit-search.js';
import { migrateToLatest } from './migrate.js';
import { AUDIT_GENESIS_HASH, auditEntryHash, pickAuditInput } from './audit-chain.js';
import type { GrantRow } from '../access/grant-store.js';
import { bucketStart, hourMs, mergeBuckets, minuteMs, pointBucket } from '../metrics/rollup.js';
import {
  auditToRow,
  enrollmentTokenToRow,
  hostToRow,
  iso,
  recordingToRow,
  sessionToRow,
  sshTargetToRow,
  toAuditEntry,
  toEnrollmentToken,
  toHost,
  toRecording,
  toSession,
  toSshTarget,
  toUser,
  metricsRawToRow,
  metricsRollupToRow,
  toLatestMetrics,
  toMetricBucket,
  toMetricPoint,
  type Database,
  type HostsTable,
  type SshTargetsTable,
  type RecordingsTable,
} from './schema.js';
import type {
  AuditEntry,
  AuditInput,
  AuditQuery,
  AuditVerifyResult,
  BaselineRecord,
  EnrollmentTokenRecord,
  HostRecord,
  LatestMetrics,
  MetricBucket,
  MetricsInput,
  MetricsPruneBefore,
  MetricsResolution,
  RecordingQuery,
  RecordingRecord,
  SessionRecord,
  SshTargetRecord,
  Storage,
  UserRecord,
} from './types.js';

/** Most entries one queryAudit call returns; callers page with `before`. Bounds memory per request. */
export const AUDIT_QUERY_MAX = 1000;

/** Most recordings one listRecordings call returns. */
export const RECORDING_QUERY_MAX = 500;

/** Entries verifyAudit reads per round trip, so verifying a long log does not load it whole. */
const VERIFY_BATCH = 500;

export { AUDIT_GENESIS_HASH, auditEntryHash } from './audit-chain.js';

export class KyselyStorage implements Storage {
  /** The raw handle is public for tests that tamper with rows and for a future PostgreSQL variant's setup. */
  constructor(readonly db: Kysely<Database>) {}

  async migrate(): Promise<void> {
    await migrateToLatest(this.db);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  // users

  async createUser(user: Omit<UserRecord, 'createdAt' | 'disabled'>): Promise<UserRecord> {
    const record: UserRecord = { ...user, createdAt: new Date().toISOString(), disabled: false };
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('users')
        .values({
          id: record.id,
          username: record.username,
          role: record.role,
          password_hash: record.passwordHash,
          created_at: record.createdAt,
          disabled: 0,
        })
        .execute();
      // An account starts with its role on the whole fleet (migration 011); access/grant-store.ts changes that.
      await (trx as unknown as Kysely<{ grants: GrantRow }>)
        .insertInto('grants')
        .values({ user_id: record.id, role_id: record.role, scope_kind: 'fleet', scope_id: '', position: 0, granted_at: record.createdAt, granted_by: 'account creation' })
        .execute();
    });
    return record;
  }

  async findUserByName(username: string): Promise<UserRecord | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
    return row && toUser(row);
  }

  async findUserById(id: string): Promise<UserRecord | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toUser(row);
  }

  async setUserPassword(id: string, passwordHash: string): Promise<void> {
    await this.db.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', id).execute();
  }

  async countUsers(): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    // PostgreSQL returns count(*) as a bigint string, SQLite as a number.
    return Number(row.n);
  }

  // sessions

  async createSession(session: SessionRecord): Promise<void> {
    await this.db.insertInto('sessions').values(sessionToRow(session)).execute();
  }

  async findSession(id: string): Promise<SessionRecord | undefined> {
    const row = await this.db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toSession(row);
  }

  async extendSession(id: string, expiresAt: string): Promise<void> {
    await this.db.updateTable('sessions').set({ expires_at: iso(expiresAt) }).where('id', '=', id).execute();
  }

  async deleteSession(id: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id', '=', id).execute();
  }

  async deleteUserSessions(userId: string, exceptId?: string): Promise<void> {
    let query = this.db.deleteFrom('sessions').where('user_id', '=', userId);
    if (exceptId !== undefined) query = query.where('id', '!=', exceptId);
    await query.execute();
  }

  async deleteExpiredSessions(now: string): Promise<number> {
    const result = await this.db.deleteFrom('sessions').where('expires_at', '<=', iso(now)).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  // hosts

  async createHost(host: HostRecord): Promise<void> {
    await this.db.insertInto('hosts').values(hostToRow(host)).execute();
  }

  async findHost(id: string): Promise<HostRecord | undefined> {
    const row = await this.db.selectFrom('hosts').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toHost(row);
  }

  async findHostByPublicKey(publicKey: string): Promise<HostRecord | undefined> {
    const row = await this.db.selectFrom('hosts').selectAll().where('public_key', '=', publicKey).executeTakeFirst();
    return row && toHost(row);
  }

  async listHosts(): Promise<HostRecord[]> {
    const rows = await this.db.selectFrom('hosts').selectAll().orderBy('name').orderBy('id').execute();
    return rows.map(toHost);
  }

  async updateHost(
    id: string,
    patch: Partial<Pick<HostRecord, 'name' | 'state' | 'lastSeenAt' | 'lastAddress' | 'lastStatus' | 'tags'>>,
  ): Promise<void> {
    // Only the fields present in the patch change; an absent (undefined) field keeps its value, null clears it.
    const set: Updateable<HostsTable> = {};
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.state !== undefined) set.state = patch.state;
    if (patch.lastSeenAt !== undefined) set.last_seen_at = patch.lastSeenAt === null ? null : iso(patch.lastSeenAt);
    if (patch.lastAddress !== undefined) set.last_address = patch.lastAddress;
    if (patch.lastStatus !== undefined) set.last_status = patch.lastStatus === null ? null : JSON.stringify(patch.lastStatus);
    if (patch.tags !== undefined) set.tags = JSON.stringify(patch.tags);
    if (Object.keys(set).length === 0) return;
    await this.db.updateTable('hosts').set(set).where('id', '=', id).execute();
  }

  // SSH hosts

  async createSshHost(host: HostRecord, target: SshTargetRecord): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('hosts').values(hostToRow(host)).execute();
      await trx.insertInto('ssh_targets').values(sshTargetToRow(target)).execute();
    });
  }

  async findSshTarget(hostId: string): Promise<SshTargetRecord | undefined> {
    const row = await this.db.selectFrom('ssh_targets').selectAll().where('host_id', '=', hostId).executeTakeFirst();
    return row && toSshTarget(row);
  }

  async listSshTargets(): Promise<SshTargetRecord[]> {
    const rows = await this.db.selectFrom('ssh_targets').selectAll().orderBy('host_id').execute();
    return rows.map(toSshTarget);
  }

  async updateSshTarget(hostId: string, patch: Partial<Pick<SshTargetRecord, 'hostKeyType' | 'hostKeyFingerprint'>>): Promise<void> {
    const set: Updateable<SshTargetsTable> = {};
    if (patch.hostKeyType !== undefined) set.host_key_type = patch.hostKeyType;
    if (patch.hostKeyFingerprint !== undefined) set.host_key_fingerprint = patch.hostKeyFingerprint;
    if (Object.keys(set).length === 0) return;
    await this.db.updateTable('ssh_targets').set(set).where('host_id', '=', hostId).execute();
  }

  async deleteSshTarget(hostId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('ssh_targets').where('host_id', '=', hostId).execute();
      await trx.deleteFrom('hosts').where('id', '=', hostId).where('connection', '=', 'ssh').execute();
    });
  }

  async convertToAgentHost(hostId: string, publicKey: string, tokenId: string, now: string): Promise<boolean> {
    const at = iso(now);
    return this.db.transaction().execute(async (trx) => {
      const consumed = await trx
        .updateTable('enrollment_tokens')
        .set({ used_at: at, used_by_host: hostId })
        .where('id', '=', tokenId)
        .where('for_host', '=', hostId)
        .where('used_at', 'is', null)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', at)
        .executeTakeFirst();
      if (consumed.numUpdatedRows !== 1n) return false;
      await trx
        .updateTable('hosts')
        .set({ public_key: publicKey, connection: 'agent', enrolled_with_token: tokenId, enrolled_at: at, state: 'approved' })
        .where('id', '=', hostId)
        .execute();
      return true;
    });
  }

  // drift baselines

  async findBaseline(hostId: string): Promise<BaselineRecord | undefined> {
    const row = await this.db.selectFrom('host_baselines').selectAll().where('host_id', '=', hostId).executeTakeFirst();
    return row && { hostId: row.host_id, facts: row.facts, digest: row.digest, approvedBy: row.approved_by, approvedAt: row.approved_at };
  }

  async saveBaseline(baseline: BaselineRecord): Promise<void> {
    const row = { facts: baseline.facts, digest: baseline.digest, approved_by: baseline.approvedBy, approved_at: iso(baseline.approvedAt) };
    await this.db
      .insertInto('host_baselines')
      .values({ host_id: baseline.hostId, ...row })
      .onConflict((oc) => oc.column('host_id').doUpdateSet(row))
      .execute();
  }

  // enrollment tokens

  async createEnrollmentToken(token: EnrollmentTokenRecord): Promise<void> {
    await this.db.insertInto('enrollment_tokens').values(enrollmentTokenToRow(token)).execute();
  }

  async findEnrollmentToken(id: string): Promise<EnrollmentTokenRecord | undefined> {
    const row = await this.db.selectFrom('enrollment_tokens').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toEnrollmentToken(row);
  }

  async listEnrollmentTokens(): Promise<EnrollmentTokenRecord[]> {
    const rows = await this.db.selectFrom('enrollment_tokens').selectAll().orderBy('created_at', 'desc').orderBy('id').execute();
    return rows.map(toEnrollmentToken);
  }

  async consumeEnrollmentToken(id: string, hostId: string, now: string): Promise<boolean> {
    const at = iso(now);
    // One conditional UPDATE: the database decides which of two racing agents wins; no read-then-write gap.
    const result = await this.db
      .updateTable('enrollment_tokens')
      .set({ used_at: at, used_by_host: hostId })
      .where('id', '=', id)
      .where('used_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', at)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  async revokeEnrollmentToken(id: string, now: string): Promise<void> {
    // Keep the first revocation time if an admin revokes twice.
    await this.db
      .updateTable('enrollment_tokens')
      .set({ revoked_at: iso(now) })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .execute();
  }

  // audit

  async appendAudit(input: AuditInput): Promise<AuditEntry> {
    const entry = pickAuditInput({ ...input, at: iso(input.at) });
    // Reading the chain's head and inserting after it must be one unit, or two appends could share a
    // predecessor. The unique index on prev_hash backs this up: a fork fails to insert instead of being stored.
    return this.db.transaction().execute(async (trx) => {
      const head = await trx.selectFrom('audit_log').select('hash').orderBy('id', 'desc').limit(1).executeTakeFirst();
      const prevHash = head?.hash ?? AUDIT_GENESIS_HASH;
      const hash = auditEntryHash(prevHash, entry);
      const inserted = await trx
        .insertInto('audit_log')
        .values(auditToRow(entry, prevHash, hash))
        .returning('id')
        .executeTakeFirstOrThrow();
      return { ...entry, id: Number(inserted.id), prevHash, hash };
    });
  }

  async queryAudit(query: AuditQuery): Promise<AuditEntry[]> {
    const limit = Math.min(Math.max(Math.trunc(query.limit) || 0, 0), AUDIT_QUERY_MAX);
    if (limit === 0) return [];
    const oldestFirst = query.order === 'oldest-first';
    let select = this.db.selectFrom('audit_log').selectAll().orderBy('id', oldestFirst ? 'asc' : 'desc').limit(limit);
    if (query.before !== undefined) select = select.where('id', '<', query.before);
    if (query.after !== undefined) select = select.where('id', '>', query.after);
    if (query.user !== undefined) select = select.where('actor', '=', query.user);
    if (query.hostId !== undefined) select = select.where('host_id', '=', query.hostId);
    // A scoped reader's hosts; an empty list matches nothing (not everything).
    if (query.hostIds !== undefined) select = query.hostIds.length === 0 ? select.where(sql<boolean>`0 = 1`) : select.where('host_id', 'in', query.hostIds);
    if (query.action !== undefined) select = select.where('action', '=', query.action);
    if (query.module !== undefined) {
      // `_` and `%` in a module name are literal, not wildcards: escaped, with an ESCAPE clause both dialects read.
      // (SQLite's LIKE ignores ASCII case, PostgreSQL's does not; actions are lower case, so both find the same.)
      const prefix = `${query.module.replace(/[\\%_]/g, (ch) => `\\${ch}`)}.%`;
      select = select.where(sql<boolean>`action like ${prefix} escape '\\'`);
    }
    if (query.result === 'ok') select = select.where('result', '=', 'ok');
    if (query.result === 'denied') select = select.where('result', 'in', [...auditDeniedResults]);
    if (query.result === 'error') select = select.where('result', '<>', 'ok').where('result', 'not in', [...auditDeniedResults]);
    // `at` is stored in one ISO form (iso()), so text order is time order.
    if (query.from !== undefined) select = select.where('at', '>=', iso(query.from));
    if (query.to !== undefined) select = select.where('at', '<', iso(query.to));
    return (await select.execute()).map(toAuditEntry);
  }

  async verifyAudit(): Promise<AuditVerifyResult> {
    let expectedPrev = AUDIT_GENESIS_HASH;
    let checked = 0;
    let lastId: number | undefined;
    for (;;) {
      let select = this.db.selectFrom('audit_log').selectAll().orderBy('id', 'asc').limit(VERIFY_BATCH);
      if (lastId !== undefined) select = select.where('id', '>', lastId);
      const rows = await select.execute();
      for (const row of rows) {
        const entry = toAuditEntry(row);
        if (entry.prevHash !== expectedPrev) {
          return {
            ok: false,
            checked,
            firstBadId: entry.id,
            reason: "prevHash does not match the previous entry's hash: an entry before it was deleted, inserted or reordered",
          };
        }
        if (auditEntryHash(entry.prevHash, entry) !== entry.hash) {
          return { ok: false, checked, firstBadId: entry.id, reason: "hash does not match the entry's content: the entry was edited" };
        }
        expectedPrev = entry.hash;
        checked += 1;
        lastId = entry.id;
      }
      if (rows.length < VERIFY_BATCH) return { ok: true, checked };
    }
  }

  // terminal recordings

  async createRecording(recording: RecordingRecord): Promise<void> {
    await this.db.insertInto('recordings').values(recordingToRow(recording)).execute();
  }

  async findRecording(id: string): Promise<RecordingRecord | undefined> {
    const row = await this.db.selectFrom('recordings').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toRecording(row);
  }

  async updateRecording(
    id: string,
    patch: Partial<Pick<RecordingRecord, 'sessionId' | 'endedAt' | 'bytes' | 'state'>>,
  ): Promise<void> {
    const set: Updateable<RecordingsTable> = {};
    if (patch.sessionId !== undefined) set.terminal_session_id = patch.sessionId;
    if (patch.endedAt !== undefined) set.ended_at = patch.endedAt === null ? null : iso(patch.endedAt);
    if (patch.bytes !== undefined) set.bytes = patch.bytes;
    if (patch.state !== undefined) set.state = patch.state;
    if (Object.keys(set).length === 0) return;
    await this.db.updateTable('recordings').set(set).where('id', '=', id).execute();
  }

  async listRecordings(query: RecordingQuery): Promise<RecordingRecord[]> {
    const limit = Math.min(Math.max(Math.trunc(query.limit) || 0, 0), RECORDING_QUERY_MAX);
    if (limit === 0) return [];
    let select = this.db.selectFrom('recordings').selectAll().orderBy('started_at', 'desc').orderBy('id', 'desc').limit(limit);
    if (query.before !== undefined) {
      const cursor = await this.db.selectFrom('recordings').select(['started_at', 'id']).where('id', '=', query.before).executeTakeFirst();
      // A cursor naming no recording gives an empty page rather than starting over from the newest.
      if (!cursor) return [];
      select = select.where((eb) =>
        eb.or([eb('started_at', '<', cursor.started_at), eb.and([eb('started_at', '=', cursor.started_at), eb('id', '<', cursor.id)])]),
      );
    }
    if (query.hostId !== undefined) select = select.where('host_id', '=', query.hostId);
    // A scoped reader's hosts; an empty list matches nothing (not everything).
    if (query.hostIds !== undefined) select = query.hostIds.length === 0 ? select.where(sql<boolean>`0 = 1`) : select.where('host_id', 'in', query.hostIds);
    if (query.user !== undefined) select = select.where('console_user', '=', query.user);
    return (await select.execute()).map(toRecording);
  }

  async failUnfinishedRecordings(now: string): Promise<number> {
    const result = await this.db
      .updateTable('recordings')
      .set({ state: 'failed', ended_at: iso(now) })
      .where('state', '=', 'recording')
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  // metrics history

  async appendMetrics(hostId: string, samples: readonly MetricsInput[]): Promise<number> {
    if (samples.length === 0) return 0;
    return this.db.transaction().execute(async (trx) => {
      let added = 0;
      let newest: MetricsInput | undefined;
      for (const sample of samples) {
        const inserted = await trx
          .insertInto('metrics_raw')
          .values(metricsRawToRow(hostId, sample.atMs, sample.values))
          .onConflict((oc) => oc.columns(['host_id', 'at']).doNothing())
          .executeTakeFirst();
        if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) continue;
        added += 1;
        for (const [table, size] of [['metrics_minute', minuteMs], ['metrics_hour', hourMs]] as const) {
          const at = bucketStart(sample.atMs, size);
          const existing = await trx.selectFrom(table).selectAll().where('host_id', '=', hostId).where('at', '=', at).executeTakeFirst();
          const merged = mergeBuckets(existing ? toMetricBucket(existing) : undefined, pointBucket(at, sample.values), at);
          if (existing) {
            await trx.updateTable(table).set(metricsRollupToRow(hostId, merged)).where('host_id', '=', hostId).where('at', '=', at).execute();
          } else {
            await trx.insertInto(table).values(metricsRollupToRow(hostId, merged)).execute();
          }
        }
        if (!newest || sample.atMs > newest.atMs) newest = sample;
      }
      if (newest) {
        const row = { host_id: hostId, at: newest.atMs, sample: JSON.stringify(newest.sample) };
        const current = await trx.selectFrom('metrics_latest').select('at').where('host_id', '=', hostId).executeTakeFirst();
        if (!current) await trx.insertInto('metrics_latest').values(row).execute();
        // A replayed (older) batch must not push back a newer latest.
        else if (Number(current.at) < newest.atMs) await trx.updateTable('metrics_latest').set(row).where('host_id', '=', hostId).execute();
      }
      return added;
    });
  }

  async queryMetrics(hostId: string, resolution: MetricsResolution, fromMs: number, toMs: number): Promise<MetricBucket[]> {
    if (resolution === 'raw') {
      const rows = await this.db.selectFrom('metrics_raw').selectAll().where('host_id', '=', hostId).where('at', '>=', fromMs).where('at', '<', toMs).orderBy('at').execute();
      return rows.map(toMetricPoint);
    }
    const table = resolution === 'minute' ? 'metrics_minute' : 'metrics_hour';
    const rows = await this.db.selectFrom(table).selectAll().where('host_id', '=', hostId).where('at', '>=', fromMs).where('at', '<', toMs).orderBy('at').execute();
    return rows.map(toMetricBucket);
  }

  async latestMetrics(): Promise<LatestMetrics[]> {
    const rows = await this.db.selectFrom('metrics_latest').selectAll().orderBy('host_id').execute();
    return rows.map(toLatestMetrics);
  }

  async pruneMetrics(before: MetricsPruneBefore): Promise<Record<MetricsResolution, number>> {
    const prune = async (table: 'metrics_raw' | 'metrics_minute' | 'metrics_hour', beforeMs: number) =>
      Number((await this.db.deleteFrom(table).where('at', '<', beforeMs).executeTakeFirst()).numDeletedRows);
    return {
      raw: await prune('metrics_raw', before.raw),
      minute: await prune('metrics_minute', before.minute),
      hour: await prune('metrics_hour', before.hour),
    };
  }
}
