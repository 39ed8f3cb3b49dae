import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alarmStates, type AlarmTransition } from '../../../modules/kernel/alarm-model.js';
import { GatehouseError } from '../../../modules/kernel/errors.js';
import { normalCore, transition, type AlarmCore, type AlarmEvent } from './state-machine.js';

const hour = 3_600_000;

/** Random samples and operator actions, each after a random pause. */
const step = fc.record({
  pauseMs: fc.integer({ min: 0, max: 3 * hour }),
  event: fc.oneof(
    fc.constant<AlarmEvent>({ type: 'condition-active', value: 1 }),
    fc.constant<AlarmEvent>({ type: 'condition-cleared', value: 0 }),
    fc.constant<AlarmEvent>({ type: 'condition-active', value: 1 }),
    fc.constant<AlarmEvent>({ type: 'condition-cleared', value: 0 }),
    fc.constant<AlarmEvent>({ type: 'acknowledge', user: 'op' }),
    fc.record({ hours: fc.integer({ min: -1, max: 10 }), oneShot: fc.boolean() }).map(
      ({ hours, oneShot }): AlarmEvent => ({ type: 'shelve', user: 'op', reason: 'r', oneShot, maxShelveMs: 8 * hour, until: oneShot ? undefined : hours * hour }),
    ),
    fc.constant<AlarmEvent>({ type: 'unshelve', user: 'op' }),
    fc.constant<AlarmEvent>({ type: 'shelve-expired' }),
    fc.constant<AlarmEvent>({ type: 'suppress' }),
    fc.constant<AlarmEvent>({ type: 'unsuppress' }),
    fc.constant<AlarmEvent>({ type: 'remove-from-service', user: 'op', reason: 'r' }),
    fc.constant<AlarmEvent>({ type: 'return-to-service', user: 'op' }),
    fc.constant<AlarmEvent>({ type: 'reset', user: 'op' }),
  ),
});

/** `conditionActive` is the truth the samples told, kept by the test apart from the machine's own record. */
function checkInvariants(core: AlarmCore, conditionActive: boolean): void {
  expect(alarmStates).toContain(core.state);
  expect(core.active).toBe(conditionActive);
  const held = core.outOfService || core.shelvedUntil !== null || core.suppressed;
  if (core.outOfService) expect(core.state).toBe('out-of-service');
  else if (core.shelvedUntil !== null) expect(core.state).toBe('shelved');
  else if (core.suppressed) expect(core.state).toBe('suppressed');
  if (!held) {
    // Never lose an active condition: it is unacknowledged or acknowledged, never normal or latched.
    if (conditionActive) expect(['unacknowledged', 'acknowledged']).toContain(core.state);
    else expect(['normal', 'returned-unacknowledged', 'latched']).toContain(core.state);
  }
}

describe('alarm state machine, random sequences (fast-check)', () => {
  it('stays inside the model, never loses an active condition, and chains its transitions', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.array(step, { maxLength: 60 }), (latched, steps) => {
        let core = normalCore(latched);
        let conditionActive = false;
        let now = Date.UTC(2026, 0, 1);
        const history: AlarmTransition[] = [];
        for (const { pauseMs, event } of steps) {
          now += pauseMs;
          // A shelve's end is relative to now in the generator; expiry is what a tick would send when due.
          const concrete: AlarmEvent = event.type === 'shelve' && event.until !== undefined ? { ...event, until: now + event.until } : event;
          if (concrete.type === 'condition-active') conditionActive = true;
          if (concrete.type === 'condition-cleared') conditionActive = false;
          if (concrete.type === 'shelve-expired' && (core.shelvedUntil === null || core.shelvedUntil > now)) continue;
          try {
            const result = transition(core, concrete, now);
            core = result.core;
            history.push(...result.transitions);
          } catch (error) {
            expect(error).toBeInstanceOf(GatehouseError);
            expect(['conflict', 'invalid-params']).toContain((error as GatehouseError).code);
          }
          checkInvariants(core, conditionActive);
        }
        let previous = 'normal';
        for (const t of history) {
          expect(t.from).toBe(previous);
          expect(t.to).not.toBe(t.from);
          previous = t.to;
        }
        expect(previous).toBe(core.state);
      }),
      { numRuns: 2000 },
    );
  });
});
