/**
 * Flood detection: more than `floodThreshold` alarms raised at one site within `floodWindowMs` is a flood (the
 * ISA-18.2 / EEMUA 191 measure), reported once as it starts and closed by the first tick with the rate back down.
 * The raise times are the alarms' own, so replayed data counts when it happened.
 */

export type Flood = { siteId: string; startedAt: string; endedAt: string | null; raised: number };

export const floodThreshold = 10;
export const floodWindowMs = 10 * 60_000;
const maxFloodsKept = 100;

export class FloodDetector {
  readonly #raisedBySite = new Map<string, number[]>();
  readonly #floods: Flood[] = [];
  readonly #open = new Map<string, Flood>();

  /** An alarm raised at a site at `at`; returns the flood when this raise starts one. */
  raised(siteId: string, at: number): Flood | null {
    let times = this.#raisedBySite.get(siteId);
    if (!times) this.#raisedBySite.set(siteId, (times = []));
    times.push(at);
    const count = this.#recent(siteId, at);
    const open = this.#open.get(siteId);
    if (open) {
      open.raised += 1;
      return null;
    }
    if (count <= floodThreshold) return null;
    const flood: Flood = { siteId, startedAt: new Date(at).toISOString(), endedAt: null, raised: count };
    this.#open.set(siteId, flood);
    this.#floods.push(flood);
    if (this.#floods.length > maxFloodsKept) this.#floods.shift();
    return { ...flood };
  }

  /** Close the floods whose rate has come back down by `now`. */
  tick(now: number): void {
    for (const [siteId, flood] of this.#open) {
      if (this.#recent(siteId, now) > floodThreshold) continue;
      flood.endedAt = new Date(now).toISOString();
      this.#open.delete(siteId);
    }
  }

  /** Floods seen (the last 100), newest last; open ones have `endedAt` null. */
  floods(): Flood[] {
    return this.#floods.map((f) => ({ ...f }));
  }

  #recent(siteId: string, now: number): number {
    const all = this.#raisedBySite.get(siteId);
    if (!all) return 0;
    // Replayed data may raise out of time order, so filter rather than trim the front.
    const times = all.filter((t) => t > now - floodWindowMs);
    if (times.length === 0) this.#raisedBySite.delete(siteId);
    else this.#raisedBySite.set(siteId, times);
    return times.length;
  }
}
