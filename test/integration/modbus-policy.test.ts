/**
 * The gateway owner's last word on setpoints (the local policy's modbusWritableTags), every part its own process:
 * the console's host view shows the policy the agent enforces (and the last known one once it is offline), the
 * site's tags mark the ones the gateway will refuse, and a write the profile allows but the policy does not is
 * refused by the gateway with policy-denied, the plant untouched, while a listed tag is written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntilOnline } from '../support/fleet.js';
import { startPlantStack, type PlantStack } from '../support/plant-stack.js';

let stack: PlantStack;
const speed = 'P-101.speed-setpoint'; // listed below; its write rule: 30..100 %, step ≤ 20
const dosing = 'DP-401.rate-setpoint'; // writable by the profile, left out by the policy
const policy = { modbusWritableTags: ['*.speed-setpoint'] };

beforeAll(async () => {
  stack = await startPlantStack({ agentPolicy: policy });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('a gateway with modbusWritableTags', () => {
  it('shows its policy in the host view (GET /api/hosts/:id)', async () => {
    const res = await stack.api.get(`/api/hosts/${stack.hostId}`);
    expect(res.status).toBe(200);
    expect(res.body.policy).toEqual({ fileRoots: ['/'], readOnly: false, terminalDetachedMinutes: 10, modbusWritableTags: ['*.speed-setpoint'] });
    expect(Date.parse(res.body.policyReportedAt)).toBeGreaterThan(Date.now() - 10 * 60_000);
  });

  it('marks the tags its policy will not let anybody write, and only those', async () => {
    const rows = await stack.tags();
    const row = (name: string) => rows.find((t) => t.name === name)!;
    expect(row(dosing).write).toBeDefined();
    expect(row(dosing).writeBlocked).toMatch(/modbusWritableTags/);
    expect(row(speed).write).toBeDefined();
    expect(row(speed).writeBlocked).toBeUndefined();
    expect(row('P-102.speed-setpoint').writeBlocked).toBeUndefined();
  });

  it('refuses a profile-writable tag outside the list with policy-denied, nothing reaching the plant, and writes a listed one', async () => {
    const before = await stack.sim.state();
    const denied = await stack.api.post(`/api/sites/demo/tags/${dosing}/write`, { value: before.dosing.rateSetpoint + 1, reason: 'testing the local policy' });
    expect(denied.status, JSON.stringify(denied.body)).toBe(403);
    expect(denied.body.error).toEqual({ code: 'policy-denied', message: `tag ${dosing} is not writable under this gateway's local policy (modbusWritableTags)` });
    expect((await stack.sim.state()).dosing.rateSetpoint).toBe(before.dosing.rateSetpoint);
    expect(stack.output()).toMatch(/setpoint write refused by the local policy tag="DP-401\.rate-setpoint"/);

    const current = (await stack.tags()).find((t) => t.name === speed)!.value as number;
    const target = current > 50 ? current - 10 : current + 10;
    const ok = await stack.api.post(`/api/sites/demo/tags/${speed}/write`, { value: target, reason: 'a listed setpoint' });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.outcome).toBe('confirmed');
    expect((await stack.sim.state()).pumps['P-101'].speedSetpoint).toBeCloseTo(target, 6);
  });

  it('still shows the last known policy, with its time, once the agent is offline', async () => {
    const online = (await stack.api.get(`/api/hosts/${stack.hostId}`)).body;
    await stack.agentProcess.stop();
    await waitUntilOnline(stack.api, stack.hostId, false);
    const offline = (await stack.api.get(`/api/hosts/${stack.hostId}`)).body;
    expect(offline.online).toBe(false);
    expect(offline.policy).toEqual(online.policy);
    expect(offline.policyReportedAt).toBe(online.policyReportedAt);
    // The site still marks the tag from the last known policy.
    const rows = await stack.tags();
    expect(rows.find((t) => t.name === dosing)?.writeBlocked).toMatch(/modbusWritableTags/);
  });

  it('calls the policy unknown after a console restart while the agent stays away', async () => {
    await stack.restartConsole();
    const host = (await stack.api.get(`/api/hosts/${stack.hostId}`)).body;
    expect(host).toMatchObject({ online: false, policy: null, policyReportedAt: null });
    // Unknown is not "blocked": the gateway still enforces its own policy when it is back.
    expect((await stack.tags()).find((t) => t.name === dosing)?.writeBlocked).toBeUndefined();
  }, 60_000);
});
