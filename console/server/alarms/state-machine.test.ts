import { describe, expect, it } from 'vitest';
import { GatehouseError } from '../../../modules/kernel/errors.js';
import { normalCore, transition, type AlarmCore, type AlarmEvent } from './state-machine.js';

const t0 = Date.UTC(2026, 10, 24, 6, 0, 0);
const minute = 60_000;
const hour = 60 * minute;

/** Drive a fresh alarm through events, one minute apart; returns the final core and every transition. */
function run(events: AlarmEvent[], latched = false, start: AlarmCore = normalCore(latched)) {
  let core = start;
  const all = [];
  let now = t0;
  for (const event of events) {
    now += minute;
    const result = transition(core, event, now);
    core = result.core;
    all.push(...result.transitions);
  }
  return { core, transitions: all, now };
}

const active: AlarmEvent = { type: 'condition-active', value: 9.5 };
const cleared: AlarmEvent = { type: 'condition-cleared', value: 4 };
const ack: AlarmEvent = { type: 'acknowledge', user: 'olga', comment: 'seen' };
const shelve8h: AlarmEvent = { type: 'shelve', user: 'olga', reason: 'sensor fouled', until: t0 + 4 * hour, maxShelveMs: 8 * hour };

describe('alarm state machine: every transition', () => {
  // [name, events leading there, latched rule, the last transition's from → to, cause]
  const table: [string, AlarmEvent[], boolean, string, string, string][] = [
    ['normal → unacknowledged when the condition goes active', [active], false, 'normal', 'unacknowledged', 'condition-active'],
    ['unacknowledged → acknowledged on acknowledge', [active, ack], false, 'unacknowledged', 'acknowledged', 'acknowledge'],
    ['acknowledged → normal when the condition clears', [active, ack, cleared], false, 'acknowledged', 'normal', 'condition-cleared'],
    ['unacknowledged → returned-unacknowledged when the condition clears', [active, cleared], false, 'unacknowledged', 'returned-unacknowledged', 'condition-cleared'],
    ['returned-unacknowledged → normal on acknowledge', [active, cleared, ack], false, 'returned-unacknowledged', 'normal', 'acknowledge'],
    ['returned-unacknowledged → unacknowledged when the condition comes back', [active, cleared, active], false, 'returned-unacknowledged', 'unacknowledged', 'condition-active'],
    ['latched: acknowledged → latched when the condition clears', [active, ack, cleared], true, 'acknowledged', 'latched', 'condition-cleared'],
    ['latched: returned-unacknowledged → latched on acknowledge', [active, cleared, ack], true, 'returned-unacknowledged', 'latched', 'acknowledge'],
    ['latched → normal on reset', [active, ack, cleared, { type: 'reset', user: 'olga' }], true, 'latched', 'normal', 'reset'],
    ['latched → unacknowledged when the condition comes back', [active, ack, cleared, active], true, 'latched', 'unacknowledged', 'condition-active'],
    ['unacknowledged → shelved on shelve', [active, shelve8h], false, 'unacknowledged', 'shelved', 'shelve'],
    ['normal → shelved on shelve', [shelve8h], false, 'normal', 'shelved', 'shelve'],
    ['shelved → unacknowledged on unshelve with the condition active', [active, shelve8h, { type: 'unshelve', user: 'olga' }], false, 'shelved', 'unacknowledged', 'unshelve'],
    ['shelved → normal on unshelve with the condition cleared', [active, shelve8h, cleared, { type: 'unshelve', user: 'olga' }], false, 'shelved', 'normal', 'unshelve'],
    ['acknowledged → suppressed on suppress', [active, ack, { type: 'suppress' }], false, 'acknowledged', 'suppressed', 'suppress'],
    ['suppressed → unacknowledged on unsuppress with the condition active', [active, { type: 'suppress' }, { type: 'unsuppress' }], false, 'suppressed', 'unacknowledged', 'unsuppress'],
    ['suppressed → normal on unsuppress with the condition cleared', [{ type: 'suppress' }, active, cleared, { type: 'unsuppress' }], false, 'suppressed', 'normal', 'unsuppress'],
    ['suppressed → shelved on shelve', [{ type: 'suppress' }, shelve8h], false, 'suppressed', 'shelved', 'shelve'],
    ['shelved → suppressed on unshelve while suppressed', [{ type: 'suppress' }, shelve8h, { type: 'unshelve', user: 'olga' }], false, 'shelved', 'suppressed', 'unshelve'],
    ['returned-unacknowledged → out-of-service', [active, cleared, { type: 'remove-from-service', user: 'olga', reason: 'sensor replaced' }], false, 'returned-unacknowledged', 'out-of-service', 'remove-from-service'],
    ['shelved → out-of-service', [shelve8h, { type: 'remove-from-service', user: 'olga', reason: 'sensor replaced' }], false, 'shelved', 'out-of-service', 'remove-from-service'],
    ['out-of-service → unacknowledged on return with the condition active', [{ type: 'remove-from-service', user: 'olga', reason: 'x' }, active, { type: 'return-to-service', user: 'olga' }], false, 'out-of-service', 'unacknowledged', 'return-to-service'],
    ['out-of-service → normal on return with the condition cleared', [{ type: 'remove-from-service', user: 'olga', reason: 'x' }, { type: 'return-to-service', user: 'olga' }], false, 'out-of-service', 'normal', 'return-to-service'],
    ['out-of-service → suppressed on return while suppressed', [{ type: 'suppress' }, { type: 'remove-from-service', user: 'olga', reason: 'x' }, { type: 'return-to-service', user: 'olga' }], false, 'out-of-service', 'suppressed', 'return-to-service'],
    ['latched → shelved', [active, ack, cleared, shelve8h], true, 'latched', 'shelved', 'shelve'],
  ];
  it.each(table)('%s', (_name, events, latched, from, to, cause) => {
    const { transitions, core } = run(events, latched);
    const last = transitions.at(-1);
    expect(last).toMatchObject({ from, to, cause });
    expect(core.state).toBe(to);
  });

  it('records time, user, comment and value on each transition', () => {
    const { transitions } = run([active, ack]);
    expect(transitions[0]).toEqual({ at: new Date(t0 + minute).toISOString(), from: 'normal', to: 'unacknowledged', cause: 'condition-active', value: 9.5 });
    expect(transitions[1]).toEqual({ at: new Date(t0 + 2 * minute).toISOString(), from: 'unacknowledged', to: 'acknowledged', cause: 'acknowledge', user: 'olga', comment: 'seen' });
  });

  it('keeps who acknowledged and when, and the raise time', () => {
    const { core } = run([active, ack]);
    expect(core).toMatchObject({ acknowledgedBy: 'olga', acknowledgedAt: t0 + 2 * minute, raisedAt: t0 + minute, active: true });
  });

  it('a repeated active sample is no transition', () => {
    const { transitions, core } = run([active, active, { type: 'condition-active', value: 11 }]);
    expect(transitions).toHaveLength(1);
    expect(core.value).toBe(11);
  });
});

describe('impossible events are refused with a conflict and change nothing', () => {
  const cases: [string, AlarmEvent[], AlarmEvent][] = [
    ['acknowledge in normal', [], ack],
    ['acknowledge twice', [active, ack], ack],
    ['reset in unacknowledged', [active], { type: 'reset', user: 'olga' }],
    ['reset in normal', [], { type: 'reset', user: 'olga' }],
    ['unshelve when not shelved', [active], { type: 'unshelve', user: 'olga' }],
    ['shelve twice', [shelve8h], shelve8h],
    ['shelve out of service', [{ type: 'remove-from-service', user: 'olga', reason: 'x' }], shelve8h],
    ['return to service when in service', [], { type: 'return-to-service', user: 'olga' }],
    ['acknowledge a shelved alarm', [active, shelve8h], ack],
  ];
  it.each(cases)('%s', (_name, before, event) => {
    const { core } = run(before);
    const copy = structuredClone(core);
    let error: unknown;
    try {
      transition(core, event, t0 + hour);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GatehouseError);
    expect((error as GatehouseError).code).toBe('conflict');
    expect((error as GatehouseError).message).toMatch(/^Cannot /);
    expect(core).toEqual(copy);
  });
});

describe('shelving', () => {
  it('refuses a shelve beyond the rule maximum, without a reason, or in the past', () => {
    const { core } = run([active]);
    const now = t0 + 2 * minute;
    const tooLong: AlarmEvent = { type: 'shelve', user: 'olga', reason: 'x', until: now + 9 * hour, maxShelveMs: 8 * hour };
    const noReason: AlarmEvent = { type: 'shelve', user: 'olga', reason: ' ', until: now + hour, maxShelveMs: 8 * hour };
    const past: AlarmEvent = { type: 'shelve', user: 'olga', reason: 'x', until: now - 1, maxShelveMs: 8 * hour };
    for (const event of [tooLong, noReason, past]) {
      expect(() => transition(core, event, now)).toThrowError(expect.objectContaining({ code: 'invalid-params' }));
    }
    expect(() => transition(core, tooLong, now)).toThrow(/at most 480 minutes/);
    expect(transition(core, { ...tooLong, until: now + 8 * hour }, now).core.state).toBe('shelved');
  });

  it('expires, and re-alarms when the condition is still active', () => {
    const shelvedAt = t0 + 2 * minute;
    const { core } = run([active, { type: 'shelve', user: 'olga', reason: 'storm', until: shelvedAt + hour, maxShelveMs: 8 * hour }]);
    expect(core.state).toBe('shelved');
    expect(() => transition(core, { type: 'shelve-expired' }, shelvedAt + hour - 1)).toThrowError(expect.objectContaining({ code: 'conflict' }));
    const expired = transition(core, { type: 'shelve-expired' }, shelvedAt + hour);
    expect(expired.transitions).toEqual([{ at: new Date(shelvedAt + hour).toISOString(), from: 'shelved', to: 'unacknowledged', cause: 'shelve-expired' }]);
    expect(expired.core.raisedAt).toBe(shelvedAt + hour);
    expect(expired.core.shelvedUntil).toBeNull();
  });

  it('expires to normal when the condition cleared meanwhile', () => {
    const { core } = run([active, shelve8h, cleared]);
    expect(core.state).toBe('shelved');
    expect(transition(core, { type: 'shelve-expired' }, t0 + 4 * hour).core.state).toBe('normal');
  });

  it('one-shot: unshelves when the condition clears, and is bounded by the maximum', () => {
    const oneShot: AlarmEvent = { type: 'shelve', user: 'olga', reason: 'known leak', oneShot: true, maxShelveMs: 2 * hour };
    const { core, transitions } = run([active, oneShot]);
    expect(core).toMatchObject({ state: 'shelved', shelveOneShot: true, shelvedUntil: t0 + 2 * minute + 2 * hour });
    const clear = transition(core, cleared, t0 + 30 * minute);
    expect(clear.transitions).toMatchObject([{ from: 'shelved', to: 'normal', cause: 'condition-cleared' }]);
    expect(clear.core.shelvedUntil).toBeNull();
    // The next activation alarms as usual.
    expect(transition(clear.core, active, t0 + 40 * minute).core.state).toBe('unacknowledged');
    expect(transitions).toHaveLength(2);
  });

  it('a timed shelve survives the condition clearing and returning', () => {
    const { core } = run([active, shelve8h, cleared, active, cleared]);
    expect(core.state).toBe('shelved');
  });
});

describe('suppression and out of service', () => {
  it('repeated suppress and unsuppress are no transitions', () => {
    const { transitions } = run([{ type: 'suppress' }, { type: 'suppress' }, { type: 'unsuppress' }, { type: 'unsuppress' }]);
    expect(transitions.map((t) => `${t.from}>${t.to}`)).toEqual(['normal>suppressed', 'suppressed>normal']);
  });

  it('a condition that comes and goes while out of service raises nothing', () => {
    const { transitions, core } = run([{ type: 'remove-from-service', user: 'olga', reason: 'calibration' }, active, cleared, active]);
    expect(transitions).toHaveLength(1);
    expect(core).toMatchObject({ state: 'out-of-service', active: true });
  });

  it('refuses removal from service without a reason', () => {
    expect(() => transition(normalCore(), { type: 'remove-from-service', user: 'olga', reason: '' }, t0)).toThrowError(
      expect.objectContaining({ code: 'invalid-params' }),
    );
  });
});

describe('alarm state machine: times of a raise', () => {
  it('a new raise starts with no time out: the clear of the raise before is not its own', () => {
    const { core } = run([active, cleared, active]);
    expect(core).toMatchObject({ state: 'unacknowledged', raisedAt: t0 + 3 * minute, clearedAt: null });
    const afterAck = run([active, ack, cleared, active]).core;
    expect(afterAck).toMatchObject({ state: 'unacknowledged', raisedAt: t0 + 4 * minute, clearedAt: null, acknowledgedAt: null });
  });
});
