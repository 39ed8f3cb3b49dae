/**
 * Who may do what, generated from the permission catalogue (GET /api/permissions): every module method and
 * download stream, and every console permission, called as each built-in role against a real console and agent.
 * Where the catalogue says the role holds the code, the call gets past the permission check (and is then refused
 * for its deliberately malformed parameters, so nothing on the host changes); where it does not, the answer is
 * 403 `forbidden`. Deny by default: a method the catalogue does not list, or a console permission without a probe
 * below, fails the suite. Then the same roles granted on a scope: on the host itself (in scope) the catalogue holds
 * as on the whole fleet; on a host group the host is not in (out of scope) every call is 403 and the host is unseen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { moduleContracts } from '../../modules/registry.js';
import { roleIds, type PermissionCatalogue, type RoleId } from '../../modules/kernel/console-api.js';
import { ApiClient } from '../support/client.js';
import { startFleet, type Fleet } from '../support/fleet.js';

/** Parameters no method's schema accepts: a holder is refused with 400 before anything reaches the agent. */
const malformed = 12345;
const password = 'a-long-enough-password-42';

let fleet: Fleet;
let catalogue: PermissionCatalogue;
const clients = new Map<RoleId, ApiClient>();
/** Each role granted on the host alone, and on a host group the host is not in. */
const inScope = new Map<RoleId, ApiClient>();
const outOfScope = new Map<RoleId, ApiClient>();

async function person(username: string, body: Record<string, unknown>): Promise<ApiClient> {
  const created = await fleet.api.post('/api/users', { username, password, ...body });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const client = new ApiClient(fleet.console.url);
  await client.login(username, password);
  return client;
}

beforeAll(async () => {
  fleet = await startFleet();
  catalogue = (await fleet.api.get<PermissionCatalogue>('/api/permissions')).body;
  clients.set('administrator', fleet.api);
  for (const role of roleIds) {
    if (role !== 'administrator') clients.set(role, await person(`as-${role}`, { role }));
    inScope.set(role, await person(`here-${role}`, { grants: [{ role, scope: { kind: 'host', hostId: fleet.hostId } }] }));
    outOfScope.set(role, await person(`elsewhere-${role}`, { grants: [{ role, scope: { kind: 'group', tag: 'elsewhere' } }] }));
  }
}, 90_000);

afterAll(async () => {
  await fleet?.stop();
});

const holds = (role: RoleId, code: string) => catalogue.roles.find((r) => r.id === role)?.codes.includes(code) ?? false;

/** A request per console permission that its holder gets past the check with, and nothing changes. */
const consoleProbes: Record<string, { method: string; path: string; body?: unknown; allowed: number }> = {
  'host.manage': { method: 'PATCH', path: '/api/hosts/{host}', body: malformed, allowed: 400 },
  'enrollment.manage': { method: 'POST', path: '/api/enrollment-tokens', body: malformed, allowed: 400 },
  'audit.read': { method: 'GET', path: '/api/audit?limit=1', allowed: 200 },
  'ssh.manage': { method: 'POST', path: '/api/ssh/scan', body: malformed, allowed: 400 },
  'site.read': { method: 'GET', path: '/api/sites', allowed: 200 },
  'site.manage': { method: 'POST', path: '/api/sites', body: malformed, allowed: 400 },
  'alarm.read': { method: 'GET', path: '/api/alarms', allowed: 200 },
  'alarm.acknowledge': { method: 'POST', path: '/api/alarms/acknowledge', body: malformed, allowed: 400 },
  'alarm.manage': { method: 'PUT', path: '/api/alarm-rules/probe', body: malformed, allowed: 400 },
  'account.manage': { method: 'POST', path: '/api/users', body: malformed, allowed: 400 },
};

describe('the role matrix, from the catalogue', () => {
  it('lists every method and stream a module declares, and no method accepts the probe`s parameters', () => {
    const codes = new Set(catalogue.permissions.map((p) => p.code));
    for (const contract of moduleContracts) {
      for (const [name, spec] of [...Object.entries(contract.methods), ...Object.entries(contract.streams)]) {
        expect(codes.has(spec.permission), `${contract.name}.${name} → ${spec.permission}`).toBe(true);
        expect(spec.params.safeParse(malformed).success, `${contract.name}.${name} accepts ${malformed}`).toBe(false);
      }
    }
    for (const p of catalogue.permissions.filter((x) => x.module === 'console')) expect(consoleProbes[p.code], `no probe for ${p.code}`).toBeDefined();
  });

  it('module methods: the catalogue`s holders get past the check, everyone else gets 403', async () => {
    let calls = 0;
    for (const contract of moduleContracts) {
      for (const [name, spec] of Object.entries(contract.methods)) {
        for (const role of roleIds) {
          const res = await clients.get(role)!.call(fleet.hostId, contract.name, name, malformed);
          const expected = holds(role, spec.permission) ? 400 : 403;
          expect(res.status, `${role} ${contract.name}.${name}: ${JSON.stringify(res.body)}`).toBe(expected);
          expect(res.body.error.code).toBe(expected === 403 ? 'forbidden' : 'invalid-params');
          calls += 1;
        }
      }
    }
    expect(calls).toBeGreaterThan(100);
  }, 120_000);

  it('download streams: the same', async () => {
    for (const contract of moduleContracts) {
      for (const [name, spec] of Object.entries(contract.streams)) {
        if (spec.direction !== 'download') continue;
        for (const role of roleIds) {
          const res = await clients.get(role)!.request('POST', `/api/hosts/${fleet.hostId}/streams/${contract.name}/${name}?params=${malformed}`, {});
          const expected = holds(role, spec.permission) ? 400 : 403;
          expect(res.status, `${role} ${contract.name}.${name} (stream)`).toBe(expected);
        }
      }
    }
  }, 60_000);

  it('module methods on a scope: granted on the host, as the catalogue says; granted elsewhere, 403 for all', async () => {
    let calls = 0;
    for (const contract of moduleContracts) {
      for (const [name, spec] of Object.entries(contract.methods)) {
        for (const role of roleIds) {
          const here = await inScope.get(role)!.call(fleet.hostId, contract.name, name, malformed);
          expect(here.status, `${role} on the host: ${contract.name}.${name}: ${JSON.stringify(here.body)}`).toBe(holds(role, spec.permission) ? 400 : 403);
          const away = await outOfScope.get(role)!.call(fleet.hostId, contract.name, name, malformed);
          expect(away.status, `${role} elsewhere: ${contract.name}.${name}`).toBe(403);
          expect(away.body).toMatchObject({ error: { code: 'forbidden' } });
          calls += 2;
        }
      }
    }
    expect(calls).toBeGreaterThan(200);
  }, 180_000);

  it('download streams on a scope: the same', async () => {
    for (const contract of moduleContracts) {
      for (const [name, spec] of Object.entries(contract.streams)) {
        if (spec.direction !== 'download') continue;
        for (const role of roleIds) {
          const path = `/api/hosts/${fleet.hostId}/streams/${contract.name}/${name}?params=${malformed}`;
          expect((await inScope.get(role)!.request('POST', path, {})).status, `${role} on the host ${contract.name}.${name}`).toBe(holds(role, spec.permission) ? 400 : 403);
          expect((await outOfScope.get(role)!.request('POST', path, {})).status, `${role} elsewhere ${contract.name}.${name}`).toBe(403);
        }
      }
    }
  }, 60_000);

  it('a host out of scope is not listed, not shown and not changed', async () => {
    for (const role of roleIds) {
      const here = inScope.get(role)!;
      const away = outOfScope.get(role)!;
      expect(((await here.get<Array<{ id: string }>>('/api/hosts')).body).map((h) => h.id), role).toEqual([fleet.hostId]);
      expect((await away.get<unknown[]>('/api/hosts')).body, role).toEqual([]);
      expect((await away.get(`/api/hosts/${fleet.hostId}`)).status, role).toBe(403);
      expect((await away.request('PATCH', `/api/hosts/${fleet.hostId}`, malformed)).status, role).toBe(holds(role, 'host.manage') ? 400 : 403);
      expect((await away.request('PATCH', `/api/hosts/${fleet.hostId}`, { name: 'renamed' })).status, role).toBe(403);
      expect((await here.request('PATCH', `/api/hosts/${fleet.hostId}`, malformed)).status, role).toBe(holds(role, 'host.manage') ? 400 : 403);
    }
  });

  it('console permissions: each route answers its holders and refuses the rest with 403', async () => {
    for (const [code, probe] of Object.entries(consoleProbes)) {
      for (const role of roleIds) {
        const path = probe.path.replace('{host}', fleet.hostId);
        const res = await clients.get(role)!.request(probe.method, path, probe.body);
        const expected = holds(role, code) ? probe.allowed : 403;
        expect(res.status, `${role} ${code} ${probe.method} ${path}: ${JSON.stringify(res.body)}`).toBe(expected);
        if (expected === 403) expect(res.body).toMatchObject({ error: { code: 'forbidden' } });
      }
    }
  });
});
