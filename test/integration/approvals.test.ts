/**
 * Four eyes against a real console, agent and plant simulator, every part its own process: a package removal
 * and a Modbus write to an `approval: true` tag are refused until a second administrator approves, then
 * performed exactly once as the requester with both names in the audit log; self-approval, rejected and expired
 * requests never run; and the gateway itself refuses such a write without an approval even when the console
 * (here: its database, edited behind its back) no longer asks for one.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStorage } from '../../console/server/storage/sqlite.js';
import type { ApiClient } from '../support/client.js';
import { readModuleStream } from '../support/module-stream.js';
import { startPlantStack, type PlantStack } from '../support/plant-stack.js';
import { userWithRole } from '../support/users.js';

/** A name no repository has: apt refuses it, so nothing on this machine is removed whatever happens. */
const absentPackage = 'gatehouse-approval-test-absent';
const guarded = 'P-102.speed-setpoint'; // made `approval: true` below; the plant starts it at 80 %

let stack: PlantStack;
let second: ApiClient;
/** Asked for at the start, so its ten-second limit has run out by the time the last test looks. */
let expiring: { id: number; createdAt: string };

beforeAll(async () => {
  stack = await startPlantStack({
    editProfile: (profile) => {
      const tag = profile.devices.flatMap((d) => d.tags).find((t) => t.name === guarded)!;
      tag.write = { ...(tag.write as object), approval: true };
    },
    consoleConfig: { approvals: { rules: [{ action: 'package.remove' }, { action: 'user.delete', timeLimitMinutes: 10 / 60 }] } },
  });
  second = await userWithRole({ url: stack.consoleUrl, dataDir: stack.consoleDataDir }, 'second-sam', 'administrator');
  const asked = await stack.api.post('/api/approvals', { hostId: stack.hostId, action: 'user.delete', params: { name: 'gh-nobody' }, reason: 'an account nobody uses any more' });
  expect(asked.status, JSON.stringify(asked.body)).toBe(201);
  expiring = asked.body;
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

async function auditEntries(query: string): Promise<Array<{ user: string; action: string; phase: string; result: string; detail: string | null }>> {
  const res = await stack.api.get(`/api/audit?${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.entries;
}

const removal = () => ({ hostId: stack.hostId, action: 'package.remove', params: { names: [absentPackage] }, reason: 'old monitoring agent, replaced last month' });

describe('a package removal', () => {
  it('is refused with approval-required, then performed exactly once after another administrator approves; both names are audited', async () => {
    const direct = await readModuleStream(stack, 'package', 'remove', { names: [absentPackage] });
    expect(direct.status, JSON.stringify(direct.body)).toBe(428);
    expect(direct.error?.code).toBe('approval-required');
    expect(await auditEntries('action=package.remove')).toEqual([expect.objectContaining({ phase: 'event', result: 'approval-required' })]);

    const asked = await stack.api.post('/api/approvals', removal());
    expect(asked.status, JSON.stringify(asked.body)).toBe(201);
    expect(asked.body).toMatchObject({ state: 'pending', requester: 'admin', action: 'package.remove', params: { names: [absentPackage] } });
    const id = asked.body.id as number;

    // The approver sees it waiting, with the exact params.
    const pending = await second.get('/api/approvals?state=pending');
    expect(pending.body.requests.map((r: { id: number }) => r.id)).toContain(id);

    const self = await stack.api.post(`/api/approvals/${id}/approve`, {});
    expect(self.status, JSON.stringify(self.body)).toBe(403);
    expect(self.body.error.message).toMatch(/second person/);

    const approved = await second.post(`/api/approvals/${id}/approve`, { comment: 'agreed on the phone' });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    // apt refuses a package it cannot find: performed or failed, the request says how it ended.
    expect(['performed', 'failed']).toContain(approved.body.state);
    expect(approved.body).toMatchObject({ decidedBy: 'second-sam', comment: 'agreed on the phone' });
    expect(approved.body.outcome).not.toBeNull();

    const again = await second.post(`/api/approvals/${id}/approve`, {});
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('conflict');

    const entries = await auditEntries('action=package.remove');
    const requested = entries.filter((e) => e.phase === 'requested');
    expect(requested, JSON.stringify(entries)).toHaveLength(1);
    expect(requested[0]).toMatchObject({ user: 'admin', detail: `approved by second-sam (request ${id})` });
    expect((await auditEntries('action=approval.approve'))[0]).toMatchObject({ user: 'second-sam' });
    expect((await auditEntries('action=approval.request')).some((e) => e.user === 'admin' && e.detail?.startsWith(`request ${id}:`))).toBe(true);
  });

  it('rejected, is never performed', async () => {
    const before = (await auditEntries('action=package.remove')).length;
    const asked = await stack.api.post('/api/approvals', removal());
    const rejected = await second.post(`/api/approvals/${asked.body.id}/reject`, { reason: 'not during the night shift' });
    expect(rejected.status, JSON.stringify(rejected.body)).toBe(200);
    expect(rejected.body).toMatchObject({ state: 'rejected', decidedBy: 'second-sam', comment: 'not during the night shift', outcome: null });
    expect((await second.post(`/api/approvals/${asked.body.id}/approve`, {})).status).toBe(409);
    expect(await auditEntries('action=package.remove')).toHaveLength(before);
    expect((await auditEntries('action=approval.reject'))[0]).toMatchObject({ user: 'second-sam' });
  });

  it('refuses a request without a reason, and hostile ids', async () => {
    const short = await stack.api.post('/api/approvals', { ...removal(), reason: 'because' });
    expect(short.status).toBe(400);
    expect(short.body.error.code).toBe('invalid-params');
    for (const id of ['0', '-1', '1e3', '..%2F1', '99999999']) {
      const res = await second.post(`/api/approvals/${id}/approve`, {});
      expect(res.status, `${id}: ${JSON.stringify(res.body)}`).toBe(404);
    }
  });
});

describe('a Modbus tag whose write rule asks for approval', () => {
  it('is written only after a second person approves, with both names at the gateway and in the audit log', async () => {
    const write = await stack.api.post(`/api/sites/demo/tags/${guarded}/write`, { value: 70, reason: 'reduce intake for the filter wash' });
    expect(write.status, JSON.stringify(write.body)).toBe(428);
    expect(write.body.error.code).toBe('approval-required');
    expect((await stack.sim.state()).pumps['P-102'].speedSetpoint).toBe(80);

    const asked = await stack.api.post('/api/approvals', {
      hostId: stack.hostId,
      action: 'modbus.write',
      params: { tag: guarded, value: 70, reason: 'reduce intake for the filter wash' },
      reason: 'filter wash at 14:00, agreed with the shift lead',
    });
    expect(asked.status, JSON.stringify(asked.body)).toBe(201);
    const approved = await second.post(`/api/approvals/${asked.body.id}/approve`, {});
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body.state, JSON.stringify(approved.body)).toBe('performed');
    // The gateway's own answer names the approval it accepted.
    expect(approved.body.outcome.result).toMatchObject({ tag: guarded, requested: 70, outcome: 'confirmed', approval: { id: asked.body.id, requester: 'admin', approver: 'second-sam' } });
    expect((await stack.sim.state()).pumps['P-102'].speedSetpoint).toBeCloseTo(70, 4);

    const setpoint = (await auditEntries('action=modbus.setpoint')).find((e) => e.detail?.startsWith(`${guarded}:`));
    expect(setpoint).toMatchObject({ user: 'admin', result: 'ok' });
    expect(setpoint!.detail).toContain(`approved by second-sam (request ${asked.body.id})`);
  });

  it('is refused by the gateway itself when the console does not ask for approval', async () => {
    // Simulate a console that forgot: its copy of the profile no longer says approval, the gateway's still does.
    const storage = await openSqliteStorage(join(stack.consoleDataDir, 'gatehouse.db'));
    try {
      const db = storage.db as unknown as import('kysely').Kysely<{ site_gateways: { host_id: string; profile_json: string } }>;
      const row = await db.selectFrom('site_gateways').select('profile_json').where('host_id', '=', stack.hostId).executeTakeFirstOrThrow();
      const profile = JSON.parse(row.profile_json) as { devices: Array<{ tags: Array<{ name: string; write?: { approval?: boolean } }> }> };
      for (const tag of profile.devices.flatMap((d) => d.tags)) if (tag.name === guarded && tag.write) tag.write.approval = false;
      await db.updateTable('site_gateways').set({ profile_json: JSON.stringify(profile) }).where('host_id', '=', stack.hostId).execute();
    } finally {
      await storage.close();
    }
    const before = (await stack.sim.state()).pumps['P-102'].speedSetpoint;
    const write = await stack.api.post(`/api/sites/demo/tags/${guarded}/write`, { value: before - 5, reason: 'a write the console let through' });
    expect(write.status, JSON.stringify(write.body)).toBe(403);
    expect(write.body.error.code).toBe('forbidden');
    expect(write.body.error.message).toMatch(/second person/);
    expect((await stack.sim.state()).pumps['P-102'].speedSetpoint).toBe(before);
  });
});

describe('an expired request', () => {
  it('cannot be approved, and its expiry is audited', async () => {
    const waitMs = Date.parse(expiring.createdAt) + 11_000 - Date.now();
    if (waitMs > 0) await new Promise((r) => setTimeout(r, waitMs));
    const late = await second.post(`/api/approvals/${expiring.id}/approve`, {});
    expect(late.status, JSON.stringify(late.body)).toBe(409);
    expect(late.body.error.message).toMatch(/expired/);
    expect((await second.get(`/api/approvals/${expiring.id}`)).body.state).toBe('expired');
    expect((await auditEntries('action=approval.expire')).some((e) => e.detail?.startsWith(`request ${expiring.id} `))).toBe(true);
    expect(await auditEntries('action=user.delete')).toEqual([]);
  }, 90_000);
});
