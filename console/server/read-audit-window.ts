/**
 * Pages refresh what they show (the process list every few seconds). Auditing each refresh would bury the
 * actions people take under thousands of identical reads, so a read that the same person repeats on the same
 * host with the same params is audited once per window. Anything that changes a host is audited every time.
 */
const windowMs = 10 * 60_000;
/** Bounded: past this many remembered reads the oldest are forgotten (and the next such read is audited again). */
const maxRemembered = 10_000;

export class ReadAuditWindow {
  readonly #lastAudited = new Map<string, number>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** True when this read should be audited now; remembers it when so. */
  shouldAudit(user: string, hostId: string, action: string, paramsDigest: string): boolean {
    const key = `${user}\n${hostId}\n${action}\n${paramsDigest}`;
    const now = this.#now();
    const last = this.#lastAudited.get(key);
    if (last !== undefined && now - last < windowMs) return false;
    this.#lastAudited.delete(key); // re-insert at the end: the Map's order is the order of last auditing
    this.#lastAudited.set(key, now);
    while (this.#lastAudited.size > maxRemembered) {
      const oldest = this.#lastAudited.keys().next().value;
      if (oldest === undefined) break;
      this.#lastAudited.delete(oldest);
    }
    return true;
  }
}
