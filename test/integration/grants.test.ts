/**
 * Roles on scopes against a real console, a gateway agent on the demo site and a second host outside it: a
 * delegated site administrator works inside their site only and gives nothing they do not hold; a custom role's
 * denied code wins over another grant; tokens are scoped like people; hostile grants get a clear code.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/client.js';
import { runEnroll, startAgent, type TestProcess } from '../support/console.js';
import { waitUntilOnline } from '../support/fleet.js';
import { demoSite, startPlantStack, type PlantStack } from '../support/plant-stack.js';

const password = 'a-long-enough-password-42';
let stack: PlantStack;
let other: { hostId: string; agent: TestProcess; dataDir: string };

async function person(username: string, body: Record<string, unknown>, by: ApiClient = stack.api): Promise<ApiClient> {
  const created = await by.post('/api/users', { username, password, ...body });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const client = new ApiClient(stack.consoleUrl);
  await client.login(username, password);
  return client;
}

beforeAll(async () => {
  stack = await startPlantStack();
  const dataDir = await mkdtemp(join(tmpdir(), 'gh-agent-other-'));
  const enrolled = await runEnroll(stack.consoleUrl, await stack.api.enrollmentToken({ autoApprove: true }), dataDir, 'office-server');
  expect(enrolled.code, enrolled.output).toBe(0);
  const { hostId } = JSON.parse(await readFile(join(dataDir, 'identity.json'), 'utf8')) as { hostId: string };
  other = { hostId, agent: startAgent(dataDir), dataDir };
  await waitUntilOnline(stack.api, hostId);
  expect((await stack.api.request('PATCH', `/api/hosts/${hostId}`, { tags: ['office'] })).status).toBe(200);
}, 120_000);

afterAll(async () => {
  await other?.agent.stop();
  await rm(other?.dataDir ?? '/nonexistent', { recursive: true, force: true });
  await stack?.stop();
});

describe('a delegated administrator of a site', () => {
  let sara: ApiClient;
  beforeAll(async () => {
    sara = await person('sara', { grants: [{ role: 'administrator', scope: { kind: 'site', siteId: demoSite.id } }] });
  });

  it('sees and works on the site\'s gateway only', async () => {
    expect((await sara.get<Array<{ id: string }>>('/api/hosts')).body.map((h) => h.id)).toEqual([stack.hostId]);
    expect((await sara.call(stack.hostId, 'process', 'list', {})).status).toBe(200);
    expect((await sara.get(`/api/hosts/${other.hostId}`)).status).toBe(403);
    const away = await sara.call(other.hostId, 'process', 'list', {});
    expect(away.status).toBe(403);
    expect(away.body).toMatchObject({ error: { code: 'forbidden' } });
    expect((await sara.get<Array<{ id: string }>>('/api/sites')).body.map((s) => s.id)).toEqual([demoSite.id]);
    // Site-wide and fleet-wide things stay with the fleet's administrators.
    expect((await sara.post('/api/enrollment-tokens', { autoApprove: true })).status).toBe(403);
    expect((await sara.post('/api/sites', { id: 'mine', name: 'Mine', description: '' })).status).toBe(403);
    expect((await sara.request('PATCH', `/api/hosts/${stack.hostId}`, { tags: ['office'] })).status).toBe(403);
  });

  it('makes accounts inside the site, and nothing beyond it', async () => {
    const olga = await person('olga', { grants: [{ role: 'plant-operator', scope: { kind: 'site', siteId: demoSite.id } }] }, sara);
    expect((await olga.get<Array<{ name: string }>>(`/api/sites/${demoSite.id}/tags`)).status).toBe(200);

    for (const [body, code] of [
      [{ role: 'plant-operator' }, 'forbidden'],
      [{ grants: [{ role: 'viewer', scope: { kind: 'host', hostId: other.hostId } }] }, 'forbidden'],
      [{ grants: [{ role: 'viewer', scope: { kind: 'group', tag: 'office' } }] }, 'forbidden'],
      [{ grants: [{ role: 'viewer', scope: { kind: 'site', siteId: 'elsewhere' } }] }, 'invalid-params'],
      [{ grants: [{ role: 'root', scope: { kind: 'site', siteId: demoSite.id } }] }, 'invalid-params'],
      [{ grants: [] }, 'invalid-params'],
      [{ grants: [{ role: 'viewer', scope: { kind: 'planet' } }] }, 'invalid-params'],
    ] as const) {
      const res = await sara.post('/api/users', { username: 'mallory', password, ...body });
      expect(res.body, JSON.stringify(body)).toMatchObject({ error: { code } });
    }

    // The list holds those with a grant in the site; the fleet's administrator is not hers to see or change.
    const listed = (await sara.get<Array<{ username: string; grants: Array<{ scopeName: string }> }>>('/api/users')).body;
    expect(listed.map((u) => u.username).sort()).toEqual(['olga', 'sara']);
    expect(listed.find((u) => u.username === 'olga')?.grants[0]?.scopeName).toBe(`site ${demoSite.name}`);
    const admin = (await stack.api.get<Array<{ id: string; username: string }>>('/api/users')).body.find((u) => u.username === 'admin')!;
    expect((await sara.request('PATCH', `/api/users/${admin.id}`, { password: 'taken-over-password-1' })).status).toBe(404);
    expect((await sara.post('/api/roles', { name: 'Mine', allow: ['process.read'] })).status).toBe(403);
  });

  it('cannot give a site grant wider than a role she holds there', async () => {
    const held = await person('hank', { grants: [{ role: 'plant-operator', scope: { kind: 'site', siteId: demoSite.id } }, { role: 'administrator', scope: { kind: 'host', hostId: stack.hostId } }] });
    // Administrator of one host: may give roles on that host, not on the site around it.
    const res = await held.post('/api/users', { username: 'ivan', password, grants: [{ role: 'viewer', scope: { kind: 'site', siteId: demoSite.id } }] });
    expect(res.status).toBe(403);
    expect((await held.post('/api/users', { username: 'ivan', password, grants: [{ role: 'viewer', scope: { kind: 'host', hostId: stack.hostId } }] })).status).toBe(201);
  });
});

describe('custom roles', () => {
  it('are made from the catalogue, and a denied code wins over another grant where both hold', async () => {
    const made = await stack.api.post('/api/roles', { name: 'No processes', summary: 'Everything but signalling processes', allow: ['host.manage'], deny: ['process.signal', 'process.read'] });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body).toMatchObject({ id: 'no-processes', builtIn: false, deny: ['process.read', 'process.signal'] });

    const dora = await person('dora', {
      grants: [
        { role: 'system-operator', scope: { kind: 'fleet' } },
        { role: 'no-processes', scope: { kind: 'group', tag: 'office' } },
      ],
    });
    expect((await dora.call(stack.hostId, 'process', 'list', {})).status).toBe(200);
    const denied = await dora.call(other.hostId, 'process', 'list', {});
    expect(denied.status).toBe(403);
    expect((await dora.call(other.hostId, 'service', 'list', {})).status).toBe(200);

    // In use: not removable; a built-in role is never changed; hostile definitions are refused with a code.
    expect((await stack.api.request('DELETE', '/api/roles/no-processes')).body).toMatchObject({ error: { code: 'conflict' } });
    expect((await stack.api.request('PUT', '/api/roles/viewer', { name: 'Viewer', allow: [] })).status).toBe(403);
    for (const body of [
      { name: 'Bad', allow: ['no.such-code'] },
      { name: 'Bad', allow: ['process.read'], deny: ['process.read'] },
      { name: '', allow: [] },
      { name: 'Bad', allow: ['<script>'] },
      { name: 'x'.repeat(65), allow: [] },
    ]) {
      expect((await stack.api.post('/api/roles', body)).body, JSON.stringify(body)).toMatchObject({ error: { code: 'invalid-params' } });
    }
    expect((await stack.api.post('/api/roles', { name: 'no processes', allow: [] })).body).toMatchObject({ error: { code: 'conflict' } });

    const roles = (await dora.get<Array<{ id: string }>>('/api/roles')).body.map((r) => r.id);
    expect(roles).toEqual(expect.arrayContaining(['administrator', 'viewer', 'no-processes']));
  });
});

describe('API tokens on a scope', () => {
  it('see only where their grants hold, and never more than their maker', async () => {
    const tess = await person('tess', { grants: [{ role: 'administrator', scope: { kind: 'site', siteId: demoSite.id } }] });
    const minted = await tess.post('/api/tokens', { name: 'site reader', grants: [{ role: 'viewer', scope: { kind: 'site', siteId: demoSite.id } }], expiresInDays: 1 });
    expect(minted.status, JSON.stringify(minted.body)).toBe(201);
    const script = new ApiClient(stack.consoleUrl);
    const bearer = { authorization: `Bearer ${minted.body.token as string}` };
    const hosts = await script.request('GET', '/api/hosts', undefined, bearer);
    expect((hosts.body as Array<{ id: string }>).map((h) => h.id)).toEqual([stack.hostId]);
    expect((await tess.post('/api/tokens', { name: 'wider', role: 'viewer', expiresInDays: 1 })).status).toBe(403);
    expect((await tess.post('/api/tokens', { name: 'other host', grants: [{ role: 'viewer', scope: { kind: 'host', hostId: other.hostId } }], expiresInDays: 1 })).status).toBe(403);
  });
});
