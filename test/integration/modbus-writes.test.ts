/**
 * Setpoint writes through the console's API to the plant simulator, every part its own process
 * (SECURITY.md rule 9): refused outside the write rule with a clear code and nothing reaching the device;
 * a permitted write confirmed by read-back and audited with old, new and read-back values; roles decide who
 * may write; hostile tag names and values are refused cleanly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../support/client.js';
import { startPlantStack, type PlantStack } from '../support/plant-stack.js';
import { userWithRole } from '../support/users.js';

let stack: PlantStack;

beforeAll(async () => {
  stack = await startPlantStack();
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

const speed = 'P-101.speed-setpoint'; // write rule: 30..100 %, step ≤ 20, one write per 5 s
const dosing = 'DP-401.rate-setpoint'; // write rule: 0..15 l/h, step ≤ 3, one write per 10 s

function writeAs(client: ApiClient, tag: string, body: unknown) {
  return client.post(`/api/sites/demo/tags/${tag}/write`, body);
}

/** The plant's own setpoints, from the simulator's true state (what the PLC actually holds). */
async function plantSetpoints() {
  const state = await stack.sim.state();
  return { speed: state.pumps['P-101'].speedSetpoint, dosing: state.dosing.rateSetpoint };
}

async function currentValue(tag: string): Promise<number> {
  const row = (await stack.tags()).find((t) => t.name === tag);
  expect(row?.quality, `${tag} reads good`).toBe('good');
  return row!.value as number;
}

describe('setpoint writes refused by the write rule', () => {
  it('refuses a value outside the limits, a step above the maximum, and a write too soon after the last, with nothing reaching the device', async () => {
    const before = await plantSetpoints();
    const current = await currentValue(speed);
    expect(current).toBeCloseTo(before.speed, 1);

    for (const value of [120, 10, 100.1, 29.9]) {
      const res = await writeAs(stack.api, speed, { value, reason: 'testing the limits' });
      expect(res.status, `${value}: ${JSON.stringify(res.body)}`).toBe(400);
      expect(res.body.error.code).toBe('invalid-params');
      expect(res.body.error.message).toMatch(/outside the limits/);
    }
    const step = await writeAs(stack.api, speed, { value: current + 25, reason: 'too big a step' });
    expect(step.status, JSON.stringify(step.body)).toBe(400);
    expect(step.body.error).toMatchObject({ code: 'invalid-params' });
    expect(step.body.error.message).toMatch(/maximum step/);
    expect(await plantSetpoints()).toEqual(before);

    // A permitted write, then another at once: the second is too soon.
    const target = current - 10;
    const ok = await writeAs(stack.api, speed, { value: target, reason: 'lower the intake rate for the test' });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    const soon = await writeAs(stack.api, speed, { value: target - 5, reason: 'and again straight away' });
    expect(soon.status, JSON.stringify(soon.body)).toBe(429);
    expect(soon.body.error.code).toBe('rate-limited');
    expect((await plantSetpoints()).speed).toBeCloseTo(target, 6);
  });
});

describe('a permitted setpoint write', () => {
  it('is confirmed by read-back, reaches the plant, and is audited with old, new and read-back values', async () => {
    const before = await plantSetpoints();
    const current = await currentValue(dosing);
    const target = Math.round((current + 2) * 100) / 100;
    const res = await writeAs(stack.api, dosing, { value: target, reason: 'raise dosing for the test' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ tag: dosing, requested: target, outcome: 'confirmed' });
    expect(res.body.previous).toBeCloseTo(current, 4);
    expect(res.body.readBack).toBeCloseTo(target, 4);
    // The simulated PLC took it: its own state says so, not only the gateway.
    expect((await plantSetpoints()).dosing).toBeCloseTo(target, 4);
    expect((await plantSetpoints()).speed).toBe(before.speed);

    const audit = await stack.api.get('/api/audit?action=modbus.setpoint');
    expect(audit.status).toBe(200);
    const entry = (audit.body.entries as Array<{ user: string; hostId: string; result: string; detail: string }>).find((e) => e.detail.startsWith(`${dosing}:`));
    expect(entry, JSON.stringify(audit.body.entries)).toBeDefined();
    expect(entry).toMatchObject({ user: 'admin', hostId: stack.hostId, result: 'ok' });
    // old → new, the read-back, the outcome and the reason, in the entry itself.
    expect(entry!.detail).toContain(`→ ${target}`);
    expect(entry!.detail).toMatch(new RegExp(`${String(res.body.previous).replace('.', '\\.')} →`));
    expect(entry!.detail).toContain(`read back ${String(res.body.readBack)}`);
    expect(entry!.detail).toContain('confirmed');
    expect(entry!.detail).toContain('raise dosing for the test');
  });
});

describe('who may write', () => {
  it('refuses a viewer with 403 forbidden and nothing reaching the device', async () => {
    const viewer = await userWithRole({ url: stack.consoleUrl, dataDir: stack.consoleDataDir }, 'viewer-vera', 'viewer');
    // A viewer may watch the site…
    expect((await viewer.get('/api/sites/demo/tags')).status).toBe(200);
    const before = await plantSetpoints();
    const res = await writeAs(viewer, 'P-102.speed-setpoint', { value: 75, reason: 'a viewer trying to write' });
    expect(res.status, JSON.stringify(res.body)).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
    expect(await plantSetpoints()).toEqual(before);
    expect((await stack.sim.state()).pumps['P-102'].speedSetpoint).toBe(80);
  });

  it('lets a plant operator write a setpoint within its rule', async () => {
    const operator = await userWithRole({ url: stack.consoleUrl, dataDir: stack.consoleDataDir }, 'operator-otto', 'plant-operator');
    const current = await currentValue('P-102.speed-setpoint');
    const target = current - 5;
    const res = await writeAs(operator, 'P-102.speed-setpoint', { value: target, reason: 'operator trims pump 2' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ outcome: 'confirmed' });
    expect(res.body.readBack).toBeCloseTo(target, 4);
    expect((await stack.sim.state()).pumps['P-102'].speedSetpoint).toBeCloseTo(target, 4);
    const audit = await stack.api.get('/api/audit?action=modbus.setpoint&user=operator-otto');
    expect(audit.body.entries.some((e: { detail: string }) => e.detail.startsWith('P-102.speed-setpoint:'))).toBe(true);
  });
});

describe('hostile requests', () => {
  it('refuses hostile tag names in the URL with a clear code', async () => {
    const before = await plantSetpoints();
    const names = [
      '..%2F..%2Fetc%2Fpasswd',
      '%3Cscript%3Ealert(1)%3C%2Fscript%3E',
      'P-101.speed-setpoint%00',
      `${'x'.repeat(300)}`,
      '%E2%80%AEtniopdeeps',
      '-leading-dash',
      'P-101.speed-setpoint%20',
    ];
    for (const name of names) {
      const res = await writeAs(stack.api, name, { value: 50, reason: 'hostile tag name' });
      expect(res.status, `${name}: ${res.status} ${JSON.stringify(res.body)}`).toBe(400);
      expect(res.body.error.code).toBe('invalid-params');
    }
    // A well-formed name that is not at this site, and a read-only tag.
    const missing = await writeAs(stack.api, 'NO-SUCH.tag', { value: 50, reason: 'no such tag' });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not-found');
    const readOnly = await writeAs(stack.api, 'LT-201.level', { value: 2, reason: 'a measurement is not a setpoint' });
    expect(readOnly.status, JSON.stringify(readOnly.body)).toBe(403);
    expect(readOnly.body.error.code).toBe('forbidden');
    const otherSite = await stack.api.post(`/api/sites/no-such-site/tags/${speed}/write`, { value: 50, reason: 'wrong site' });
    expect(otherSite.status).toBe(404);
    expect(await plantSetpoints()).toEqual(before);
  });

  it('refuses hostile values and reasons with a clear code, and the plant is untouched', async () => {
    const before = await plantSetpoints();
    const raw = (text: string) => stack.api.request('POST', `/api/sites/demo/tags/${dosing}/write`, text, { 'content-type': 'application/json' });
    const bodies: Array<[string, unknown]> = [
      ['NaN as a string', { value: 'NaN', reason: 'hostile value' }],
      ['a numeric string', { value: '7', reason: 'hostile value' }],
      ['an object', { value: { valueOf: 7 }, reason: 'hostile value' }],
      ['an array', { value: [7], reason: 'hostile value' }],
      ['null', { value: null, reason: 'hostile value' }],
      ['no value', { reason: 'hostile value' }],
      ['no reason', { value: 7 }],
      ['a short reason', { value: 7, reason: 'x' }],
      ['a 10 kB reason', { value: 7, reason: 'r'.repeat(10 * 1024) }],
      ['an object as reason', { value: 7, reason: { toString: 'x' } }],
      ['an extra key', { value: 7, reason: 'hostile value', unit: 99 }],
      ['a prototype key', JSON.parse('{"value": 7, "reason": "hostile value", "__proto__": {"admin": true}}')],
    ];
    for (const [what, body] of bodies) {
      const res = await writeAs(stack.api, dosing, body);
      expect(res.status, `${what}: ${JSON.stringify(res.body)}`).toBe(400);
      expect(res.body.error.code, what).toBe('invalid-params');
    }
    // Numbers JSON cannot carry as finite: 1e309 parses to Infinity; -0 and a bare NaN token.
    for (const text of ['{"value":1e309,"reason":"hostile value"}', '{"value":-1e309,"reason":"hostile value"}']) {
      const res = await raw(text);
      expect(res.status, `${text}: ${JSON.stringify(res.body)}`).toBe(400);
      expect(res.body.error.code).toBe('invalid-params');
    }
    for (const text of ['{"value":NaN,"reason":"hostile value"}', '{"value":7,"reason":"hostile value"', 'value=7']) {
      const res = await raw(text);
      expect(res.status, `${text}: ${JSON.stringify(res.body)}`).toBe(400);
      expect(res.body.error.code).toBe('bad-request');
    }
    // A bool for a number tag gets through the request schema; the gateway's write rule refuses it.
    const bool = await writeAs(stack.api, dosing, { value: true, reason: 'hostile value' });
    expect(bool.status, JSON.stringify(bool.body)).toBe(400);
    expect(bool.body.error.code).toBe('invalid-params');
    expect(await plantSetpoints()).toEqual(before);
    // The console is still answering after all of that.
    expect((await stack.api.get('/api/sites')).status).toBe(200);
  });
});
