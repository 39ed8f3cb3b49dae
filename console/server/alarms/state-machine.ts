import type { AlarmState, AlarmTransition, TransitionCause } from '../../../modules/kernel/alarm-model.js';
import { GatehouseError } from '../../../modules/kernel/errors.js';

/**
 * The ISA-18.2 alarm state machine as pure functions: one alarm's state record in, the next record and the
 * transitions it made out. Nothing here keeps time or storage; the evaluator (evaluator.ts) feeds it.
 *
 * Two layers: the alarm's lifecycle (normal → unacknowledged → acknowledged → normal, with
 * returned-unacknowledged and latched) and three holds that keep the alarm out of notification — out of service,
 * shelved, suppressed by design, in that order of precedence. While any hold is on, the state shows the strongest
 * hold and the lifecycle is set aside; when the last hold lifts, the alarm is evaluated afresh: an active
 * condition raises a new unacknowledged alarm, otherwise the alarm is normal. That is what ISA-18.2 asks: an
 * alarm nobody was told about must be told about when it comes back.
 */

export type ConditionValue = number | boolean | null;

export type AlarmCore = {
  state: AlarmState;
  /** Whether the condition is active now, as last reported (also while held). */
  active: boolean;
  /** The rule latches: after acknowledge and clear the alarm waits in `latched` for a reset. */
  latched: boolean;
  /** Shelved until this time (ms); null when not shelved. One-shot shelves also carry the maximum as a bound. */
  shelvedUntil: number | null;
  /** The shelve ends when the condition clears (and at shelvedUntil at the latest). */
  shelveOneShot: boolean;
  suppressed: boolean;
  outOfService: boolean;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  /** When the current alarm was raised (ms); null when normal. */
  raisedAt: number | null;
  /** When the condition last cleared (ms). */
  clearedAt: number | null;
  /** The last value reported with a condition change. */
  value: ConditionValue;
};

export type AlarmEvent =
  | { type: 'condition-active'; value?: ConditionValue }
  | { type: 'condition-cleared'; value?: ConditionValue }
  | { type: 'acknowledge'; user: string; comment?: string }
  /** `until` (ms) for a timed shelve, or `oneShot`; either way no longer than `maxShelveMs` from now. */
  | { type: 'shelve'; user: string; reason: string; until?: number; oneShot?: boolean; maxShelveMs: number }
  | { type: 'unshelve'; user: string; comment?: string }
  | { type: 'shelve-expired' }
  | { type: 'suppress'; comment?: string }
  | { type: 'unsuppress'; comment?: string }
  | { type: 'remove-from-service'; user: string; reason: string }
  | { type: 'return-to-service'; user: string; reason?: string }
  | { type: 'reset'; user: string; comment?: string };

export type TransitionResult = { core: AlarmCore; transitions: AlarmTransition[] };

/** A fresh alarm for a rule: normal, no holds. */
export function normalCore(latched = false): AlarmCore {
  return {
    state: 'normal',
    active: false,
    latched,
    shelvedUntil: null,
    shelveOneShot: false,
    suppressed: false,
    outOfService: false,
    acknowledgedAt: null,
    acknowledgedBy: null,
    raisedAt: null,
    clearedAt: null,
    value: null,
  };
}

const holdStates: ReadonlySet<AlarmState> = new Set(['shelved', 'suppressed', 'out-of-service']);

/** Whether an alarm in this state is held out of notification. */
export function isHeld(state: AlarmState): boolean {
  return holdStates.has(state);
}

/** The hold that shows, strongest first; null when none. */
function holdState(core: AlarmCore): AlarmState | null {
  if (core.outOfService) return 'out-of-service';
  if (core.shelvedUntil !== null) return 'shelved';
  if (core.suppressed) return 'suppressed';
  return null;
}

function conflict(core: AlarmCore, event: AlarmEvent, why: string): GatehouseError {
  return new GatehouseError('conflict', `Cannot ${event.type.replace(/-/g, ' ')} an alarm that is ${core.state}: ${why}`, { state: core.state, event: event.type });
}

/** Apply one event at `now` (ms). Throws GatehouseError 'conflict' for an event the state does not allow. */
export function transition(core: AlarmCore, event: AlarmEvent, now: number): TransitionResult {
  const next: AlarmCore = { ...core };
  const out: AlarmTransition[] = [];
  const at = new Date(now).toISOString();
  const user = 'user' in event ? event.user : undefined;
  const comment = 'comment' in event ? event.comment : 'reason' in event ? event.reason : undefined;
  const value = 'value' in event ? event.value : undefined;
  const move = (to: AlarmState, cause: TransitionCause): void => {
    const record: AlarmTransition = { at, from: next.state, to, cause };
    if (user !== undefined) record.user = user;
    if (comment !== undefined) record.comment = comment;
    if (value !== undefined) record.value = value;
    out.push(record);
    next.state = to;
  };
  // Leaving a hold: show the next hold, or evaluate the condition afresh.
  const release = (cause: TransitionCause): void => {
    const hold = holdState(next);
    if (hold !== null) {
      if (hold !== next.state) move(hold, cause);
      return;
    }
    if (next.active) {
      next.raisedAt = now;
      next.clearedAt = null;
      next.acknowledgedAt = null;
      next.acknowledgedBy = null;
      move('unacknowledged', cause);
    } else {
      next.raisedAt = null;
      move('normal', cause);
    }
  };
  // Entering or strengthening a hold: the lifecycle is set aside (nobody need acknowledge what is held).
  const hold = (cause: TransitionCause): void => {
    const shown = holdState(next);
    if (shown !== null && shown !== next.state) {
      next.acknowledgedAt = null;
      next.acknowledgedBy = null;
      move(shown, cause);
    }
  };

  switch (event.type) {
    case 'condition-active': {
      if (event.value !== undefined) next.value = event.value;
      if (next.active) return { core: next, transitions: out }; // a repeated sample: nothing changes
      next.active = true;
      if (isHeld(next.state)) return { core: next, transitions: out };
      if (next.state === 'normal' || next.state === 'returned-unacknowledged' || next.state === 'latched') {
        next.raisedAt = now;
        // A new raise: the clear of the one before is not this alarm's "time out".
        next.clearedAt = null;
        next.acknowledgedAt = null;
        next.acknowledgedBy = null;
        move('unacknowledged', 'condition-active');
      }
      return { core: next, transitions: out };
    }
    case 'condition-cleared': {
      if (event.value !== undefined) next.value = event.value;
      if (!next.active) return { core: next, transitions: out };
      next.active = false;
      next.clearedAt = now;
      if (isHeld(next.state)) {
        // ISA-18.2 one-shot shelving: the shelve ends when the alarm clears.
        if (next.shelveOneShot && next.shelvedUntil !== null) {
          next.shelvedUntil = null;
          next.shelveOneShot = false;
          release('condition-cleared');
        }
        return { core: next, transitions: out };
      }
      if (next.state === 'unacknowledged') move('returned-unacknowledged', 'condition-cleared');
      else if (next.state === 'acknowledged') {
        if (next.latched) move('latched', 'condition-cleared');
        else {
          next.raisedAt = null;
          move('normal', 'condition-cleared');
        }
      }
      return { core: next, transitions: out };
    }
    case 'acknowledge': {
      if (next.state === 'unacknowledged') {
        next.acknowledgedAt = now;
        next.acknowledgedBy = event.user;
        move('acknowledged', 'acknowledge');
      } else if (next.state === 'returned-unacknowledged') {
        next.acknowledgedAt = now;
        next.acknowledgedBy = event.user;
        if (next.latched) move('latched', 'acknowledge');
        else {
          next.raisedAt = null;
          move('normal', 'acknowledge');
        }
      } else {
        throw conflict(core, event, next.state === 'acknowledged' || next.state === 'latched' ? 'it is already acknowledged' : 'there is nothing to acknowledge');
      }
      return { core: next, transitions: out };
    }
    case 'shelve': {
      if (next.outOfService) throw conflict(core, event, 'return it to service first');
      if (next.shelvedUntil !== null) throw conflict(core, event, 'it is already shelved; unshelve it first');
      if (typeof event.reason !== 'string' || event.reason.trim() === '') {
        throw new GatehouseError('invalid-params', 'Shelving an alarm needs a reason', { event: 'shelve' });
      }
      if (!Number.isFinite(event.maxShelveMs) || event.maxShelveMs <= 0) {
        throw new GatehouseError('invalid-params', 'This alarm may not be shelved (its rule allows no shelve time)', { event: 'shelve' });
      }
      const bound = now + event.maxShelveMs;
      if (event.oneShot === true) {
        // A one-shot shelve still ends at the maximum: nothing stays shelved for ever.
        next.shelveOneShot = true;
        next.shelvedUntil = event.until === undefined ? bound : event.until;
      } else {
        if (event.until === undefined) throw new GatehouseError('invalid-params', 'A shelve needs an end time or oneShot', { event: 'shelve' });
        next.shelveOneShot = false;
        next.shelvedUntil = event.until;
      }
      if (!Number.isFinite(next.shelvedUntil) || next.shelvedUntil <= now) {
        throw new GatehouseError('invalid-params', 'The shelve must end in the future', { event: 'shelve' });
      }
      if (next.shelvedUntil > bound) {
        throw new GatehouseError('invalid-params', `The rule allows shelving for at most ${Math.round(event.maxShelveMs / 60_000)} minutes`, {
          event: 'shelve',
          maxShelveMs: event.maxShelveMs,
        });
      }
      hold('shelve');
      return { core: next, transitions: out };
    }
    case 'unshelve':
    case 'shelve-expired': {
      if (next.shelvedUntil === null) throw conflict(core, event, 'it is not shelved');
      if (event.type === 'shelve-expired' && now < next.shelvedUntil) throw conflict(core, event, 'the shelve has not expired yet');
      next.shelvedUntil = null;
      next.shelveOneShot = false;
      release(event.type);
      return { core: next, transitions: out };
    }
    case 'suppress': {
      if (next.suppressed) return { core: next, transitions: out }; // suppression follows a condition: repeats are normal
      next.suppressed = true;
      hold('suppress');
      return { core: next, transitions: out };
    }
    case 'unsuppress': {
      if (!next.suppressed) return { core: next, transitions: out };
      next.suppressed = false;
      if (isHeld(next.state)) release('unsuppress');
      return { core: next, transitions: out };
    }
    case 'remove-from-service': {
      if (next.outOfService) throw conflict(core, event, 'it is already out of service');
      if (typeof event.reason !== 'string' || event.reason.trim() === '') {
        throw new GatehouseError('invalid-params', 'Taking an alarm out of service needs a reason', { event: event.type });
      }
      next.outOfService = true;
      // A shelve does not outlive a removal from service: returning to service starts clean.
      next.shelvedUntil = null;
      next.shelveOneShot = false;
      hold('remove-from-service');
      return { core: next, transitions: out };
    }
    case 'return-to-service': {
      if (!next.outOfService) throw conflict(core, event, 'it is in service');
      next.outOfService = false;
      release('return-to-service');
      return { core: next, transitions: out };
    }
    case 'reset': {
      if (next.state !== 'latched') throw conflict(core, event, 'only a latched alarm is reset');
      next.raisedAt = null;
      move('normal', 'reset');
      return { core: next, transitions: out };
    }
    default: {
      const unknown: { type?: unknown } = event;
      throw new GatehouseError('invalid-params', `Unknown alarm event ${String(unknown.type).slice(0, 40)}`);
    }
  }
}
