import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Alarm, AlarmTransition } from '../../../modules/kernel/alarm-model.js';
import type { TagSample } from '../../../modules/kernel/telemetry.js';
import { AuditTrail } from '../audit.js';
import { openSqliteStorage } from '../storage/sqlite.js';
import type { KyselyStorage } from '../storage/kysely-storage.js';
import { AlarmService, builtInRules } from './service.js';
import { AlarmStore } from './store.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

const t0 = Date.UTC(2026, 10, 24, 3, 0, 0);
const good = (tag: string, ts: number, value: number | boolean): TagSample => ({ tag, ts, value, quality: 'good' });
const ana = { username: 'ana', address: '10.0.0.7' };

async function openFolder(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'gh-alarm-service-'));
  cleanups.push(() => rm(folder, { recursive: true, force: true }));
  return folder;
}

async function startService(folder: string, clock: { now: number }) {
  const storage: KyselyStorage = await openSqliteStorage(join(folder, 'gatehouse.db'));
  const store = new AlarmStore(storage.db);
  const service = new AlarmService({ db: storage.db, store, audit: new AuditTrail(storage), now: () => clock.now });
  const told: { alarm: Alarm; transition: AlarmTransition }[] = [];
  const forgotten: string[] = [];
  service.setTransitionListener({ onTransition: (alarm, transition) => told.push({ alarm, transition }), forget: (id) => forgotten.push(id) });
  await service.start(0);
  const stop = async () => {
    await service.stop();
    await storage.close();
  };
  cleanups.push(stop);
  return { service, storage, store, told, forgotten, stop };
}

const tankHigh = { id: 'tank-hh', type: 'limit', tag: 'LT-201.level', limit: 'HH', setpoint: 4.6, deadband: 0.1, priority: 'high', target: { siteId: 'demo' } };

describe('AlarmService', () => {
  it('starts a new console with the built-in rules', async () => {
    const { service } = await startService(await openFolder(), { now: t0 });
    expect(service.ruleViews().map((v) => v.rule.id).sort()).toEqual(builtInRules.map((r) => r.id).sort());
  });

  it('stores each transition before telling the pager, audits what operators do, and carries on after a restart', async () => {
    const folder = await openFolder();
    const clock = { now: t0 };
    const first = await startService(folder, clock);
    await first.service.saveRule(ana, 'tank-hh', tankHigh);
    first.service.evaluator.onSamples('gw1', 'demo', [good('LT-201.level', t0, 4.7)]);
    await first.service.settled();
    expect(first.told.map((t) => t.transition.to)).toEqual(['unacknowledged']);
    expect(first.service.list({ siteId: 'demo' }).map((a) => a.id)).toEqual(['tank-hh@gw1']);
    expect(first.service.list({ siteId: 'other' })).toEqual([]);

    clock.now = t0 + 60_000;
    const acknowledged = await first.service.acknowledge(ana, 'tank-hh@gw1', 'operator on the way');
    expect(acknowledged).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'ana' });
    await expect(first.service.acknowledge(ana, 'tank-hh@gw1')).rejects.toMatchObject({ code: 'conflict' });
    const audit = await first.storage.queryAudit({ limit: 10, action: 'alarm.acknowledge' });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ user: 'ana', address: '10.0.0.7', result: 'ok' });
    expect(audit[0]?.detail).toContain('operator on the way');
    await first.stop();

    const second = await startService(folder, clock);
    expect(second.service.list()).toEqual([expect.objectContaining({ id: 'tank-hh@gw1', state: 'acknowledged', acknowledgedBy: 'ana' })]);
    const detail = await second.service.detail('tank-hh@gw1');
    expect(detail.history.map((t) => `${t.cause}:${t.to}`)).toEqual(['condition-active:unacknowledged', 'acknowledge:acknowledged']);
    expect(detail.rule.id).toBe('tank-hh');
    // The restored alarm follows its condition: back below the deadband, it clears to normal.
    second.service.evaluator.onSamples('gw1', 'demo', [good('LT-201.level', t0 + 120_000, 4.0)]);
    await second.service.settled();
    expect(second.service.list()).toEqual([]);
    expect(second.told.map((t) => t.transition.to)).toEqual(['normal']);
  });

  it('acknowledges many, each on its own: one already acknowledged does not stop the others', async () => {
    const { service } = await startService(await openFolder(), { now: t0 });
    await service.saveRule(ana, 'tank-hh', tankHigh);
    service.evaluator.onSamples('gw1', 'demo', [good('LT-201.level', t0, 4.7)]);
    service.evaluator.onSamples('gw2', 'demo', [good('LT-201.level', t0, 4.9)]);
    await service.acknowledge(ana, 'tank-hh@gw2');
    const result = await service.acknowledgeMany(ana, ['tank-hh@gw1', 'tank-hh@gw2', 'nope@gw9']);
    expect(result.acknowledged).toEqual(['tank-hh@gw1']);
    expect(result.refused.map((r) => `${r.id}:${r.code}`)).toEqual(['tank-hh@gw2:conflict', 'nope@gw9:not-found']);
  });

  it('refuses a rule that does not parse or whose id differs from the address, and saves nothing', async () => {
    const { service } = await startService(await openFolder(), { now: t0 });
    await expect(service.saveRule(ana, 'x', { ...tankHigh, id: 'x', setpoint: 'high' })).rejects.toMatchObject({ code: 'invalid-params', message: expect.stringContaining('setpoint') });
    await expect(service.saveRule(ana, 'other', tankHigh)).rejects.toMatchObject({ code: 'invalid-params', message: expect.stringContaining('id') });
    await expect(service.deleteRule(ana, 'missing')).rejects.toMatchObject({ code: 'not-found' });
    expect(service.ruleViews().map((v) => v.rule.id)).not.toContain('x');
  });

  it('editing a rule starts its alarms again from normal; deleting it removes them, and the pager forgets them', async () => {
    const { service, store, forgotten } = await startService(await openFolder(), { now: t0 });
    await service.saveRule(ana, 'tank-hh', tankHigh);
    service.evaluator.onSamples('gw1', 'demo', [good('LT-201.level', t0, 4.7)]);
    await service.settled();
    expect(service.ruleViews().find((v) => v.rule.id === 'tank-hh')?.standing).toBe(1);
    await service.saveRule(ana, 'tank-hh', { ...tankHigh, setpoint: 4.8 });
    expect(service.list()).toEqual([]);
    expect(forgotten).toEqual(['tank-hh@gw1']);
    expect(await store.currentAlarms()).toEqual([]);
    service.evaluator.onSamples('gw1', 'demo', [good('LT-201.level', t0 + 1000, 4.9)]);
    await service.settled();
    expect(service.list()).toHaveLength(1);
    await service.deleteRule(ana, 'tank-hh');
    expect(service.list()).toEqual([]);
    expect(forgotten).toEqual(['tank-hh@gw1', 'tank-hh@gw1']);
    // Its history stays readable for the report.
    expect((await store.history('tank-hh@gw1')).length).toBeGreaterThan(0);
  });
});
