/**
 * Drift from an approved baseline on a real managed host (a Debian root under systemd-nspawn with an agent
 * inside): the first look has no baseline; an administrator approves what is there; then a user is added and a
 * port opened inside the host, and the drift names both; approving needs the digest of what was reviewed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/client.js';
import { debianHostAvailable, startManagedHost, type ManagedHost } from '../support/managed-host.js';
import { userWithRole } from '../support/users.js';
import { waitFor } from '../support/console.js';

const available = debianHostAvailable();
let host: ManagedHost;

describe.skipIf(!available.ok)(`drift on a managed Debian host${available.ok ? '' : ` (skipped: ${available.why})`}`, () => {
  beforeAll(async () => {
    host = await startManagedHost();
  }, 180_000);

  afterAll(async () => {
    await host?.stop();
  });

  it('shows the facts with no baseline, approves them, then names a new user and a newly opened port', async () => {
    const first = await host.api.get(`/api/hosts/${host.hostId}/drift`);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.baseline).toBeNull();
    expect(first.body.unavailable).toEqual([]);
    expect(Object.keys(first.body.current.facts).sort()).toEqual(['hostname', 'interfaces', 'listening', 'packages', 'users']);
    expect(first.body.current.facts.users.root).toMatch(/^uid 0,/);
    expect(first.body.current.facts.packages).toHaveProperty(['systemd:amd64']);

    // The host shares this machine's network, where other tests open and close listening ports all the time:
    // the console rightly refuses to approve a state other than the one reviewed, so review again, as a person would.
    let approved = await host.api.post(`/api/hosts/${host.hostId}/drift/approve`, { digest: first.body.digest });
    for (let attempt = 0; approved.status === 409 && attempt < 10; attempt++) {
      const again = await host.api.get(`/api/hosts/${host.hostId}/drift`);
      approved = await host.api.post(`/api/hosts/${host.hostId}/drift/approve`, { digest: again.body.digest });
    }
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body.baseline).toMatchObject({ approvedBy: 'admin' });
    expect(approved.body.drift.users).toEqual({ added: [], removed: [], changed: [] });

    const added = await host.debian.exec(['useradd', '--no-create-home', 'driftcheck']);
    expect(added.code, added.stderr).toBe(0);
    // A port nobody listened on when the baseline was taken (the network is shared with other tests).
    const known = new Set(Object.keys(approved.body.baseline.facts.facts.listening));
    let port = 47000 + Math.floor(Math.random() * 1000);
    while (known.has(`tcp 127.0.0.1:${port}`)) port += 1;
    const listener = await host.debian.exec(['systemd-run', '--unit', 'drift-listener', '/usr/bin/systemd-socket-activate', '-l', `127.0.0.1:${port}`, '/bin/cat']);
    expect(listener.code, listener.stderr).toBe(0);

    // systemd-run returns once the unit has started, which may be a moment before its socket is bound.
    const opened = (body: { drift: { listening: { added: { key: string }[] } } }) => body.drift.listening.added.some((c) => c.key === `tcp 127.0.0.1:${port}`);
    const later = await waitFor('the new port in the drift report', async () => {
      const report = await host.api.get(`/api/hosts/${host.hostId}/drift`);
      return opened(report.body) ? report : undefined;
    });
    expect(later.body.drift.users.added).toEqual([{ key: 'driftcheck', before: null, after: expect.stringMatching(/^uid \d+/) }]);
    expect(later.body.drift.listening.added.map((c: { key: string }) => c.key)).toContain(`tcp 127.0.0.1:${port}`);
    expect(later.body.changes).toBeGreaterThanOrEqual(2);
    expect(later.body.drift.packages).toEqual({ added: [], removed: [], changed: [] });

    // Approving needs the digest of the report reviewed: the first one is stale now.
    const stale = await host.api.post(`/api/hosts/${host.hostId}/drift/approve`, { digest: first.body.digest });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('conflict');
    const bad = await host.api.post(`/api/hosts/${host.hostId}/drift/approve`, { digest: 'latest' });
    expect(bad.status).toBe(400);
    const audit = await host.api.get('/api/audit?action=drift.approve&limit=5');
    expect(audit.body.entries).toHaveLength(1);
  });

  it('shows drift to read-only roles but lets only administrators approve', async () => {
    const viewer = await userWithRole(host.console, 'vic-viewer', 'viewer');
    const report = await viewer.get(`/api/hosts/${host.hostId}/drift`);
    expect(report.status).toBe(200);
    const refused = await viewer.post(`/api/hosts/${host.hostId}/drift/approve`, { digest: report.body.digest });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
    expect((await new ApiClient(host.console.url).get(`/api/hosts/${host.hostId}/drift`)).status).toBe(401);
  });
});
