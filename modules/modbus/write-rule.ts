import { GatehouseError } from '../kernel/errors.js';
import type { Tag } from './profile.js';

/** What the agent knows about a tag when a write is asked for. Times are milliseconds (Date.now()). */
export interface WriteState {
  /** The last good read-back, or null when there is none (never read, or the device is not answering). */
  current: number | boolean | null;
  /** When this tag was last written (a write sent to the bus), if ever. */
  lastWriteAt?: number;
  now: number;
}

/**
 * Refuse a setpoint write that the tag's write rule does not allow (SECURITY.md rule 9: denied by default), before
 * anything reaches the bus. Returns quietly when the write may go ahead. Errors name the tag, the value and the
 * limit: 'forbidden' (no rule), 'invalid-params' (type, range, step), 'conflict' (no read-back to step from),
 * 'rate-limited' (too soon after the last write).
 */
export function checkWrite(tag: Tag, value: number | boolean, state: WriteState): void {
  const rule = tag.write;
  const context = { tag: tag.name };
  if (!rule) throw new GatehouseError('forbidden', `tag ${tag.name} is not writable: no write rule in the profile`, context);

  if (tag.type === 'bool') {
    if (typeof value !== 'boolean') {
      throw new GatehouseError('invalid-params', `tag ${tag.name} takes true or false, not ${show(value)}`, context);
    }
  } else {
    if (typeof value !== 'number') {
      throw new GatehouseError('invalid-params', `tag ${tag.name} takes a number, not ${show(value)}`, context);
    }
    if (!Number.isFinite(value)) throw new GatehouseError('invalid-params', `tag ${tag.name} takes a finite number, not ${show(value)}`, context);
    const unit = tag.unit ? ` ${tag.unit}` : '';
    if (value < rule.min || value > rule.max) {
      throw new GatehouseError('invalid-params', `${show(value)}${unit} is outside the limits of tag ${tag.name}: ${rule.min} to ${rule.max}${unit}`, context);
    }
    if (rule.maxStep !== undefined) {
      if (typeof state.current !== 'number' || !Number.isFinite(state.current)) {
        // The step limit protects the process from a jump; without a read-back we cannot know the size of the jump.
        throw new GatehouseError('conflict', `tag ${tag.name} has no current read-back to step from (maximum step ${rule.maxStep}${unit}); wait for a good reading`, context);
      }
      const step = Math.abs(value - state.current);
      if (step > rule.maxStep) {
        throw new GatehouseError(
          'invalid-params',
          `tag ${tag.name}: step ${round(step)}${unit} is larger than the maximum step ${rule.maxStep}${unit} from the current ${round(state.current)}${unit}`,
          context,
        );
      }
    }
  }

  if (state.lastWriteAt !== undefined) {
    const minimumMs = rule.minIntervalSeconds * 1000;
    const elapsedMs = state.now - state.lastWriteAt;
    if (elapsedMs < minimumMs) {
      const wait = Math.max(1, Math.ceil((minimumMs - elapsedMs) / 1000));
      throw new GatehouseError(
        'rate-limited',
        `tag ${tag.name} was written ${Math.max(0, Math.floor(elapsedMs / 1000))} s ago; at most one write every ${rule.minIntervalSeconds} s, wait ${wait} s`,
        { ...context, retryAfterSeconds: wait },
      );
    }
  }
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return String(value);
}

/** Enough digits for a person; floating-point noise (12.000000001) helps nobody. */
function round(value: number): string {
  return String(Number(value.toPrecision(10)));
}
