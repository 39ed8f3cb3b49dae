/**
 * The audit log cannot be quietly edited (SECURITY.md rule 10), checked the way an operator would: the real
 * `gatehouse-console audit verify` command against a data directory a real console wrote, whose audit table we
 * then tamper with directly in SQLite (as someone with the database file could). A clean chain exits 0; an
 * edited, a deleted and a reordered entry each exit non-zero naming the first bad entry.
 * (The storage-level checks are in console/server/storage/storage.contract.test.ts; this is the command.)
 */
import { spawn } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/client.js';
import { repoRoot, startTestConsole } from '../support/console.js';

const cli = join(repoRoot, 'bin/gatehouse-console.js');
let work: string;
/** A data directory with a chain of real entries, written by a real console that has since stopped. */
let pristine: string;
let ids: number[];

function verify(dataDir: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'audit', 'verify', '--data', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

/** A copy of the pristine data directory, tampered with by `edit` on its SQLite file. */
async function tampered(name: string, edit: (db: BetterSqlite3.Database) => void): Promise<string> {
  const dir = join(work, name);
  await cp(pristine, dir, { recursive: true });
  const db = new BetterSqlite3(join(dir, 'gatehouse.db'));
  try {
    edit(db);
  } finally {
    db.close();
  }
  return dir;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'gh-audit-chain-'));
  pristine = join(work, 'pristine');
  const con = await startTestConsole({ dataDir: pristine });
  try {
    const api = new ApiClient(con.url);
    await api.login();
    // Failed logins and console actions: each leaves an audit entry.
    for (let i = 0; i < 3; i++) await new ApiClient(con.url).post('/api/session', { username: 'admin', password: `wrong-${i}` });
    await api.enrollmentToken({ autoApprove: false });
    await api.get('/api/audit?limit=1');
  } finally {
    await con.process.stop();
  }
  const db = new BetterSqlite3(join(pristine, 'gatehouse.db'), { readonly: true });
  ids = (db.prepare('select id from audit_log order by id').all() as Array<{ id: number }>).map((r) => r.id);
  db.close();
}, 60_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('gatehouse-console audit verify', () => {
  it('exits 0 on the chain a console wrote', async () => {
    expect(ids.length).toBeGreaterThanOrEqual(5);
    const { code, output } = await verify(pristine);
    expect(code, output).toBe(0);
    expect(output).toMatch(new RegExp(`audit chain holds: ${ids.length} entries checked`));
  });

  it('exits 1 naming an edited entry', async () => {
    const target = ids[2]!;
    const dir = await tampered('edited', (db) => {
      db.prepare("update audit_log set result = 'ok', actor = 'nobody' where id = ?").run(target);
    });
    const { code, output } = await verify(dir);
    expect(code, output).toBe(1);
    expect(output).toMatch(new RegExp(`BROKEN at entry ${target}\\b.*edited`));
  });

  it('exits 1 naming the entry after a deleted one', async () => {
    const dir = await tampered('deleted', (db) => {
      db.prepare('delete from audit_log where id = ?').run(ids[2]!);
    });
    const { code, output } = await verify(dir);
    expect(code, output).toBe(1);
    expect(output).toMatch(new RegExp(`BROKEN at entry ${ids[3]!}\\b.*deleted, inserted or reordered`));
  });

  it('exits 1 naming the first of two whole rows swapped, hashes and all', async () => {
    const [a, b] = [ids[1]!, ids[3]!];
    const dir = await tampered('reordered', (db) => {
      const row = (id: number) => db.prepare('select * from audit_log where id = ?').get(id) as Record<string, unknown>;
      const [ra, rb] = [row(a), row(b)];
      const columns = Object.keys(ra).filter((c) => c !== 'id');
      const put = db.prepare(`update audit_log set ${columns.map((c) => `${c} = @${c}`).join(', ')} where id = @id`);
      db.transaction(() => {
        // Through a placeholder, since prev_hash is unique.
        db.prepare("update audit_log set prev_hash = 'swap' where id = ?").run(a);
        put.run({ ...ra, id: b });
        put.run({ ...rb, id: a });
      })();
    });
    const { code, output } = await verify(dir);
    expect(code, output).toBe(1);
    expect(output).toMatch(new RegExp(`BROKEN at entry ${a}\\b`));
  });

  it('exits 1 on an entry appended with a made-up hash', async () => {
    const last = ids[ids.length - 1]!;
    const dir = await tampered('appended', (db) => {
      const prev = (db.prepare('select hash from audit_log where id = ?').get(last) as { hash: string }).hash;
      db.prepare(
        "insert into audit_log (at, actor, action, phase, result, prev_hash, hash) values (?, 'mallory', 'session.login', 'event', 'ok', ?, ?)",
      ).run(new Date().toISOString(), prev, 'f'.repeat(64));
    });
    const { code, output } = await verify(dir);
    expect(code, output).toBe(1);
    expect(output).toMatch(/BROKEN at entry \d+.*edited/);
  });
});
