import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GatehouseError } from '../../../modules/kernel/errors.js';
import { AlarmGrouping, OVERFLOW_GROUP_KEY, parseGroupTiming, type GroupMessage } from './grouping.js';

const T0 = Date.parse('2026-11-24T08:00:00Z');
const s = (seconds: number): Date => new Date(T0 + seconds * 1000);
/** The README's timing: wait 30 s, interval 5 min, repeat 4 h. */
const timing = parseGroupTiming({ groupWaitSeconds: 30, groupIntervalSeconds: 300, repeatIntervalSeconds: 4 * 3600 });
const pumpRoom = { route: 'water-ops', groupKey: 'site=north' };
const brief = (messages: GroupMessage[]): Array<Pick<GroupMessage, 'kind' | 'firing' | 'added' | 'cleared'> & { t: number }> =>
  messages.map((m) => ({ t: (m.at.getTime() - T0) / 1000, kind: m.kind, firing: m.firing, added: m.added, cleared: m.cleared }));

describe('groupWait', () => {
  it('waits for siblings, then sends one message about all of them', () => {
    const grouping = new AlarmGrouping(() => timing);
    expect(grouping.alarmRaised({ ...pumpRoom, alarmId: 'A' }, s(0))).toEqual([]);
    expect(grouping.nextWakeAt()).toEqual(s(30));
    expect(grouping.alarmRaised({ ...pumpRoom, alarmId: 'B' }, s(10))).toEqual([]);
    expect(grouping.alarmRaised({ ...pumpRoom, alarmId: 'C' }, s(25))).toEqual([]);
    expect(grouping.tick(s(29))).toEqual([]);
    expect(brief(grouping.tick(s(30)))).toEqual([{ t: 30, kind: 'first', firing: ['A', 'B', 'C'], added: ['A', 'B', 'C'], cleared: [] }]);
    expect(grouping.tick(s(31))).toEqual([]);
  });

  it('a groupWait of 0 sends with the raise itself', () => {
    const grouping = new AlarmGrouping(() => parseGroupTiming({ groupWaitSeconds: 0 }));
    expect(brief(grouping.alarmRaised({ ...pumpRoom, alarmId: 'A' }, s(0)))).toMatchObject([{ t: 0, kind: 'first' }]);
  });

  it('sends nothing about an alarm that came and went inside the wait', () => {
    const grouping = new AlarmGrouping(() => timing);
    grouping.alarmRaised({ ...pumpRoom, alarmId: 'A' }, s(0));
    grouping.alarmCleared('A', s(12));
    expect(grouping.tick(s(30))).toEqual([]);
    expect(grouping.nextWakeAt()).toBeNull();
    expect(grouping.size).toBe(0);
  });
});

describe('groupInterval', () => {
  it('holds alarms added after the first message until groupInterval after it, then sends them together', () => {
    const grouping = new AlarmGrouping(() => timing);
    grouping.alarmRaised({ ...pumpRoom, alarmId: 'A' }, s(0));
    grouping.tick(s(30));
    grouping.alarmRaised({ ...pumpRoom, alarmId: 'D' }, s(60));
    grouping.alarmRaised({ ...pumpRoom, alarmId: 'E' }, s(200));
    expect(grouping.nextWakeAt()).toEqual(s(330));
    expect(grouping.tick(s(329))).toEqual([]);
    expect(brief(grouping.tick(s(330)))).toEqual([{ t: 330, kind: 'update', firing: ['A', 'D', 'E'], added: ['D', 'E'], cleared: [] }]);
  });

  it('sends a change at once when the last message is older than groupInterval', () => {
    const grouping = new AlarmGrouping(() => timing);
    grouping.alarmRaised({ ...pumpRoom, alarmId: 'A' }, s(0));
    grouping.tick(s(30));
    expect(brief(grouping.alarmRaised({ ...pumpRoom, alarmId: 'F' }, s(1000)))).toEqual([
      { t: 1000, kind: 'update', firing: ['A', 'F'], added: ['F'], cleared: [] },
    ]);
  });

  it('reports clearing as a change, and a last message when everything has cleared', () => {
    const grouping = new AlarmGrouping(() => timing);
    grouping.alarmRaised({ ...pumpRoom, alarmId: 'A' }, s(0));
    grouping.alarmRaised({ ...pumpRoom, alarmId: 'B' }, s(1));
    grouping.tick(s(30));
    grouping.alarmCleared('A', s(100));
    expect(brief(grouping.tick(s(330)))).toEqual([{ t: 330, kind: 'update', firing: ['B'], added: [], cleared: ['A'] }]);
    grouping.alarmCleared('B', s(400));
    expect(brief(grouping.tick(s(630)))).toEqual([{ t: 630, kind: 'resolved', firing: [], added: [], cleared: ['B'] }]);
    expect(grouping.size).toBe(0);
    expect(grouping.nextWakeAt()).toBeNull();
  });

  it('an alarm that came and went between messages changes nothing worth sending, and the repeat clock keeps running', () => {
    const grouping = new AlarmGrouping(() => timing);
    grouping.alarmRaised({ ...pumpRoom, alarmId: 'A' }, s(0));
    grouping.tick(s(30));
    grouping.alarmRaised({ ...pumpRoom, alarmId: 'G' }, s(40));
    grouping.alarmCleared('G', s(50));
    expect(grouping.tick(s(330))).toEqual([]);
    expect(grouping.nextWakeAt()).toEqual(s(30 + 4 * 3600));
  });
});

describe('repeatInterval', () => {
  it('re-sends a group still firing with nothing new, every repeatInterval', () => {
    const grouping = new AlarmGrouping(() => timing);
    grouping.alarmRaised({ ...pumpRoom, alarmId: 'A' }, s(0));
    grouping.tick(s(30));
    expect(grouping.nextWakeAt()).toEqual(s(30 + 14_400));
    expect(grouping.tick(s(14_429))).toEqual([]);
    expect(brief(grouping.tick(s(14_430)))).toEqual([{ t: 14_430, kind: 'repeat', firing: ['A'], added: [], cleared: [] }]);
    expect(grouping.nextWakeAt()).toEqual(s(14_430 + 14_400));
  });
});

describe('groups', () => {
  it('keeps one group per (route, group key), and clearing an alarm routed twice clears it from both', () => {
    const grouping = new AlarmGrouping(() => timing);
    grouping.alarmRaised({ route: 'water-ops', groupKey: 'site=north', alarmId: 'A' }, s(0));
    grouping.alarmRaised({ route: 'water-ops', groupKey: 'site=south', alarmId: 'B' }, s(0));
    grouping.alarmRaised({ route: 'managers', groupKey: 'site=north', alarmId: 'A' }, s(0));
    const first = grouping.tick(s(30));
    expect(first.map((m) => `${m.route} ${m.groupKey} ${m.firing.join()}`).sort()).toEqual([
      'managers site=north A',
      'water-ops site=north A',
      'water-ops site=south B',
    ]);
    grouping.alarmCleared('A', s(40));
    expect(grouping.tick(s(330)).map((m) => `${m.route} ${m.kind}`).sort()).toEqual(['managers resolved', 'water-ops resolved']);
    expect(grouping.size).toBe(1);
  });

  it('uses each route\'s own timing', () => {
    const grouping = new AlarmGrouping((route) => (route === 'fast' ? parseGroupTiming({ groupWaitSeconds: 0 }) : timing));
    expect(grouping.alarmRaised({ route: 'fast', groupKey: '', alarmId: 'A' }, s(0))).toHaveLength(1);
    expect(grouping.alarmRaised({ route: 'slow', groupKey: '', alarmId: 'A' }, s(0))).toHaveLength(0);
  });

  it('a late event does not move its clock backwards', () => {
    const grouping = new AlarmGrouping(() => timing);
    grouping.alarmRaised({ ...pumpRoom, alarmId: 'A' }, s(100));
    grouping.alarmRaised({ ...pumpRoom, alarmId: 'B' }, s(0)); // replayed; counts as 100
    expect(grouping.nextWakeAt()).toEqual(s(130));
  });

  it('folds new groups into one overflow group per route during a flood, losing no alarm', () => {
    const grouping = new AlarmGrouping(() => timing, 2);
    for (let i = 0; i < 50; i++) grouping.alarmRaised({ route: 'water-ops', groupKey: `tag=${i}`, alarmId: `A${i}` }, s(0));
    const messages = grouping.tick(s(30));
    expect(messages).toHaveLength(3);
    const overflow = messages.find((m) => m.groupKey === OVERFLOW_GROUP_KEY);
    expect(overflow?.firing).toHaveLength(48);
  });

  it('refuses an invalid date', () => {
    expect(() => new AlarmGrouping().tick(new Date('x'))).toThrow(GatehouseError);
  });
});

describe('property: random raises, clears and ticks', () => {
  it('messages follow the model: right firing set, never closer than groupInterval, first not before groupWait', () => {
    const event = fc.oneof(
      fc.record({ type: fc.constant('raise' as const), alarm: fc.integer({ min: 0, max: 5 }), key: fc.integer({ min: 0, max: 1 }), dt: fc.integer({ min: 0, max: 400 }) }),
      fc.record({ type: fc.constant('clear' as const), alarm: fc.integer({ min: 0, max: 5 }), dt: fc.integer({ min: 0, max: 400 }) }),
      fc.record({ type: fc.constant('tick' as const), dt: fc.integer({ min: 0, max: 20_000 }) }),
    );
    fc.assert(
      fc.property(fc.array(event, { maxLength: 60 }), (events) => {
        const grouping = new AlarmGrouping(() => timing);
        const model = new Map<string, Set<string>>(); // group key → firing alarms
        const keyOf = new Map<string, string>(); // alarm → its group (an alarm keeps one group here)
        const lastSent = new Map<string, number>();
        const createdAt = new Map<string, number>();
        let t = 0;
        const check = (messages: GroupMessage[]): boolean =>
          messages.every((m) => {
            const at = (m.at.getTime() - T0) / 1000;
            const firing = [...(model.get(m.groupKey) ?? [])].sort();
            const previous = lastSent.get(m.groupKey);
            const spacingOk = previous === undefined ? at >= (createdAt.get(m.groupKey) ?? 0) + 30 : at - previous >= 300;
            lastSent.set(m.groupKey, at);
            if (m.kind === 'resolved') {
              lastSent.delete(m.groupKey);
              createdAt.delete(m.groupKey);
            }
            return spacingOk && JSON.stringify([...m.firing].sort()) === JSON.stringify(firing);
          });
        for (const e of events) {
          t += e.dt;
          if (e.type === 'raise') {
            const alarm = `A${e.alarm}`;
            const key = keyOf.get(alarm) ?? `k${e.key}`;
            keyOf.set(alarm, key);
            if (!model.has(key)) model.set(key, new Set());
            if (!createdAt.has(key) && (model.get(key)?.size ?? 0) === 0) createdAt.set(key, t);
            model.get(key)?.add(alarm);
            if (!check(grouping.alarmRaised({ route: 'r', groupKey: key, alarmId: alarm }, s(t)))) return false;
          } else if (e.type === 'clear') {
            const alarm = `A${e.alarm}`;
            const key = keyOf.get(alarm);
            if (key) model.get(key)?.delete(alarm);
            if (key && !lastSent.has(key) && (model.get(key)?.size ?? 0) === 0) createdAt.delete(key);
            if (!check(grouping.alarmCleared(alarm, s(t)))) return false;
          } else if (!check(grouping.tick(s(t)))) return false;
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });
});

describe('hostile timing', () => {
  const expectInvalid = (input: unknown, key: string): void => {
    let caught: unknown;
    try {
      parseGroupTiming(input);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(GatehouseError);
    expect((caught as GatehouseError).code).toBe('invalid-params');
    expect((caught as GatehouseError).context.key).toBe(key);
  };
  it('refuses a negative wait', () => expectInvalid({ groupWaitSeconds: -1 }, 'groupWaitSeconds'));
  it('refuses a zero interval', () => expectInvalid({ groupIntervalSeconds: 0 }, 'groupIntervalSeconds'));
  it('refuses a repeat shorter than the interval', () => expectInvalid({ groupIntervalSeconds: 600, repeatIntervalSeconds: 300 }, 'repeatIntervalSeconds'));
  it('refuses a string and an unknown key', () => {
    expectInvalid({ groupWaitSeconds: '30' }, 'groupWaitSeconds');
    expectInvalid({ group_wait: 30 }, 'group_wait');
  });
});
