import { describe, expect, it } from 'vitest';
import type { Alarm } from '../../../../modules/kernel/alarm-model.js';
import {
  alarmMatches,
  compareAlarms,
  countByState,
  describeSource,
  describeAlarmRule,
  formatAlarmTime,
  formatAlarmValue,
  formatLimit,
  highestUnacknowledged,
  holdReason,
  inScope,
  needsAcknowledge,
  priorityText,
  shelveChoices,
  shelveLimitText,
  standingText,
  stateLook,
  upsertAlarm,
  valueAgainstLimit,
} from './alarmFormat.js';

function alarm(overrides: Partial<Alarm> = {}): Alarm {
  return {
    id: 'lt201-hh@gw1',
    ruleId: 'lt201-hh',
    state: 'unacknowledged',
    active: true,
    priority: 'high',
    kind: 'HH',
    source: { hostId: 'gw1', siteId: 'north', tag: 'LT-201' },
    message: 'Clear water tank high high',
    value: 4.923,
    limit: 4.8,
    raisedAt: '2026-11-24T03:00:00.000Z',
    clearedAt: null,
    acknowledgedAt: null,
    acknowledgedBy: null,
    shelvedUntil: null,
    ...overrides,
  };
}

describe('words and colours', () => {
  it('names every state, with colour only where attention is needed', () => {
    expect(stateLook.unacknowledged.label).toBe('Unacknowledged');
    expect(stateLook['returned-unacknowledged'].label).toBe('Cleared, unacknowledged');
    expect(stateLook.acknowledged.color).toBe('gray');
    expect(stateLook.shelved.color).toBe('gray');
    expect(stateLook['out-of-service'].color).toBe('gray');
    expect(stateLook.unacknowledged.color).not.toBe('gray');
  });

  it('puts the fault grade before the priority', () => {
    expect(priorityText('critical')).toBe('A · Critical');
    expect(priorityText('medium')).toBe('B · Medium');
    expect(priorityText('low')).toBe('C · Low');
  });

  it('knows which alarms still need an acknowledgement', () => {
    expect(needsAcknowledge(alarm())).toBe(true);
    expect(needsAcknowledge(alarm({ state: 'returned-unacknowledged' }))).toBe(true);
    expect(needsAcknowledge(alarm({ state: 'acknowledged' }))).toBe(false);
    expect(needsAcknowledge(alarm({ state: 'latched' }))).toBe(false);
  });
});

describe('values and limits', () => {
  it('reads values as operators say them', () => {
    expect(formatAlarmValue(null)).toBe('—');
    expect(formatAlarmValue(true)).toBe('on');
    expect(formatAlarmValue(false)).toBe('off');
    expect(formatAlarmValue(12)).toBe('12');
    expect(formatAlarmValue(12.3456789)).toBe('12.346');
    expect(formatAlarmValue(4.8)).toBe('4.8');
    expect(formatAlarmValue(0.000123456)).toBe('0.000123');
  });

  it('says the limit by its kind', () => {
    expect(formatLimit(alarm())).toBe('HH 4.8');
    expect(formatLimit(alarm({ kind: 'LL', limit: 0.5 }))).toBe('LL 0.5');
    expect(formatLimit(alarm({ kind: 'digital', limit: true }))).toBe('alarm when on');
    expect(formatLimit(alarm({ kind: 'rate-of-change', limit: 2 }))).toBe('> 2/min');
    expect(formatLimit(alarm({ kind: 'metric', limit: 90 }))).toBe('limit 90');
    expect(formatLimit(alarm({ kind: 'host-offline', limit: null }))).toBe('');
  });

  it('puts the value against the limit on one line', () => {
    expect(valueAgainstLimit(alarm())).toBe('4.923 (HH 4.8)');
    expect(valueAgainstLimit(alarm({ kind: 'host-offline', value: null, limit: null }))).toBe('—');
  });
});

describe('durations', () => {
  const now = Date.parse('2026-11-24T06:04:30.000Z');

  it('counts an active alarm up to now', () => {
    expect(standingText(alarm(), now)).toBe('for 3 h 4 min');
  });

  it('gives a cleared alarm the time it lasted', () => {
    expect(standingText(alarm({ clearedAt: '2026-11-24T03:12:00.000Z' }), now)).toBe('lasted 12 min');
  });

  it('never goes negative on a skewed clock', () => {
    expect(standingText(alarm({ raisedAt: '2026-11-24T07:00:00.000Z' }), now)).toBe('for 0 s');
  });
});

describe('the list', () => {
  it('orders unacknowledged first, then priority, then newest', () => {
    const ackCritical = alarm({ id: 'a', state: 'acknowledged', priority: 'critical' });
    const unackLow = alarm({ id: 'b', priority: 'low' });
    const unackHighOld = alarm({ id: 'c', priority: 'high', raisedAt: '2026-11-24T01:00:00.000Z' });
    const unackHighNew = alarm({ id: 'd', priority: 'high', raisedAt: '2026-11-24T02:00:00.000Z' });
    const returned = alarm({ id: 'e', state: 'returned-unacknowledged', priority: 'medium' });
    const sorted = [ackCritical, unackLow, unackHighOld, unackHighNew, returned].sort(compareAlarms).map((a) => a.id);
    expect(sorted).toEqual(['d', 'c', 'e', 'b', 'a']);
  });

  it('replaces, adds and drops alarms by their news', () => {
    const first = alarm({ id: 'a', priority: 'low' });
    const second = alarm({ id: 'b', priority: 'high' });
    let list = upsertAlarm([first], second);
    expect(list.map((a) => a.id)).toEqual(['b', 'a']);
    list = upsertAlarm(list, { ...second, state: 'acknowledged', acknowledgedBy: 'ana' });
    expect(list.map((a) => a.id)).toEqual(['a', 'b']);
    expect(list[1]?.acknowledgedBy).toBe('ana');
    list = upsertAlarm(list, { ...first, state: 'normal' });
    expect(list.map((a) => a.id)).toEqual(['b']);
    expect(upsertAlarm([], alarm({ state: 'normal' }))).toEqual([]);
  });

  it('scopes alarms to a site or a host', () => {
    expect(inScope(alarm(), {})).toBe(true);
    expect(inScope(alarm(), { siteId: 'north' })).toBe(true);
    expect(inScope(alarm(), { siteId: 'south' })).toBe(false);
    expect(inScope(alarm(), { hostId: 'gw2' })).toBe(false);
  });

  it('counts states and finds the highest priority to acknowledge', () => {
    const list = [alarm({ priority: 'low' }), alarm({ state: 'acknowledged', priority: 'critical' }), alarm({ state: 'returned-unacknowledged', priority: 'medium' })];
    const counts = countByState(list);
    expect(counts.unacknowledged).toBe(1);
    expect(counts['returned-unacknowledged']).toBe(1);
    expect(counts.acknowledged).toBe(1);
    expect(counts.shelved).toBe(0);
    expect(highestUnacknowledged(list)).toBe('medium');
    expect(highestUnacknowledged([alarm({ state: 'acknowledged' })])).toBeNull();
  });

  it('matches every word of a filter against what the row shows', () => {
    expect(alarmMatches(alarm(), '')).toBe(true);
    expect(alarmMatches(alarm(), 'tank lt-201')).toBe(true);
    expect(alarmMatches(alarm(), 'north works', { site: 'North works' })).toBe(true);
    expect(alarmMatches(alarm(), 'gateway-1', { host: 'Gateway-1' })).toBe(true);
    expect(alarmMatches(alarm(), 'tank pump')).toBe(false);
  });
});

describe('shelving', () => {
  it('offers the usual durations up to the rule’s maximum, and until it clears', () => {
    expect(shelveChoices(480).map((c) => c.label)).toEqual(['15 min', '1 h', '4 h', '8 h', 'Until it clears']);
    expect(shelveChoices(120).map((c) => c.value)).toEqual([15, 60, 120, 'one-shot']);
    expect(shelveChoices(10).map((c) => c.value)).toEqual([10, 'one-shot']);
    expect(shelveChoices(1440).map((c) => c.value)).toEqual([15, 60, 240, 480, 'one-shot']);
  });

  it('offers nothing when the rule forbids shelving', () => {
    expect(shelveChoices(0)).toEqual([]);
    expect(shelveLimitText(0)).toBe('Shelving not allowed');
    expect(shelveLimitText(90)).toBe('Shelving up to 1 h 30 min');
  });

  it('finds the reason of the hold the alarm is in', () => {
    const history = [
      { at: '1', from: 'normal', to: 'unacknowledged', cause: 'condition-active' },
      { at: '2', from: 'unacknowledged', to: 'shelved', cause: 'shelve', user: 'ana', comment: 'sensor cleaning' },
      { at: '3', from: 'shelved', to: 'unacknowledged', cause: 'unshelve', user: 'ana' },
      { at: '4', from: 'unacknowledged', to: 'shelved', cause: 'shelve', user: 'ben', comment: 'calibration' },
    ] as const;
    expect(holdReason([...history], 'shelved')).toBe('calibration');
    expect(holdReason([...history], 'acknowledged')).toBeNull();
    expect(holdReason([...history], 'out-of-service')).toBeNull();
  });
});

describe('rules in words', () => {
  it('describes a limit rule with its delay and deadband', () => {
    expect(
      describeAlarmRule({
        id: 'lt201-hh',
        type: 'limit',
        tag: 'LT-201',
        limit: 'HH',
        setpoint: 4.8,
        deadband: 0.1,
        onDelayS: 5,
        offDelayS: 0,
        priority: 'high',
        latching: false,
        maxShelveMinutes: 480,
        target: { siteId: 'north' },
      }),
    ).toBe('HH: LT-201 at or above 4.8 for 5 s, clears 0.1 past it.');
  });

  it('describes a host-offline rule', () => {
    expect(
      describeAlarmRule({ id: 'gw-offline', type: 'host-offline', heartbeatS: 30, missed: 3, priority: 'critical', latching: false, maxShelveMinutes: 0, target: { hostId: 'gw1' } }),
    ).toBe('The host missed 3 heartbeats of 30 s.');
  });
});

describe('times in the list', () => {
  it('shows the clock today and the date on other days', () => {
    const now = new Date(2026, 10, 24, 6, 0, 0).getTime();
    expect(formatAlarmTime(new Date(2026, 10, 24, 3, 12, 5).toISOString(), now)).toBe('03:12:05');
    expect(formatAlarmTime(new Date(2026, 10, 23, 22, 40, 0).toISOString(), now)).toBe('11-23 22:40');
    expect(formatAlarmTime(null, now)).toBe('—');
  });
});

describe('sources', () => {
  it('names site, host and tag, by name where known', () => {
    const names = { hostNames: new Map([['gw1', 'gateway-north']]), siteNames: new Map([['north', 'North works']]), showSite: true };
    expect(describeSource(alarm(), names)).toBe('North works · gateway-north · LT-201');
    expect(describeSource(alarm(), { ...names, showSite: false })).toBe('gateway-north · LT-201');
    expect(describeSource(alarm({ source: { hostId: 'gw9' } }), names)).toBe('gw9');
    expect(describeSource(alarm({ source: {} }), names)).toBe('—');
  });
});
