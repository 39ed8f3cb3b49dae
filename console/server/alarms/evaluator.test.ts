import { describe, expect, it } from 'vitest';
import type { Alarm, AlarmTransition } from '../../../modules/kernel/alarm-model.js';
import type { TagSample } from '../../../modules/kernel/telemetry.js';
import { AlarmEvaluator, type Flood } from './evaluator.js';

const t0 = Date.UTC(2026, 10, 24, 6, 0, 0);
const s = 1000;
const minute = 60 * s;

/** An evaluator on an injected clock, recording every transition and flood. */
function setup() {
  const clock = { now: t0 };
  const evaluator = new AlarmEvaluator({ now: () => clock.now });
  const log: { alarm: Alarm; transition: AlarmTransition }[] = [];
  const floods: Flood[] = [];
  evaluator.on('transition', (alarm, transition) => log.push({ alarm, transition }));
  evaluator.on('flood', (flood) => floods.push(flood));
  const raised = () => log.filter((e) => e.transition.to === 'unacknowledged');
  return { clock, evaluator, log, floods, raised };
}

const good = (tag: string, ts: number, value: number | boolean): TagSample => ({ tag, ts, value, quality: 'good' });
const fault = (tag: string, ts: number): TagSample => ({ tag, ts, value: null, quality: 'comm-fault' });

describe('AlarmEvaluator', () => {
  it('raises from samples at their own time, and an operator acknowledges it', () => {
    const { evaluator, log, clock } = setup();
    evaluator.addRule({ id: 'lt201-h', type: 'limit', tag: 'LT-201', limit: 'H', setpoint: 4.5, deadband: 0.1, priority: 'high', target: { siteId: 'plant-1' } });
    evaluator.onSamples('gw1', 'plant-1', [good('LT-201', t0, 4), good('LT-201', t0 + s, 4.6), good('FT-101', t0 + s, 3)]);
    const [alarm] = evaluator.alarms();
    expect(alarm).toMatchObject({
      id: 'lt201-h@gw1',
      state: 'unacknowledged',
      priority: 'high',
      kind: 'H',
      source: { hostId: 'gw1', siteId: 'plant-1', tag: 'LT-201' },
      value: 4.6,
      limit: 4.5,
      raisedAt: new Date(t0 + s).toISOString(),
    });
    clock.now = t0 + 5 * minute;
    const acked = evaluator.acknowledge(alarm!.id, 'olga', 'calling the shift');
    expect(acked).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'olga', acknowledgedAt: new Date(t0 + 5 * minute).toISOString() });
    evaluator.onSamples('gw1', 'plant-1', [good('LT-201', t0 + 6 * minute, 4.3)]);
    expect(evaluator.alarms()).toEqual([]);
    expect(log.map((e) => `${e.transition.from}>${e.transition.to}:${e.transition.cause}`)).toEqual([
      'normal>unacknowledged:condition-active',
      'unacknowledged>acknowledged:acknowledge',
      'acknowledged>normal:condition-cleared',
    ]);
    expect(log[1]?.transition).toMatchObject({ user: 'olga', comment: 'calling the shift' });
    // A rule on another site's tag is untouched by this site's samples.
    evaluator.addRule({ id: 'other', type: 'limit', tag: 'LT-201', limit: 'H', setpoint: 1, priority: 'low', target: { siteId: 'plant-2' } });
    evaluator.onSamples('gw1', 'plant-1', [good('LT-201', t0 + 7 * minute, 3)]);
    expect(evaluator.alarms()).toEqual([]);
  });

  it('refuses hostile input with problem codes', () => {
    const { evaluator } = setup();
    expect(() => evaluator.addRule({ id: 'x', type: 'limit' })).toThrowError(expect.objectContaining({ code: 'invalid-params' }));
    expect(() => evaluator.addRule('rm -rf /')).toThrowError(expect.objectContaining({ code: 'invalid-params' }));
    expect(() => evaluator.acknowledge('nope', 'olga')).toThrowError(expect.objectContaining({ code: 'not-found' }));
    expect(() => evaluator.removeRule('nope')).toThrowError(expect.objectContaining({ code: 'not-found' }));
    expect(() => evaluator.onSamples('gw1', undefined, 'x' as never)).toThrowError(expect.objectContaining({ code: 'invalid-params' }));
    evaluator.addRule({ id: 'd', type: 'digital', tag: 'P-101.fault', alarmWhen: true, priority: 'low', target: { hostId: 'gw1' } });
    evaluator.onSamples('gw1', undefined, [good('P-101.fault', t0, true)]);
    expect(() => evaluator.acknowledge('d@gw1', 'x'.repeat(65))).toThrowError(expect.objectContaining({ code: 'invalid-params' }));
    expect(() => evaluator.acknowledge('d@gw1', 'olga')).not.toThrow();
    expect(() => evaluator.acknowledge('d@gw1', 'olga')).toThrowError(expect.objectContaining({ code: 'conflict' }));
  });

  it('suppresses by design: P-101 not running suppresses FT-101 low flow, and running again re-evaluates', () => {
    const { evaluator, log } = setup();
    evaluator.addRule({
      id: 'ft101-l',
      type: 'limit',
      tag: 'FT-101',
      limit: 'L',
      setpoint: 5,
      priority: 'medium',
      target: { hostId: 'gw1' },
      suppressedWhen: { tag: 'P-101.running', equals: false },
    });
    evaluator.onSamples('gw1', 'plant-1', [good('P-101.running', t0, false), good('FT-101', t0, 0)]);
    expect(evaluator.alarms().map((a) => a.state)).toEqual(['suppressed']);
    expect(log.filter((e) => e.transition.to === 'unacknowledged')).toHaveLength(0);
    // The pump starts but the flow stays low: now it is a real alarm.
    evaluator.onSamples('gw1', 'plant-1', [good('P-101.running', t0 + 10 * s, true), good('FT-101', t0 + 11 * s, 0)]);
    expect(evaluator.alarms()[0]).toMatchObject({ state: 'unacknowledged', raisedAt: new Date(t0 + 10 * s).toISOString() });
  });

  it('delays complete on a tick, and shelves expire on a tick and re-alarm', () => {
    const { evaluator, clock, raised } = setup();
    evaluator.addRule({ id: 'lt', type: 'limit', tag: 'LT-201', limit: 'HH', setpoint: 5, onDelayS: 30, priority: 'critical', target: { hostId: 'gw1' }, maxShelveMinutes: 60 });
    evaluator.onSamples('gw1', undefined, [good('LT-201', t0, 6)]);
    evaluator.tick(t0 + 10 * s);
    expect(evaluator.alarms()).toEqual([]);
    evaluator.tick(t0 + 31 * s);
    expect(evaluator.alarms()[0]).toMatchObject({ state: 'unacknowledged', raisedAt: new Date(t0 + 30 * s).toISOString() });
    clock.now = t0 + minute;
    expect(() => evaluator.shelve('lt@gw1', 'olga', 'level sensor being cleaned', { until: clock.now + 61 * minute })).toThrowError(
      expect.objectContaining({ code: 'invalid-params' }),
    );
    expect(evaluator.shelve('lt@gw1', 'olga', 'level sensor being cleaned', { until: clock.now + 30 * minute })).toMatchObject({ state: 'shelved' });
    evaluator.tick(t0 + 20 * minute);
    expect(evaluator.alarms()[0]?.state).toBe('shelved');
    evaluator.tick(t0 + 31 * minute);
    expect(evaluator.alarms()[0]).toMatchObject({ state: 'unacknowledged', raisedAt: new Date(t0 + 31 * minute).toISOString() });
    expect(raised()).toHaveLength(2);
  });

  it('a gateway dropping off with 50 tags behind it gives one comm-loss alarm, not fifty', () => {
    const { evaluator, raised, log } = setup();
    const tags = Array.from({ length: 50 }, (_, i) => `FT-${100 + i}`);
    evaluator.addRule({ id: 'gw-comm', type: 'comm-loss', periodS: 1, periods: 5, priority: 'high', target: { hostId: 'gw1', siteId: 'plant-1' } });
    for (const tag of tags) evaluator.addRule({ id: `${tag}-l`, type: 'limit', tag, limit: 'L', setpoint: 1, priority: 'medium', target: { hostId: 'gw1' } });
    evaluator.tick(t0);
    // Healthy for 10 s; two tags are already in low alarm before the cut.
    for (let i = 0; i < 10; i++) evaluator.onSamples('gw1', 'plant-1', tags.map((tag, k) => good(tag, t0 + i * s, k < 2 ? 0 : 5)));
    expect(raised()).toHaveLength(2);
    log.length = 0;
    // The gateway goes silent, then its driver reports comm faults (value null, or zeros a naive engine would read as low).
    for (let i = 10; i < 30; i++) {
      evaluator.onSamples('gw1', 'plant-1', tags.map((tag) => fault(tag, t0 + i * s)));
      evaluator.tick(t0 + i * s);
    }
    expect(raised().map((e) => e.alarm.id)).toEqual(['gw-comm@gw1']);
    const states = evaluator.alarms().map((a) => `${a.id}:${a.state}`);
    expect(states).toEqual(expect.arrayContaining(['gw-comm@gw1:unacknowledged', 'FT-100-l@gw1:suppressed', 'FT-101-l@gw1:suppressed']));
    expect(states).toHaveLength(3);
    // Back online: the comm alarm returns, and the two tags still low alarm afresh (nobody was told while inhibited).
    log.length = 0;
    evaluator.onSamples('gw1', 'plant-1', tags.map((tag, k) => good(tag, t0 + 31 * s, k < 2 ? 0 : 5)));
    expect(raised().map((e) => e.alarm.id).sort()).toEqual(['FT-100-l@gw1', 'FT-101-l@gw1']);
    expect(evaluator.alarm('gw-comm@gw1').state).toBe('returned-unacknowledged');
  });

  it('a host that never reports alarms after its heartbeats are missed, and the next heartbeat clears', () => {
    const { evaluator } = setup();
    evaluator.addRule({ id: 'offline', type: 'host-offline', heartbeatS: 10, missed: 3, priority: 'high', target: { hostId: 'h1' } });
    evaluator.tick(t0);
    evaluator.tick(t0 + 29 * s);
    expect(evaluator.alarms()).toEqual([]);
    evaluator.tick(t0 + 31 * s);
    expect(evaluator.alarms()[0]).toMatchObject({ kind: 'host-offline', state: 'unacknowledged', raisedAt: new Date(t0 + 30 * s).toISOString() });
    evaluator.onHeartbeat('h1', undefined, t0 + 40 * s);
    expect(evaluator.alarms()[0]?.state).toBe('returned-unacknowledged');
  });

  it('drift alarms per host of a site', () => {
    const { evaluator } = setup();
    evaluator.addRule({ id: 'drift', type: 'drift', priority: 'low', target: { siteId: 'plant-1' } });
    evaluator.onDrift('h1', 'plant-1', t0, 0);
    evaluator.onDrift('h2', 'plant-1', t0, 3);
    evaluator.onDrift('h3', 'plant-2', t0, 3);
    expect(evaluator.alarms().map((a) => a.id)).toEqual(['drift@h2']);
  });

  it('detects a flood: more than 10 alarms raised at a site within 10 minutes', () => {
    const { evaluator, floods } = setup();
    for (let i = 0; i < 12; i++) evaluator.addRule({ id: `d${i}`, type: 'digital', tag: `P-${i}.fault`, alarmWhen: true, priority: 'low', target: { siteId: 'plant-1' } });
    for (let i = 0; i < 10; i++) evaluator.onSamples('gw1', 'plant-1', [good(`P-${i}.fault`, t0 + i * minute, true)]);
    expect(floods).toEqual([]);
    // The 11th comes when the first has aged out of the window: still 10 in ten minutes, no flood.
    evaluator.onSamples('gw1', 'plant-1', [good('P-10.fault', t0 + 10 * minute + s, true)]);
    expect(floods).toEqual([]);
    evaluator.onSamples('gw1', 'plant-1', [good('P-11.fault', t0 + 10 * minute + 2 * s, true)]);
    expect(floods).toEqual([{ siteId: 'plant-1', startedAt: new Date(t0 + 10 * minute + 2 * s).toISOString(), endedAt: null, raised: 11 }]);
    // More raises during the flood are counted on it, not reported as new floods.
    evaluator.onSamples('gw1', 'plant-1', [good('P-0.fault', t0 + 10 * minute + 3 * s, false), good('P-0.fault', t0 + 10 * minute + 4 * s, true)]);
    expect(floods).toHaveLength(1);
    expect(evaluator.floods()[0]?.raised).toBe(12);
    evaluator.tick(t0 + 30 * minute);
    expect(evaluator.floods()).toEqual([{ ...floods[0], raised: 12, endedAt: new Date(t0 + 30 * minute).toISOString() }]);
  });

  it('removing a rule drops its alarms and lifts what it inhibited', () => {
    const { evaluator } = setup();
    evaluator.addRule({ id: 'comm', type: 'comm-loss', periodS: 1, periods: 1, tags: ['FT-101'], priority: 'high', target: { hostId: 'gw1' } });
    evaluator.addRule({ id: 'ft', type: 'limit', tag: 'FT-101', limit: 'L', setpoint: 1, priority: 'low', target: { hostId: 'gw1' } });
    evaluator.onSamples('gw1', undefined, [good('FT-101', t0, 0)]);
    evaluator.tick(t0 + 5 * s);
    expect(evaluator.alarm('ft@gw1').state).toBe('suppressed');
    evaluator.removeRule('comm');
    expect(evaluator.alarms().map((a) => `${a.id}:${a.state}`)).toEqual(['ft@gw1:unacknowledged']);
  });
});

describe('AlarmEvaluator: device status, fleet-wide rules, console conditions, restart', () => {
  it('a comm-loss rule with the gateway`s comm tag raises the moment the device stops answering, and clears when it answers', () => {
    const { evaluator, raised, log } = setup();
    evaluator.addRule({ id: 'plc-comm', type: 'comm-loss', periodS: 60, periods: 2, commTag: 'plc.comm', tags: ['FT-101'], priority: 'high', target: { siteId: 'plant-1' } });
    evaluator.addRule({ id: 'ft-low', type: 'limit', tag: 'FT-101', limit: 'L', setpoint: 1, priority: 'medium', target: { siteId: 'plant-1' } });
    evaluator.onSamples('gw1', 'plant-1', [good('plc.comm', t0, true), good('FT-101', t0, 5)]);
    evaluator.onSamples('gw1', 'plant-1', [good('plc.comm', t0 + 3 * s, false), fault('FT-101', t0 + 3 * s)]);
    expect(raised().map((e) => e.alarm.id)).toEqual(['plc-comm@gw1']);
    expect(raised()[0]?.transition.at).toBe(new Date(t0 + 3 * s).toISOString());
    // The flow's alarm is behind the lost device: inhibited, not raised.
    evaluator.onSamples('gw1', 'plant-1', [good('plc.comm', t0 + 10 * s, true), good('FT-101', t0 + 10 * s, 5)]);
    expect(evaluator.alarm('plc-comm@gw1')).toMatchObject({ state: 'returned-unacknowledged', active: false });
    expect(log.filter((e) => e.alarm.id === 'ft-low@gw1' && e.transition.to === 'unacknowledged')).toHaveLength(0);
  });

  it('a rule for all hosts applies to each host that reports, as its own alarm', () => {
    const { evaluator } = setup();
    evaluator.addRule({ id: 'disk-full', type: 'metric', metric: 'disk.used.percent', limit: 'H', setpoint: 90, priority: 'medium', target: { allHosts: true } });
    evaluator.onSamples('web1', undefined, [good('disk.used.percent', t0, 95)]);
    evaluator.onSamples('db1', undefined, [good('disk.used.percent', t0, 50)]);
    evaluator.onSamples('gw1', 'plant-1', [good('disk.used.percent', t0, 97)]);
    expect(evaluator.alarms().map((a) => a.id).sort()).toEqual(['disk-full@gw1', 'disk-full@web1']);
    expect(() => evaluator.addRule({ id: 'bad', type: 'drift', priority: 'low', target: { allHosts: true, siteId: 'x' } })).toThrow(/targets one host/);
  });

  it('a failed recording is a pulse that waits for acknowledgement; a broken audit chain stands until it verifies', () => {
    const { evaluator } = setup();
    evaluator.addRule({ id: 'rec', type: 'recording-failed', priority: 'high', target: { allHosts: true } });
    evaluator.addRule({ id: 'chain', type: 'audit-chain', priority: 'critical', target: { hostId: 'console' } });
    evaluator.onSamples('h1', undefined, [good('gatehouse:recording-failed', t0, true), good('gatehouse:recording-failed', t0 + 1, false)]);
    expect(evaluator.alarm('rec@h1')).toMatchObject({ state: 'returned-unacknowledged', kind: 'recording-failed' });
    evaluator.onSamples('console', undefined, [good('gatehouse:audit-chain', t0, true)]);
    expect(evaluator.alarm('chain@console')).toMatchObject({ state: 'unacknowledged', kind: 'audit-chain', active: true });
  });

  it('restores stored alarms after a restart: an active one clears on the next normal sample, and emits nothing meanwhile', () => {
    const first = setup();
    const rule = { id: 'lt-h', type: 'limit', tag: 'LT', limit: 'H', setpoint: 4, priority: 'high', target: { siteId: 'p' } } as const;
    const comm = { id: 'comm', type: 'comm-loss', periodS: 1, periods: 3, priority: 'high', target: { hostId: 'gw2', siteId: 'p' } } as const;
    first.evaluator.addRule(rule);
    first.evaluator.addRule(comm);
    first.evaluator.onSamples('gw1', 'p', [good('LT', t0, 4.5)]);
    first.evaluator.acknowledge('lt-h@gw1', 'ana');
    first.evaluator.tick(t0 + s); // the watch starts
    first.evaluator.tick(t0 + 10 * s); // gw2 never spoke: comm loss
    expect(first.evaluator.alarm('comm@gw2').state).toBe('unacknowledged');
    const stored = ['lt-h@gw1', 'comm@gw2'].map((id) => ({ alarm: first.evaluator.alarm(id), core: first.evaluator.core(id) }));

    const second = setup();
    second.evaluator.addRule(rule);
    second.evaluator.addRule(comm);
    expect(second.evaluator.restore(stored, t0 + 20 * s)).toBe(2);
    expect(second.log).toHaveLength(0);
    expect(second.evaluator.alarm('lt-h@gw1')).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'ana' });
    second.evaluator.onSamples('gw1', 'p', [good('LT', t0 + 21 * s, 3)]);
    expect(() => second.evaluator.alarm('lt-h@gw1')).not.toThrow();
    expect(second.evaluator.alarm('lt-h@gw1').state).toBe('normal');
    expect(second.evaluator.alarm('comm@gw2')).toMatchObject({ state: 'unacknowledged', active: true });
  });
});

describe('AlarmEvaluator: comm loss in layers', () => {
  it('a gateway silent as a whole speaks for the per-tag watches behind it: one alarm, fifty held', () => {
    const { evaluator, raised, clock } = setup();
    const tags = Array.from({ length: 50 }, (_, i) => `TT-${100 + i}`);
    evaluator.addRule({ id: 'gw', type: 'comm-loss', periodS: 1, periods: 3, priority: 'high', target: { hostId: 'gw1' } });
    for (const tag of tags) evaluator.addRule({ id: `${tag}-silent`, type: 'comm-loss', periodS: 2, periods: 3, tags: [tag], priority: 'low', target: { siteId: 'plant-1' } });
    for (let i = 0; i <= 5; i++) evaluator.onSamples('gw1', 'plant-1', tags.map((tag) => good(tag, t0 + i * s, i)));
    for (let i = 6; i <= 30; i++) {
      clock.now = t0 + i * s;
      evaluator.tick(clock.now);
    }
    expect(raised().map((e) => e.alarm.id)).toEqual(['gw@gw1']);
    expect(evaluator.alarms().map((a) => a.id)).toEqual(['gw@gw1']);
    // Back: the gateway's alarm clears and the tag watches are evaluated afresh (all good now).
    evaluator.onSamples('gw1', 'plant-1', tags.map((tag) => good(tag, t0 + 31 * s, 1)));
    expect(raised().map((e) => e.alarm.id)).toEqual(['gw@gw1']);
  });
});
