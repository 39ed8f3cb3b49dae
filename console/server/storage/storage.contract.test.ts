/**
 * The storage contract: what every Storage implementation must do, run here against SQLite (in memory and on
 * disk; storage-contract-support.ts). storage-fleet.contract.test.ts continues it for SSH targets, baselines and
 * metrics history. PostgreSQL joins there when it lands, so both backends answer to one suite.
 */
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUDIT_GENESIS_HASH, auditEntryHash } from './kysely-storage.js';
import { againstSqlite, at, audit, HOUR, host, recording, status, token, type StorageUnderTest } from './storage-contract-support.js';
import type { Storage } from './types.js';

export function storageContract(name: string, open: () => Promise<StorageUnderTest>): void {
  describe(`storage contract: ${name}`, () => {
    let subject: StorageUnderTest;
    let storage: Storage;
    const extra: Storage[] = [];

    beforeEach(async () => {
      subject = await open();
      storage = subject.storage;
    });
    afterEach(async () => {
      for (const other of extra.splice(0)) await other.close();
      await storage.close();
    });

    describe('users', () => {
      it('creates, finds by name and id, counts, changes password', async () => {
        expect(await storage.countUsers()).toBe(0);
        const created = await storage.createUser({ id: 'u1', username: 'alice', role: 'administrator', passwordHash: 'h1' });
        expect(created).toMatchObject({ id: 'u1', username: 'alice', role: 'administrator', disabled: false });
        expect(new Date(created.createdAt).toISOString()).toBe(created.createdAt);
        expect(await storage.findUserByName('alice')).toEqual(created);
        expect(await storage.findUserById('u1')).toEqual(created);
        expect(await storage.findUserByName('bob')).toBeUndefined();
        expect(await storage.findUserById('nope')).toBeUndefined();
        await storage.setUserPassword('u1', 'h2');
        expect((await storage.findUserById('u1'))?.passwordHash).toBe('h2');
        expect(await storage.countUsers()).toBe(1);
      });

      it('refuses a second user with the same name', async () => {
        await storage.createUser({ id: 'u1', username: 'alice', role: 'viewer', passwordHash: 'h' });
        await expect(storage.createUser({ id: 'u2', username: 'alice', role: 'viewer', passwordHash: 'h' })).rejects.toThrow();
      });
    });

    describe('sessions', () => {
      beforeEach(async () => {
        await storage.createUser({ id: 'u1', username: 'alice', role: 'viewer', passwordHash: 'h' });
        await storage.createUser({ id: 'u2', username: 'bob', role: 'viewer', passwordHash: 'h' });
      });
      const session = (id: string, userId: string, expiresInMs: number) =>
        ({ id, userId, createdAt: at(0), expiresAt: at(expiresInMs), address: '192.0.2.1' });

      it('creates, finds, extends and deletes', async () => {
        const s = session('s1', 'u1', HOUR);
        await storage.createSession(s);
        expect(await storage.findSession('s1')).toEqual(s);
        const later = at(2 * HOUR);
        await storage.extendSession('s1', later);
        expect((await storage.findSession('s1'))?.expiresAt).toBe(later);
        await storage.deleteSession('s1');
        expect(await storage.findSession('s1')).toBeUndefined();
      });

      it('deletes all of a user\'s sessions except the current one', async () => {
        for (const [id, user] of [['a', 'u1'], ['b', 'u1'], ['c', 'u1'], ['d', 'u2']] as const) {
          await storage.createSession(session(id, user, HOUR));
        }
        await storage.deleteUserSessions('u1', 'b');
        expect(await storage.findSession('a')).toBeUndefined();
        expect(await storage.findSession('b')).toBeDefined();
        expect(await storage.findSession('c')).toBeUndefined();
        expect(await storage.findSession('d')).toBeDefined();
        await storage.deleteUserSessions('u1');
        expect(await storage.findSession('b')).toBeUndefined();
        expect(await storage.findSession('d')).toBeDefined();
      });

      it('deletes expired sessions and says how many', async () => {
        await storage.createSession(session('old1', 'u1', -HOUR));
        await storage.createSession(session('old2', 'u2', -1));
        await storage.createSession(session('live', 'u1', HOUR));
        expect(await storage.deleteExpiredSessions(at(0))).toBe(2);
        expect(await storage.findSession('live')).toBeDefined();
        expect(await storage.deleteExpiredSessions(at(0))).toBe(0);
      });

      it('refuses a session for a user that does not exist', async () => {
        await expect(storage.createSession(session('s', 'ghost', HOUR))).rejects.toThrow();
      });
    });

    describe('hosts', () => {
      it('creates, finds by id and by key, lists by name', async () => {
        await storage.createHost(host('h2', 'key-2', 'zulu'));
        await storage.createHost(host('h1', 'key-1', 'alpha'));
        expect(await storage.findHost('h1')).toEqual(host('h1', 'key-1', 'alpha'));
        expect((await storage.findHostByPublicKey('key-2'))?.id).toBe('h2');
        expect(await storage.findHostByPublicKey('key-3')).toBeUndefined();
        expect((await storage.listHosts()).map((h) => h.name)).toEqual(['alpha', 'zulu']);
      });

      it('refuses a second host with the same public key', async () => {
        await storage.createHost(host('h1', 'key-1'));
        await expect(storage.createHost(host('h2', 'key-1'))).rejects.toThrow();
      });

      it('updates only the patched fields and round-trips status JSON', async () => {
        await storage.createHost(host('h1', 'key-1', 'gw'));
        await storage.updateHost('h1', { state: 'approved', lastStatus: status, lastSeenAt: at(5), lastAddress: '198.51.100.7' });
        const updated = await storage.findHost('h1');
        expect(updated).toMatchObject({ name: 'gw', state: 'approved', lastAddress: '198.51.100.7' });
        expect(updated?.lastStatus).toEqual(status);
        await storage.updateHost('h1', { name: 'renamed' });
        expect((await storage.findHost('h1'))?.lastStatus).toEqual(status);
        await storage.updateHost('h1', { lastStatus: null });
        expect(await storage.findHost('h1')).toMatchObject({ name: 'renamed', lastStatus: null, state: 'approved' });
        await storage.updateHost('h1', {});
      });
    });

    describe('enrollment tokens', () => {
      it('creates, finds, lists', async () => {
        const t = token('t1', { autoApprove: true });
        await storage.createEnrollmentToken(t);
        await storage.createEnrollmentToken(token('t2', { createdAt: at(-HOUR) }));
        expect(await storage.findEnrollmentToken('t1')).toEqual(t);
        expect(await storage.findEnrollmentToken('nope')).toBeUndefined();
        expect((await storage.listEnrollmentTokens()).map((x) => x.id)).toEqual(['t1', 't2']);
      });

      it('is consumed once, recording the host', async () => {
        await storage.createEnrollmentToken(token('t1'));
        const now = at(0);
        expect(await storage.consumeEnrollmentToken('t1', 'h1', now)).toBe(true);
        expect(await storage.consumeEnrollmentToken('t1', 'h2', now)).toBe(false);
        expect(await storage.findEnrollmentToken('t1')).toMatchObject({ usedAt: now, usedByHost: 'h1' });
        expect(await storage.consumeEnrollmentToken('unknown', 'h1', now)).toBe(false);
      });

      it('is refused once expired', async () => {
        await storage.createEnrollmentToken(token('t1', { expiresAt: at(-1) }));
        expect(await storage.consumeEnrollmentToken('t1', 'h1', at(0))).toBe(false);
        await storage.createEnrollmentToken(token('t2', { expiresAt: '2030-01-01T00:00:00.000Z' }));
        expect(await storage.consumeEnrollmentToken('t2', 'h1', '2030-01-01T00:00:00.000Z')).toBe(false);
      });

      it('is refused once revoked, and keeps the first revocation time', async () => {
        await storage.createEnrollmentToken(token('t1'));
        const first = at(0);
        await storage.revokeEnrollmentToken('t1', first);
        await storage.revokeEnrollmentToken('t1', at(1000));
        expect((await storage.findEnrollmentToken('t1'))?.revokedAt).toBe(first);
        expect(await storage.consumeEnrollmentToken('t1', 'h1', at(0))).toBe(false);
      });

      it('lets exactly one of two concurrent consumers win', async () => {
        await storage.createEnrollmentToken(token('t1'));
        const results = await Promise.all([
          storage.consumeEnrollmentToken('t1', 'h1', at(0)),
          storage.consumeEnrollmentToken('t1', 'h2', at(0)),
        ]);
        expect(results.filter(Boolean)).toHaveLength(1);
      });

      it('lets exactly one of two connections win', async () => {
        if (!subject.reopen) return;
        await storage.createEnrollmentToken(token('t1'));
        const other = (await subject.reopen()).storage;
        extra.push(other);
        const results = await Promise.all([
          storage.consumeEnrollmentToken('t1', 'h1', at(0)),
          other.consumeEnrollmentToken('t1', 'h2', at(0)),
        ]);
        expect(results.filter(Boolean)).toHaveLength(1);
      });
    });

    describe('audit', () => {
      async function appendMany(count: number) {
        const entries = [];
        for (let n = 1; n <= count; n += 1) entries.push(await storage.appendAudit(audit(n)));
        return entries;
      }

      it('chains each entry to the one before', async () => {
        const [first, second, third] = await appendMany(3);
        expect(first?.prevHash).toBe(AUDIT_GENESIS_HASH);
        expect(second?.prevHash).toBe(first?.hash);
        expect(third?.prevHash).toBe(second?.hash);
        expect(first?.hash).toMatch(/^[0-9a-f]{64}$/);
        expect(first && auditEntryHash(first.prevHash, first)).toBe(first?.hash);
        expect(first).toMatchObject({ ...audit(1), id: expect.any(Number) });
      });

      it('queries newest first with filters and a before cursor', async () => {
        await storage.appendAudit(audit(1, { user: 'bob', hostId: 'h2', action: 'terminal.open' }));
        await appendMany(4);
        await storage.appendAudit(audit(9, { user: 'system', hostId: null, hostName: null, phase: 'event' }));
        const all = await storage.queryAudit({ limit: 100 });
        expect(all).toHaveLength(6);
        expect(all.map((e) => e.id)).toEqual([...all.map((e) => e.id)].sort((a, b) => b - a));
        expect(all[0]).toMatchObject({ user: 'system', hostId: null });
        const page1 = await storage.queryAudit({ limit: 2 });
        const page2 = await storage.queryAudit({ limit: 2, before: page1[1]?.id });
        expect([...page1, ...page2].map((e) => e.id)).toEqual(all.slice(0, 4).map((e) => e.id));
        expect((await storage.queryAudit({ limit: 10, user: 'bob' })).map((e) => e.action)).toEqual(['terminal.open']);
        expect(await storage.queryAudit({ limit: 10, hostId: 'h1' })).toHaveLength(4);
        expect(await storage.queryAudit({ limit: 10, action: 'terminal.open', user: 'alice' })).toHaveLength(0);
        expect(await storage.queryAudit({ limit: 0 })).toEqual([]);
      });

      it('searches by module, result class and time range, and pages oldest first', async () => {
        const added = [
          await storage.appendAudit(audit(1, { action: 'file.write' })),
          await storage.appendAudit(audit(2, { action: 'file.read', result: 'forbidden' })),
          await storage.appendAudit(audit(3, { action: 'filesystem.mount', result: 'timeout' })),
          await storage.appendAudit(audit(4, { action: 'session.login', result: 'rate-limited', hostId: null, hostName: null })),
          await storage.appendAudit(audit(5, { action: 'file_x.write', result: 'permission-denied' })),
          await storage.appendAudit(audit(6, { action: 'process.signal' })),
        ];
        const ids = (entries: { id: number }[]) => entries.map((e) => e.id);
        const [e1, e2, e3, e4, e5, e6] = added.map((e) => e.id);
        // module is the prefix before the first '.': `file` is not `filesystem`, and `_` is not a wildcard.
        expect(ids(await storage.queryAudit({ limit: 10, module: 'file' }))).toEqual([e2, e1]);
        expect(ids(await storage.queryAudit({ limit: 10, module: 'file_x' }))).toEqual([e5]);
        expect(ids(await storage.queryAudit({ limit: 10, module: 'f%' }))).toEqual([]);
        expect(ids(await storage.queryAudit({ limit: 10, result: 'ok' }))).toEqual([e6, e1]);
        expect(ids(await storage.queryAudit({ limit: 10, result: 'denied' }))).toEqual([e4, e2]);
        expect(ids(await storage.queryAudit({ limit: 10, result: 'error' }))).toEqual([e5, e3]);
        expect(ids(await storage.queryAudit({ limit: 10, module: 'file', result: 'denied', user: 'alice', hostId: 'h1' }))).toEqual([e2]);
        // from is inclusive, to exclusive; any ISO form of the same instant means the same.
        expect(ids(await storage.queryAudit({ limit: 10, from: at(2), to: at(5) }))).toEqual([e4, e3, e2]);
        expect(ids(await storage.queryAudit({ limit: 10, from: at(2).replace('Z', '+00:00') }))).toEqual([e6, e5, e4, e3, e2]);
        expect(ids(await storage.queryAudit({ limit: 10, to: at(2) }))).toEqual([e1]);
        // Oldest first with an after cursor, within a before bound.
        const first = await storage.queryAudit({ limit: 2, order: 'oldest-first', before: e6 });
        const second = await storage.queryAudit({ limit: 2, order: 'oldest-first', before: e6, after: first[1]!.id });
        const third = await storage.queryAudit({ limit: 2, order: 'oldest-first', before: e6, after: second[1]!.id });
        expect(ids([...first, ...second, ...third])).toEqual([e1, e2, e3, e4, e5]);
      });

      it('verifies an intact chain, and an empty one', async () => {
        expect(await storage.verifyAudit()).toEqual({ ok: true, checked: 0 });
        await appendMany(5);
        expect(await storage.verifyAudit()).toEqual({ ok: true, checked: 5 });
      });

      it('keeps one chain under concurrent appends', async () => {
        const entries = await Promise.all(Array.from({ length: 20 }, (_, n) => storage.appendAudit(audit(n))));
        expect(new Set(entries.map((e) => e.prevHash)).size).toBe(20);
        expect(await storage.verifyAudit()).toEqual({ ok: true, checked: 20 });
      });

      it('refuses a fork: two entries with one predecessor', async () => {
        const [first] = await appendMany(2);
        const forged = sql`insert into audit_log (at, actor, action, phase, result, prev_hash, hash)
          values (${at(0)}, 'mallory', 'x', 'event', 'ok', ${first?.hash}, ${'f'.repeat(64)})`;
        await expect(forged.execute(subject.db)).rejects.toThrow();
      });

      it('reports an edited entry', async () => {
        const entries = await appendMany(5);
        const target = entries[2]!.id;
        await sql`update audit_log set detail = ${'nothing happened'} where id = ${target}`.execute(subject.db);
        expect(await storage.verifyAudit()).toMatchObject({ ok: false, checked: 2, firstBadId: target, reason: expect.stringMatching(/edited/) });
      });

      it('reports a deleted entry at the one after it', async () => {
        const entries = await appendMany(5);
        await sql`delete from audit_log where id = ${entries[2]!.id}`.execute(subject.db);
        expect(await storage.verifyAudit()).toMatchObject({ ok: false, firstBadId: entries[3]!.id, reason: expect.stringMatching(/deleted/) });
      });

      it('reports two entries whose content was swapped', async () => {
        const entries = await appendMany(5);
        const [a, b] = [entries[1]!, entries[3]!];
        for (const [row, from] of [[a, b], [b, a]] as const) {
          await sql`update audit_log set at = ${from.at}, detail = ${from.detail}, params_digest = ${from.paramsDigest}
            where id = ${row.id}`.execute(subject.db);
        }
        expect(await storage.verifyAudit()).toMatchObject({ ok: false, firstBadId: a.id });
      });

      it('reports two whole rows swapped, hashes and all', async () => {
        const entries = await appendMany(5);
        const [a, b] = [entries[1]!, entries[3]!];
        // Through a placeholder, since prev_hash is unique.
        await sql`update audit_log set prev_hash = 'swap' where id = ${a.id}`.execute(subject.db);
        for (const [row, from] of [[b, a], [a, b]] as const) {
          await sql`update audit_log set at = ${from.at}, detail = ${from.detail}, params_digest = ${from.paramsDigest},
            prev_hash = ${from.prevHash}, hash = ${from.hash} where id = ${row.id}`.execute(subject.db);
        }
        expect(await storage.verifyAudit()).toMatchObject({ ok: false, firstBadId: a.id });
      });
    });

    describe('recordings', () => {
      it('creates, finds, and updates only the patched fields', async () => {
        const r = recording('r_1', { inputRecorded: true });
        await storage.createRecording(r);
        expect(await storage.findRecording('r_1')).toEqual(r);
        expect(await storage.findRecording('r_nope')).toBeUndefined();
        await storage.updateRecording('r_1', { sessionId: 't_abcdefghijklmnop' });
        expect(await storage.findRecording('r_1')).toEqual({ ...r, sessionId: 't_abcdefghijklmnop' });
        const ended = at(90_000);
        await storage.updateRecording('r_1', { endedAt: ended, bytes: 5_000_000_000, state: 'complete' });
        expect(await storage.findRecording('r_1')).toEqual({ ...r, sessionId: 't_abcdefghijklmnop', endedAt: ended, bytes: 5_000_000_000, state: 'complete' });
        await storage.updateRecording('r_1', {});
        expect((await storage.findRecording('r_1'))?.state).toBe('complete');
      });

      it('refuses a second recording with the same id', async () => {
        await storage.createRecording(recording('r_1'));
        await expect(storage.createRecording(recording('r_1'))).rejects.toThrow();
      });

      it('lists newest first with host and user filters and a before cursor', async () => {
        await storage.createRecording(recording('r_a', { startedAt: at(1000) }));
        await storage.createRecording(recording('r_b', { startedAt: at(2000), hostId: 'h2', hostName: 'gw-02' }));
        await storage.createRecording(recording('r_c', { startedAt: at(3000), user: 'bob' }));
        // Same start as r_c: the id breaks the tie, so paging neither skips nor repeats.
        await storage.createRecording(recording('r_d', { startedAt: at(3000) }));
        const all = await storage.listRecordings({ limit: 10 });
        expect(all.map((r) => r.id)).toEqual(['r_d', 'r_c', 'r_b', 'r_a']);
        const page1 = await storage.listRecordings({ limit: 1 });
        const page2 = await storage.listRecordings({ limit: 2, before: page1[0]!.id });
        const page3 = await storage.listRecordings({ limit: 2, before: page2[1]!.id });
        expect([...page1, ...page2, ...page3].map((r) => r.id)).toEqual(['r_d', 'r_c', 'r_b', 'r_a']);
        expect((await storage.listRecordings({ limit: 10, hostId: 'h2' })).map((r) => r.id)).toEqual(['r_b']);
        expect((await storage.listRecordings({ limit: 10, user: 'bob' })).map((r) => r.id)).toEqual(['r_c']);
        expect((await storage.listRecordings({ limit: 10, user: 'alice', hostId: 'h1' })).map((r) => r.id)).toEqual(['r_d', 'r_a']);
        expect(await storage.listRecordings({ limit: 10, before: 'r_unknown' })).toEqual([]);
        expect(await storage.listRecordings({ limit: 0 })).toEqual([]);
      });

      it('marks unfinished recordings failed, and leaves finished ones alone', async () => {
        await storage.createRecording(recording('r_live'));
        await storage.createRecording(recording('r_done', { state: 'complete', endedAt: at(5000), bytes: 42 }));
        expect(await storage.failUnfinishedRecordings(at(9000))).toBe(1);
        expect(await storage.findRecording('r_live')).toMatchObject({ state: 'failed', endedAt: at(9000) });
        expect(await storage.findRecording('r_done')).toMatchObject({ state: 'complete', endedAt: at(5000), bytes: 42 });
        expect(await storage.failUnfinishedRecordings(at(9000))).toBe(0);
      });
    });

    describe('migrations', () => {
      it('are idempotent and keep data', async () => {
        await storage.createUser({ id: 'u1', username: 'alice', role: 'viewer', passwordHash: 'h' });
        await storage.migrate();
        await storage.migrate();
        expect(await storage.countUsers()).toBe(1);
      });

      it('keep data across a reopen', async () => {
        if (!subject.reopen) return;
        await storage.createUser({ id: 'u1', username: 'alice', role: 'viewer', passwordHash: 'h' });
        await storage.appendAudit(audit(1));
        await storage.createRecording(recording('r_1'));
        await storage.close();
        const again = await subject.reopen();
        storage = again.storage;
        expect((await storage.findUserByName('alice'))?.id).toBe('u1');
        expect(await storage.findRecording('r_1')).toEqual(recording('r_1'));
        expect(await storage.verifyAudit()).toEqual({ ok: true, checked: 1 });
      });
    });
  });
}

againstSqlite(storageContract);
