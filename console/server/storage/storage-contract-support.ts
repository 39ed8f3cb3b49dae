/**
 * What the storage contract suites share: the subject under test, fixed fixtures, and running a suite against
 * every SQLite flavour (in memory, and a file that can be reopened). PostgreSQL joins here when it lands.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll } from 'vitest';
import type { HostStatus } from '../../../modules/kernel/host-status.js';
import { KyselyStorage } from './kysely-storage.js';
import type { Database } from './schema.js';
import { openSqliteStorage } from './sqlite.js';
import type { AuditInput, EnrollmentTokenRecord, HostRecord, RecordingRecord, SshTargetRecord, Storage } from './types.js';

export interface StorageUnderTest {
  storage: Storage;
  /** Raw handle, to tamper with rows the way someone with database access would. */
  db: Kysely<Database>;
  /** Open the same database again through a new connection; absent for backends that do not persist. */
  reopen?: () => Promise<StorageUnderTest>;
}

export const HOUR = 3_600_000;
/** One fixed "now" per run, so a fixture built twice is the same fixture. */
export const NOW = Date.now();
export const at = (offsetMs: number): string => new Date(NOW + offsetMs).toISOString();

export const status: HostStatus = {
  hostname: 'gw-01',
  os: 'Debian GNU/Linux 12',
  kernel: '6.1.0-18-arm64',
  arch: 'arm64',
  uptimeSeconds: 86_400.5,
  cpuCount: 4,
  cpuModel: 'Cortex-A72 "quoted" ünïcode',
  cpuPercent: 12.25,
  load: [0.5, 0.25, 0.125],
  memoryTotalBytes: 4_294_967_296,
  memoryUsedBytes: 1_073_741_824,
  agentVersion: '0.1.0',
  reportedAt: '2025-01-01T00:00:00.000Z',
};

export function host(id: string, publicKey: string, name = id): HostRecord {
  return {
    id, name, state: 'pending', publicKey, enrolledAt: at(0),
    lastSeenAt: null, lastAddress: null, lastStatus: null, enrolledWithToken: null, connection: 'agent', tags: [],
  };
}

export function token(id: string, overrides: Partial<EnrollmentTokenRecord> = {}): EnrollmentTokenRecord {
  return {
    id, secretHash: 'ab'.repeat(32), note: 'plant 3', autoApprove: false, createdBy: 'admin',
    createdAt: at(0), expiresAt: at(HOUR), usedAt: null, usedByHost: null, revokedAt: null, forHost: null, ...overrides,
  };
}

export function sshTarget(hostId: string, overrides: Partial<SshTargetRecord> = {}): SshTargetRecord {
  return {
    hostId, address: '192.0.2.10', port: 22, username: 'root', sealedKey: 'v1.sealed', clientPublicKey: 'ssh-ed25519 AAAA gatehouse',
    hostKeyType: 'ssh-ed25519', hostKeyFingerprint: `SHA256:${'A'.repeat(43)}`, registeredBy: 'admin', registeredAt: at(0), ...overrides,
  };
}

export function audit(n: number, overrides: Partial<AuditInput> = {}): AuditInput {
  return {
    at: at(n), user: 'alice', hostId: 'h1', hostName: 'gw-01', action: 'file.write', paramsDigest: `digest-${n}`,
    phase: 'completed', result: 'ok', detail: `entry ${n}`, address: '192.0.2.10', ...overrides,
  };
}

export function recording(id: string, overrides: Partial<RecordingRecord> = {}): RecordingRecord {
  return {
    id, sessionId: null, hostId: 'h1', hostName: 'gw-01', user: 'alice', unixUser: 'root', startedAt: at(0),
    endedAt: null, bytes: 0, path: `recordings/${id}.cast`, inputRecorded: false, state: 'recording', ...overrides,
  };
}

async function sqliteSubject(file: string): Promise<StorageUnderTest> {
  const storage = await openSqliteStorage(file);
  if (!(storage instanceof KyselyStorage)) throw new Error('expected the SQLite store to be a KyselyStorage');
  return { storage, db: storage.db, reopen: file === ':memory:' ? undefined : () => sqliteSubject(file) };
}

/** Run `suite` against SQLite in memory and in a file (removed afterwards). */
export function againstSqlite(suite: (name: string, open: () => Promise<StorageUnderTest>) => void): void {
  suite('sqlite :memory:', () => sqliteSubject(':memory:'));
  const tempDirs: string[] = [];
  afterAll(async () => {
    for (const dir of tempDirs) await rm(dir, { recursive: true, force: true });
  });
  suite('sqlite file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gatehouse-storage-'));
    tempDirs.push(dir);
    return sqliteSubject(join(dir, 'gatehouse.db'));
  });
}
