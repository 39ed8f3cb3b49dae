import type { Quality, TagSample } from '../kernel/telemetry.js';

/**
 * Report by exception: a quiet plant sends little. A reading goes out when its quality changes, a bool flips,
 * a number moves more than the tag's deadband from the last value sent, or the refresh interval has passed —
 * so silence from a tag always means "unchanged", never "lost", and the console can tell a stale tag by age.
 */
export class ExceptionReport {
  readonly #lastSent = new Map<string, { value: TagSample['value']; quality: Quality; ts: number }>();

  constructor(private readonly refreshMs: number) {}

  /** Whether this reading should be sent; when it should, it becomes the last one sent. */
  offer(sample: TagSample, deadband: number): boolean {
    const last = this.#lastSent.get(sample.tag);
    if (!last || this.#differs(last, sample, deadband) || sample.ts - last.ts >= this.refreshMs) {
      this.#lastSent.set(sample.tag, { value: sample.value, quality: sample.quality, ts: sample.ts });
      return true;
    }
    return false;
  }

  /** Forget a tag (removed from the profile), so a tag of the same name later starts afresh. */
  forget(tag: string): void {
    this.#lastSent.delete(tag);
  }

  #differs(last: { value: TagSample['value']; quality: Quality }, sample: TagSample, deadband: number): boolean {
    if (last.quality !== sample.quality) return true;
    if (typeof last.value === 'number' && typeof sample.value === 'number') {
      // A deadband of 0 sends every change; equal values are never "a change".
      return Math.abs(sample.value - last.value) > deadband || (deadband === 0 && sample.value !== last.value);
    }
    return last.value !== sample.value;
  }
}
