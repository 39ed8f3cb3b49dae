import { describe, expect, it } from 'vitest';
import { GatehouseError } from '../../../modules/kernel/errors.js';
import { nextEscalation, parseEscalationPolicy, type EscalationPolicyInput } from './escalation.js';
import { parseSchedule } from './schedule.js';

const schedule = parseSchedule({
  id: 'works-north',
  timeZone: 'Europe/Berlin',
  primary: { people: ['ann', 'bob'], handover: { every: 'week', weekday: 'monday', at: '08:00' }, start: '2026-11-02' },
  backup: { people: ['cem', 'dana'], handover: { every: 'week', weekday: 'monday', at: '08:00' }, start: '2026-11-02' },
  manager: 'erik',
});

const policy = parseEscalationPolicy({
  id: 'critical',
  steps: [
    { notify: 'primary', waitMinutes: 10 },
    { notify: 'backup', waitMinutes: 15 },
    { notify: 'manager', waitMinutes: 30 },
  ],
});

// Three weeks after 2 November (turn 3): bob is primary, dana backup.
const raisedAt = new Date('2026-11-24T09:00:00Z');
const minutes = (n: number): Date => new Date(raisedAt.getTime() + n * 60_000);

/** Drive the stepper as the console will: call at each nextAt, remember how far it got. */
function run(ackAt: Date | null, until: Date, policyToRun = policy): Array<{ at: string; person: string | undefined }> {
  const sent: Array<{ at: string; person: string | undefined }> = [];
  let now = raisedAt;
  let handled: Date | null = null;
  for (let guard = 0; guard < 100 && now <= until; guard++) {
    const decision = nextEscalation(policyToRun, raisedAt, ackAt !== null && ackAt <= now ? ackAt : null, now, schedule, handled);
    for (const page of decision.due) sent.push({ at: now.toISOString(), person: page.person });
    handled = now;
    // The console wakes at nextAt, or at the acknowledgement, whichever comes first.
    const next = [decision.nextAt, ackAt && ackAt > now ? ackAt : null].filter((d): d is Date => d !== null);
    if (next.length === 0) break;
    now = new Date(Math.min(...next.map((d) => d.getTime())));
  }
  return sent;
}

describe('nextEscalation', () => {
  it('pages the primary at once and says when to look again', () => {
    const decision = nextEscalation(policy, raisedAt, null, raisedAt, schedule);
    // 24 November is in the fourth week since 2 November: turn 3 → bob (primary) and dana (backup).
    expect(decision.due).toEqual([
      { page: 1, step: 1, pass: 1, dueAt: raisedAt, notify: 'primary', person: 'bob' },
    ]);
    expect(decision.nextAt).toEqual(minutes(10));
    expect(decision.stopped).toBeNull();
  });

  it('pages nobody new before the delay has passed', () => {
    const decision = nextEscalation(policy, raisedAt, null, minutes(9), schedule, raisedAt);
    expect(decision.due).toEqual([]);
    expect(decision.nextAt).toEqual(minutes(10));
  });

  it('pages the backup once the delay has passed without an acknowledgement, then the manager', () => {
    expect(run(null, minutes(120))).toEqual([
      { at: raisedAt.toISOString(), person: 'bob' },
      { at: minutes(10).toISOString(), person: 'dana' },
      { at: minutes(25).toISOString(), person: 'erik' },
    ]);
    const last = nextEscalation(policy, raisedAt, null, minutes(25), schedule, minutes(24));
    expect(last.nextAt).toBeNull();
    expect(last.stopped).toBe('exhausted');
  });

  it('an acknowledgement before the delay stops the page: the backup is never paged', () => {
    expect(run(minutes(4), minutes(120))).toEqual([{ at: raisedAt.toISOString(), person: 'bob' }]);
    const afterAck = nextEscalation(policy, raisedAt, minutes(4), minutes(10), schedule, raisedAt);
    expect(afterAck).toEqual({ due: [], nextAt: null, stopped: 'acknowledged' });
  });

  it('an acknowledgement between backup and manager stops before the manager', () => {
    expect(run(minutes(12), minutes(120)).map((s) => s.person)).toEqual(['bob', 'dana']);
  });

  it('a late console sends every page that fell due while it was away, once', () => {
    const late = nextEscalation(policy, raisedAt, null, minutes(30), schedule, raisedAt);
    expect(late.due.map((p) => [p.page, p.person, p.dueAt.toISOString()])).toEqual([
      [2, 'dana', minutes(10).toISOString()],
      [3, 'erik', minutes(25).toISOString()],
    ]);
    expect(nextEscalation(policy, raisedAt, null, minutes(31), schedule, minutes(30)).due).toEqual([]);
  });

  it('repeats the whole list N more times, numbering pages on', () => {
    const repeating = parseEscalationPolicy({ id: 'r', steps: [{ notify: 'primary', waitMinutes: 5 }, { notify: { team: 'water-ops' }, waitMinutes: 5 }], repeat: 2 });
    const sent = run(null, minutes(60), repeating);
    expect(sent.map((s) => s.at)).toEqual([0, 5, 10, 15, 20, 25].map((m) => minutes(m).toISOString()));
    const decision = nextEscalation(repeating, raisedAt, null, minutes(25), schedule, minutes(20));
    expect(decision.due).toEqual([{ page: 6, step: 2, pass: 3, dueAt: minutes(25), notify: { team: 'water-ops' }, team: 'water-ops' }]);
    expect(decision.stopped).toBe('exhausted');
  });

  it('says so when the schedule has nobody for a layer, instead of paging no one silently', () => {
    const future = parseSchedule({ id: 'later', timeZone: 'Europe/Berlin', primary: { people: ['ann'], handover: { every: 'day', at: '08:00' }, start: '2027-01-01' } });
    const decision = nextEscalation(policy, raisedAt, null, minutes(30), future, null);
    expect(decision.due.map((p) => p.nobody)).toEqual([
      'the primary rotation has not started: it starts 2027-01-01 08:00 (Europe/Berlin)',
      'schedule later has no backup on call',
      'schedule later names no manager',
    ]);
    expect(nextEscalation(policy, raisedAt, null, raisedAt, null).due[0]?.nobody).toBe('no on-call schedule to find the primary in');
  });

  it('pages a named person without a schedule', () => {
    const named = parseEscalationPolicy({ id: 'n', steps: [{ notify: { person: 'night-chemist' }, waitMinutes: 0 }] });
    expect(nextEscalation(named, raisedAt, null, raisedAt, null).due[0]).toMatchObject({ person: 'night-chemist' });
  });
});

describe('hostile policies', () => {
  const expectInvalid = (input: EscalationPolicyInput | Record<string, unknown>, key: string): void => {
    let caught: unknown;
    try {
      parseEscalationPolicy(input);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(GatehouseError);
    expect((caught as GatehouseError).code).toBe('invalid-params');
    expect((caught as GatehouseError).context.key).toBe(key);
    expect((caught as GatehouseError).message.length).toBeLessThan(300);
  };
  it('refuses a negative wait', () => expectInvalid({ id: 'p', steps: [{ notify: 'primary', waitMinutes: -5 }] }, 'steps.0.waitMinutes'));
  it('takes a wait of whole seconds (0.5 = 30 s), and pages the next step after it', () => {
    const quick = parseEscalationPolicy({ id: 'q', steps: [{ notify: { person: 'ann' }, waitMinutes: 0.5 }, { notify: { person: 'bob' }, waitMinutes: 0.05 }] });
    const first = nextEscalation(quick, raisedAt, null, raisedAt, null);
    expect(first.nextAt?.getTime()).toBe(raisedAt.getTime() + 30_000);
    const second = nextEscalation(quick, raisedAt, null, new Date(raisedAt.getTime() + 30_000), null, raisedAt);
    expect(second.due.map((p) => p.person)).toEqual(['bob']);
  });
  it('refuses a wait of part of a second, or a huge one', () => {
    expectInvalid({ id: 'p', steps: [{ notify: 'primary', waitMinutes: 1.001 }] }, 'steps.0.waitMinutes');
    expectInvalid({ id: 'p', steps: [{ notify: 'primary', waitMinutes: 1e12 }] }, 'steps.0.waitMinutes');
  });
  it('refuses a 10 kB person', () => expectInvalid({ id: 'p', steps: [{ notify: { person: 'x'.repeat(10_000) }, waitMinutes: 1 }] }, 'steps.0.notify.person'));
  it('refuses an unknown layer, saying what is allowed', () => {
    expectInvalid({ id: 'p', steps: [{ notify: 'tertiary', waitMinutes: 1 }] }, 'steps.0.notify');
    expect(() => parseEscalationPolicy({ id: 'p', steps: [{ notify: 'tertiary', waitMinutes: 1 }] })).toThrow(/"primary", "backup", "manager"/);
  });
  it('refuses no steps, and a runaway repeat', () => {
    expectInvalid({ id: 'p', steps: [] }, 'steps');
    expectInvalid({ id: 'p', steps: [{ notify: 'primary', waitMinutes: 1 }], repeat: 1000 }, 'repeat');
  });
  it('refuses invalid dates to the stepper', () => {
    expect(() => nextEscalation(policy, new Date('x'), null, raisedAt, null)).toThrow(/"alarmRaisedAt"/);
  });
});
