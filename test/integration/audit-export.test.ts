/**
 * The audit log's search, exports and syslog shipping on a whole console (started in this process from source):
 * a sign-in reaches a UDP syslog receiver on loopback as an RFC 5424 message, and the exports of the same log come
 * back as files that check against the chain.
 */
import { createSocket } from 'node:dgram';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema, type ConsoleConfig } from '../../console/server/config.js';
import { startConsole, type RunningConsole } from '../../console/server/server.js';
import { auditEntryHash } from '../../console/server/storage/kysely-storage.js';
import type { AuditEntry } from '../../modules/kernel/console-api.js';
import { ApiClient } from '../support/client.js';
import { adminPassword, waitFor } from '../support/console.js';

let running: RunningConsole;
let dataDir: string;
const receiver = createSocket('udp4');
const datagrams: string[] = [];
let admin: ApiClient;

beforeAll(async () => {
  receiver.on('message', (message) => datagrams.push(message.toString('utf8')));
  await new Promise<void>((resolve) => receiver.bind(0, '127.0.0.1', resolve));
  dataDir = await mkdtemp(join(tmpdir(), 'gh-audit-export-'));
  const config = configSchema.parse({
    dataDir,
    port: 0,
    adminPassword,
    auditSyslog: { host: '127.0.0.1', port: receiver.address().port, transport: 'udp', appName: 'gatehouse-it' },
  });
  running = await startConsole({ ...config, tls: 'off' } as ConsoleConfig);
  admin = new ApiClient(running.url);
  await admin.login();
});

afterAll(async () => {
  await running?.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
  await rm(dataDir, { recursive: true, force: true });
});

/** GET with the admin's session, as text: the test client reads any JSON-ish type as JSON. */
async function download(path: string): Promise<Response> {
  return fetch(new URL(path, running.url), { headers: { cookie: admin.cookie } });
}

describe('audit search, export and syslog on a running console', () => {
  it('ships the sign-in to syslog as RFC 5424 with its id and hash', async () => {
    const [login] = (await admin.get('/api/audit?action=session.login&result=ok')).body.entries as AuditEntry[];
    expect(login).toBeDefined();
    const message = await waitFor('the sign-in at the syslog receiver', () => datagrams.find((d) => d.includes(`id="${login!.id}"`)));
    expect(message).toMatch(/^<134>1 \S+ \S+ gatehouse-it \d+ session\.login \[gatehouse@32473 user="admin" /);
    expect(message).toContain(`hash="${login!.hash}"`);
  });

  it('finds denied entries, and exports the log as JSON lines that check against the chain', async () => {
    const stranger = new ApiClient(running.url);
    expect((await stranger.post('/api/session', { username: 'admin', password: 'not-the-password' })).status).toBe(401);
    const denied = (await admin.get('/api/audit?module=session&result=denied')).body.entries as AuditEntry[];
    expect(denied.map((e) => [e.action, e.result])).toEqual([['session.login', 'unauthorized']]);

    const response = await download('/api/audit/export.jsonl');
    expect(response.status).toBe(200);
    const entries = (await response.text()).trimEnd().split('\n').map((line) => JSON.parse(line) as AuditEntry);
    let prev = '0'.repeat(64);
    for (const { id: _id, prevHash, hash, ...input } of entries) {
      expect(prevHash).toBe(prev);
      expect(auditEntryHash(prevHash, input)).toBe(hash);
      prev = hash;
    }
    expect(entries.at(-1)).toMatchObject({ action: 'audit.export', user: 'admin' });

    const csv = await download('/api/audit/export.csv?result=denied');
    expect(csv.headers.get('content-disposition')).toMatch(/gatehouse-audit-\d{4}-\d{2}-\d{2}\.csv/);
    expect((await csv.text()).split('\r\n').filter(Boolean)).toHaveLength(2);
    expect((await download('/api/audit/export.csv?from=not-a-time')).status).toBe(400);
  });
});
