import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GatehouseError } from '../../../modules/kernel/errors.js';
import { wallClockAt } from './local-time.js';
import { parseSchedule, whoIsOnCall, type ScheduleInput } from './schedule.js';

const at = (iso: string): Date => new Date(iso);

function berlinWeekly(extra: Partial<ScheduleInput> = {}): ScheduleInput {
  return {
    id: 'works-north',
    timeZone: 'Europe/Berlin',
    primary: { people: ['ann', 'bob', 'cem'], handover: { every: 'week', weekday: 'monday', at: '08:00' }, start: '2026-03-23' },
    ...extra,
  };
}

function expectInvalid(input: unknown, key: string): void {
  try {
    parseSchedule(input);
  } catch (err) {
    expect(err).toBeInstanceOf(GatehouseError);
    expect((err as GatehouseError).code).toBe('invalid-params');
    expect((err as GatehouseError).context.key).toBe(key);
    expect((err as GatehouseError).message).toContain(`"${key}"`);
    expect((err as GatehouseError).message.length).toBeLessThan(300);
    return;
  }
  throw new Error(`expected ${key} to be refused`);
}

describe('weekly handover Monday 08:00 Europe/Berlin', () => {
  const schedule = parseSchedule(berlinWeekly());

  it('starts with the first person at 08:00 CET on the start date', () => {
    const answer = whoIsOnCall(schedule, at('2026-03-23T07:00:00Z'));
    expect(answer.primary?.person).toBe('ann');
    expect(answer.primary?.from.toISOString()).toBe('2026-03-23T07:00:00.000Z');
    // The next handover falls after the spring change (29 March): 08:00 CEST is 06:00 UTC, not 07:00.
    expect(answer.primary?.until?.toISOString()).toBe('2026-03-30T06:00:00.000Z');
  });

  it('hands over at 08:00 local the Monday after the spring change', () => {
    expect(whoIsOnCall(schedule, at('2026-03-30T05:59:59Z')).primary?.person).toBe('ann');
    expect(whoIsOnCall(schedule, at('2026-03-30T06:00:00Z')).primary?.person).toBe('bob');
  });

  it('hands over at 08:00 local the Monday after the autumn change', () => {
    // 31 weeks after the start: turn 31 → people[31 % 3] = bob; the turn before is ann's. 08:00 CET is 07:00 UTC.
    expect(whoIsOnCall(schedule, at('2026-10-26T06:59:59Z')).primary?.person).toBe('ann');
    expect(whoIsOnCall(schedule, at('2026-10-26T07:00:00Z')).primary?.person).toBe('bob');
    // During the repeated hour of 25 October nothing changes hands.
    expect(whoIsOnCall(schedule, at('2026-10-25T00:30:00Z')).primary?.person).toBe('ann');
    expect(whoIsOnCall(schedule, at('2026-10-25T01:30:00Z')).primary?.person).toBe('ann');
  });

  it('every handover instant reads Monday 08:00 on a Berlin clock, and each shift contains the asked time', () => {
    const from = Date.parse('2026-03-23T07:00:00Z');
    const to = Date.parse('2028-01-01T00:00:00Z');
    fc.assert(
      fc.property(fc.integer({ min: from, max: to }), (ms) => {
        const shift = whoIsOnCall(schedule, new Date(ms)).primary;
        if (!shift || !shift.until) return false;
        const start = wallClockAt('Europe/Berlin', shift.from.getTime());
        const weekday = new Date(shift.from.getTime() + 2 * 3_600_000).getUTCDay(); // Berlin is UTC+1 or +2: same day at 08:00
        return shift.from.getTime() <= ms && ms < shift.until.getTime() && start.hour === 8 && start.minute === 0 && weekday === 1;
      }),
      { numRuns: 300 },
    );
  });
});

describe('daily handover 08:00 America/New_York', () => {
  const schedule = parseSchedule({
    id: 'plant-east',
    timeZone: 'America/New_York',
    primary: { people: ['ann', 'bob'], handover: { every: 'day', at: '08:00' }, start: '2026-03-01' },
  });

  it('hands over at 08:00 EDT (12:00 UTC) on the day clocks spring forward (8 March)', () => {
    // Turn 6 (7 March, ann) began at 08:00 EST = 13:00 UTC; turn 7 (bob) begins at 08:00 EDT = 12:00 UTC.
    const before = whoIsOnCall(schedule, at('2026-03-08T11:59:59Z')).primary;
    expect(before?.person).toBe('ann');
    expect(before?.from.toISOString()).toBe('2026-03-07T13:00:00.000Z');
    expect(before?.until?.toISOString()).toBe('2026-03-08T12:00:00.000Z');
    expect(whoIsOnCall(schedule, at('2026-03-08T12:00:00Z')).primary?.person).toBe('bob');
  });

  it('hands over at 08:00 EST (13:00 UTC) on the day clocks fall back (1 November)', () => {
    // Turn 245 (1 November) is bob's; turn 244 (31 October, ann) began at 08:00 EDT = 12:00 UTC.
    const before = whoIsOnCall(schedule, at('2026-11-01T12:59:59Z')).primary;
    expect(before?.person).toBe('ann');
    expect(before?.from.toISOString()).toBe('2026-10-31T12:00:00.000Z');
    expect(before?.until?.toISOString()).toBe('2026-11-01T13:00:00.000Z');
    expect(whoIsOnCall(schedule, at('2026-11-01T13:00:00Z')).primary?.person).toBe('bob');
  });
});

describe('handover at a time the clock skips or repeats', () => {
  const schedule = parseSchedule({
    id: 'night',
    timeZone: 'Europe/Berlin',
    primary: { people: ['ann', 'bob'], handover: { every: 'day', at: '02:30' }, start: '2026-03-01' },
  });

  it('02:30 on 29 March does not exist in Berlin: the handover happens at 03:30 CEST', () => {
    const shift = whoIsOnCall(schedule, at('2026-03-29T01:00:00Z')).primary;
    expect(shift?.until?.toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });

  it('02:30 on 25 October happens twice: the handover happens at the first', () => {
    const shift = whoIsOnCall(schedule, at('2026-10-25T00:10:00Z')).primary;
    expect(shift?.until?.toISOString()).toBe('2026-10-25T00:30:00.000Z');
    const next = whoIsOnCall(schedule, at('2026-10-25T01:45:00Z')).primary; // the second 02:45 on a Berlin clock
    expect(next?.from.toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(next?.person).not.toBe(shift?.person);
  });
});

describe('overrides, backup and edge cases', () => {
  it('an override spanning a handover replaces both sides of it, and the rotation resumes where it would be', () => {
    const schedule = parseSchedule(
      berlinWeekly({
        overrides: [{ person: 'dana', from: '2026-03-29T20:00:00+02:00', to: '2026-03-31T08:00:00+02:00', reason: 'swap' }],
      }),
    );
    expect(whoIsOnCall(schedule, at('2026-03-29T17:59:59Z')).primary?.person).toBe('ann');
    const during = whoIsOnCall(schedule, at('2026-03-30T06:00:00Z')).primary; // Monday 08:00, the handover
    expect(during).toMatchObject({ person: 'dana', source: 'override' });
    expect(during?.until?.toISOString()).toBe('2026-03-31T06:00:00.000Z');
    expect(whoIsOnCall(schedule, at('2026-03-31T06:00:00Z')).primary?.person).toBe('bob');
  });

  it('the later of two overlapping overrides wins, and a backup override leaves the primary alone', () => {
    const schedule = parseSchedule(
      berlinWeekly({
        backup: { people: ['eve'], handover: { every: 'week', at: '08:00' }, start: '2026-03-23' },
        overrides: [
          { person: 'dana', from: '2026-04-01T00:00:00Z', to: '2026-04-10T00:00:00Z' },
          { person: 'finn', from: '2026-04-02T00:00:00Z', to: '2026-04-03T00:00:00Z' },
          { person: 'gus', layer: 'backup', from: '2026-04-02T00:00:00Z', to: '2026-04-03T00:00:00Z' },
        ],
      }),
    );
    const answer = whoIsOnCall(schedule, at('2026-04-02T12:00:00Z'));
    expect(answer.primary?.person).toBe('finn');
    expect(answer.backup?.person).toBe('gus');
    expect(whoIsOnCall(schedule, at('2026-04-04T12:00:00Z')).primary?.person).toBe('dana');
    expect(whoIsOnCall(schedule, at('2026-04-04T12:00:00Z')).backup?.person).toBe('eve');
  });

  it('a rotation of one person always answers that person, with no end to the shift', () => {
    const schedule = parseSchedule({
      id: 'solo',
      timeZone: 'Europe/Berlin',
      primary: { people: ['ann'], handover: { every: 'day', at: '08:00' }, start: '2026-01-01' },
    });
    for (const when of ['2026-01-01T07:00:00Z', '2026-03-29T01:30:00Z', '2026-10-25T01:30:00Z', '2031-06-01T00:00:00Z']) {
      const shift = whoIsOnCall(schedule, at(when)).primary;
      expect(shift).toMatchObject({ person: 'ann', until: null });
    }
  });

  it('a schedule starting in the future has nobody on call, and says when it starts', () => {
    const schedule = parseSchedule(berlinWeekly({ primary: { people: ['ann'], handover: { every: 'week', at: '08:00' }, start: '2026-11-30' } }));
    const answer = whoIsOnCall(schedule, at('2026-11-24T09:00:00Z'));
    expect(answer.primary).toBeNull();
    expect(answer.backup).toBeNull();
    expect(answer.nobody).toEqual(['the primary rotation has not started: it starts 2026-11-30 08:00 (Europe/Berlin)']);
    expect(whoIsOnCall(schedule, at('2026-11-30T07:00:00Z')).primary?.person).toBe('ann');
  });

  it('an override covers a gap before the rotation starts', () => {
    const schedule = parseSchedule(
      berlinWeekly({
        primary: { people: ['ann'], handover: { every: 'week', at: '08:00' }, start: '2026-11-30' },
        overrides: [{ person: 'bob', from: '2026-11-20T00:00:00Z', to: '2026-11-30T07:00:00Z' }],
      }),
    );
    expect(whoIsOnCall(schedule, at('2026-11-24T09:00:00Z'))).toMatchObject({ primary: { person: 'bob' }, nobody: [] });
  });
});

describe('hostile schedules', () => {
  it('refuses an unknown time zone', () => expectInvalid(berlinWeekly({ timeZone: 'Europe/Atlantis' }), 'timeZone'));
  it('refuses a 10 kB time zone', () => expectInvalid(berlinWeekly({ timeZone: 'x'.repeat(10_000) }), 'timeZone'));
  it('refuses a handover at 25:00 and at 24:00', () => {
    for (const time of ['25:00', '24:00', '8:00', '08:60', '']) {
      expectInvalid(berlinWeekly({ primary: { people: ['ann'], handover: { every: 'day', at: time }, start: '2026-03-01' } }), 'primary.handover.at');
    }
  });
  it('refuses a 10 kB name', () =>
    expectInvalid(berlinWeekly({ primary: { people: ['ann', 'x'.repeat(10_000)], handover: { every: 'day', at: '08:00' }, start: '2026-03-01' } }), 'primary.people.1'));
  it('refuses a control character in a name (header injection starts there)', () =>
    expectInvalid(berlinWeekly({ manager: 'boss\r\nBcc: all@example.com' }), 'manager'));
  it('refuses an empty rotation', () =>
    expectInvalid(berlinWeekly({ primary: { people: [], handover: { every: 'day', at: '08:00' }, start: '2026-03-01' } }), 'primary.people'));
  it('refuses a start date that does not exist', () =>
    expectInvalid(berlinWeekly({ primary: { people: ['a'], handover: { every: 'day', at: '08:00' }, start: '2026-02-30' } }), 'primary.start'));
  it('refuses a weekly start that is not on the handover weekday', () =>
    expectInvalid(berlinWeekly({ primary: { people: ['a'], handover: { every: 'week', weekday: 'monday', at: '08:00' }, start: '2026-03-24' } }), 'primary.start'));
  it('refuses an override that ends before it starts, or has no offset', () => {
    expectInvalid(berlinWeekly({ overrides: [{ person: 'a', from: '2026-04-02T00:00:00Z', to: '2026-04-01T00:00:00Z' }] }), 'overrides.0.to');
    expectInvalid(berlinWeekly({ overrides: [{ person: 'a', from: '2026-04-02T00:00:00', to: '2026-04-03T00:00:00Z' }] }), 'overrides.0.from');
  });
  it('names an unknown key', () => expectInvalid({ ...berlinWeekly(), escalation: 'x' }, 'escalation'));
  it('refuses something that is not an object', () => expectInvalid('nonsense', '(top level)'));
  it('refuses an invalid date to whoIsOnCall', () => {
    expect(() => whoIsOnCall(parseSchedule(berlinWeekly()), new Date('nonsense'))).toThrow(/"at" is not a valid date/);
  });
});
