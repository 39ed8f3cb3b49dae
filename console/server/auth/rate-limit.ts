/**
 * Login rate limiting (SECURITY.md rule 12): failed logins counted per account and per address in a sliding
 * window, in memory. One console instance keeps its own counts; that bounds guessing per instance, which is
 * what matters for the embedded deployment. Memory is bounded, so a flood of made-up names cannot exhaust it.
 */
import { isIPv4, isIPv6 } from 'node:net';

export interface RateLimitDecision {
  allowed: boolean;
  /** Seconds until one more attempt is allowed; 0 when allowed now. For a `Retry-After` header. */
  retryAfterSeconds: number;
}

export interface SlidingWindowOptions {
  /** Failures allowed within the window; the next attempt is refused until the oldest leaves it. */
  maxFailures: number;
  windowMs: number;
  /** Most keys tracked at once; past it the key that failed least recently is forgotten. */
  maxKeys?: number;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
}

const DEFAULT_MAX_KEYS = 10_000;
/**
 * How long a reserved attempt counts while its outcome is unknown. A password check takes well under a second;
 * past this the attempt is taken as abandoned (its caller threw, or went on to a second step) and stops counting.
 */
const PENDING_MS = 10_000;
const FIFTEEN_MINUTES_MS = 15 * 60 * 1000;

/**
 * Counts failures per key over a sliding window. Keys are kept in a Map in order of their latest failure, so the
 * head is always the stalest key: expired keys and, past the cap, the least recently failing ones are dropped
 * from there in amortized constant time.
 */
export class SlidingWindowLimiter {
  readonly #maxFailures: number;
  readonly #windowMs: number;
  readonly #maxKeys: number;
  readonly #now: () => number;
  /** Failure times per key, oldest first, at most maxFailures of them (older ones can no longer matter). */
  readonly #failures = new Map<string, number[]>();
  /** Start times of attempts in flight (reserve(), not yet failed or released), oldest first. */
  readonly #pending = new Map<string, number[]>();

  constructor(options: SlidingWindowOptions) {
    this.#maxFailures = options.maxFailures;
    this.#windowMs = options.windowMs;
    this.#maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS;
    this.#now = options.now ?? Date.now;
  }

  /** Keys currently tracked. */
  get size(): number {
    return this.#failures.size;
  }

  /** Whether `key` may try now. Does not count as an attempt. */
  check(key: string): RateLimitDecision {
    const now = this.#now();
    const times = this.#live(key, now);
    const inFlight = this.#livePending(key, now);
    if (times.length + inFlight < this.#maxFailures) return { allowed: true, retryAfterSeconds: 0 };
    // Full only with attempts still in flight: one of them may yet succeed, or fail and fill it for the window.
    if (times.length < this.#maxFailures) return { allowed: false, retryAfterSeconds: 1 };
    const freedAt = times[times.length - this.#maxFailures]! + this.#windowMs;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((freedAt - now) / 1000)) };
  }

  /**
   * Count an attempt that check() allowed as in flight, so that attempts checked while it runs see it: without
   * this, a burst sent in parallel all passes check() before the first failure is recorded.
   */
  reserve(key: string): void {
    const now = this.#now();
    const times = this.#pending.get(key) ?? [];
    times.push(now);
    this.#pending.delete(key);
    this.#pending.set(key, times);
    // Bounded like the failures: the stalest reservations go first.
    for (const stale of this.#pending.keys()) {
      if (this.#pending.size <= this.#maxKeys) break;
      this.#pending.delete(stale);
    }
  }

  /** An attempt in flight ended without failing. */
  release(key: string): void {
    const times = this.#pending.get(key);
    times?.shift();
    if (times?.length === 0) this.#pending.delete(key);
  }

  /** Record a failed attempt. Call it only for attempts check() allowed, or a locked key stays locked forever. */
  fail(key: string): void {
    this.release(key);
    const now = this.#now();
    const times = this.#live(key, now);
    times.push(now);
    if (times.length > this.#maxFailures) times.shift();
    // Re-insert so the Map's order stays "least recently failed first".
    this.#failures.delete(key);
    this.#failures.set(key, times);
    this.#evict(now);
  }

  /** Forget the key's failures (and its attempts in flight). */
  succeed(key: string): void {
    this.#failures.delete(key);
    this.#pending.delete(key);
  }

  #livePending(key: string, now: number): number {
    const times = this.#pending.get(key);
    if (times === undefined) return 0;
    while (times.length > 0 && times[0]! <= now - PENDING_MS) times.shift();
    if (times.length === 0) this.#pending.delete(key);
    return times.length;
  }

  /** The key's failures still inside the window; drops the key when none are. */
  #live(key: string, now: number): number[] {
    const times = this.#failures.get(key);
    if (times === undefined) return [];
    const live = times.filter((time) => time > now - this.#windowMs);
    if (live.length === 0) this.#failures.delete(key);
    else this.#failures.set(key, live);
    return live;
  }

  #evict(now: number): void {
    for (const [key, times] of this.#failures) {
      const expired = times[times.length - 1]! <= now - this.#windowMs;
      if (!expired && this.#failures.size <= this.#maxKeys) break;
      this.#failures.delete(key);
    }
  }
}

export interface LoginRateLimiterOptions {
  account?: { maxFailures: number; windowMs: number };
  address?: { maxFailures: number; windowMs: number };
  /** Per limiter; accounts and addresses are tracked apart so a flood of one cannot evict the other. */
  maxKeys?: number;
  now?: () => number;
}

/**
 * The login policy: 5 failures per account and 20 per address in 15 minutes. Usernames count whether or not the
 * account exists, so the limiter's answers do not reveal which names are real.
 */
export class LoginRateLimiter {
  readonly #accounts: SlidingWindowLimiter;
  readonly #addresses: SlidingWindowLimiter;

  constructor(options: LoginRateLimiterOptions = {}) {
    const { maxKeys, now } = options;
    this.#accounts = new SlidingWindowLimiter({ maxFailures: 5, windowMs: FIFTEEN_MINUTES_MS, ...options.account, maxKeys, now });
    this.#addresses = new SlidingWindowLimiter({ maxFailures: 20, windowMs: FIFTEEN_MINUTES_MS, ...options.address, maxKeys, now });
  }

  /**
   * Whether a login for `username` from `address` may be tried now; check before verifying the password. An allowed
   * attempt counts as in flight until fail() or succeed(), so parallel guesses cannot all pass the check at once.
   */
  check(username: string, address: string): RateLimitDecision {
    const byAccount = this.#accounts.check(accountKey(username));
    const byAddress = this.#addresses.check(addressKey(address));
    const allowed = byAccount.allowed && byAddress.allowed;
    if (allowed) {
      this.#accounts.reserve(accountKey(username));
      this.#addresses.reserve(addressKey(address));
    }
    return { allowed, retryAfterSeconds: Math.max(byAccount.retryAfterSeconds, byAddress.retryAfterSeconds) };
  }

  /**
   * The attempt checked for `username` from `address` ended with neither verdict: the password was right and a
   * second factor follows, which is checked (and counted) on its own. Only stops it counting as in flight; the
   * account's failures stay until the whole login succeeds.
   */
  release(username: string, address: string): void {
    this.#accounts.release(accountKey(username));
    this.#addresses.release(addressKey(address));
  }

  fail(username: string, address: string): void {
    this.#accounts.fail(accountKey(username));
    this.#addresses.fail(addressKey(address));
  }

  /**
   * Clears the account's failures only. The address keeps its count (given the address, only this attempt stops
   * being in flight): otherwise an attacker holding one valid account could reset their address between guesses
   * at everyone else's.
   */
  succeed(username: string, address?: string): void {
    this.#accounts.succeed(accountKey(username));
    if (address !== undefined) this.#addresses.release(addressKey(address));
  }
}

/** "Alice" and "alice " are one account to the limiter, whatever the user table's own comparison. */
function accountKey(username: string): string {
  return username.normalize('NFKC').trim().toLowerCase();
}

/**
 * The unit an address is limited by. IPv6 counts per /64, since one machine can rotate through its whole /64 at
 * will; an IPv4-mapped IPv6 address counts as its IPv4 address.
 */
export function addressKey(address: string): string {
  let text = address.trim().toLowerCase();
  const zone = text.indexOf('%');
  if (zone !== -1) text = text.slice(0, zone);
  if (!isIPv6(text)) return text;
  if (text.startsWith('::ffff:') && isIPv4(text.slice(7))) return text.slice(7);
  const groups = expandIPv6(text);
  return `${groups.slice(0, 4).join(':')}::/64`;
}

/** The eight hextets of a valid IPv6 address, without leading zeros. */
function expandIPv6(text: string): string[] {
  const toHextets = (part: string): string[] => {
    if (part === '') return [];
    return part.split(':').flatMap((piece) => {
      if (!piece.includes('.')) return [piece];
      // A trailing dotted IPv4 part (`64:ff9b::192.0.2.1`) is two hextets.
      const [a = 0, b = 0, c = 0, d = 0] = piece.split('.').map(Number);
      return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
    });
  };
  const [head = '', tail] = text.split('::');
  const left = toHextets(head);
  const right = tail === undefined ? [] : toHextets(tail);
  const zeros = Array.from({ length: 8 - left.length - right.length }, () => '0');
  return [...left, ...zeros, ...right].map((group) => parseInt(group, 16).toString(16));
}
