import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { GatehouseError } from '../../../modules/kernel/errors.js';

/**
 * Signed, single-use, expiring acknowledge links (`https://console/ack/<token>`). The token is the only thing in the
 * path: a random selector (to find the record) and a random verifier (to prove it), `<selector>.<verifier>`. Only
 * the verifier's SHA-256 is stored, so a copy of the store cannot make links, and the comparison is constant-time.
 * The token is used for nothing else: not a session, not a secret shared with any other part.
 *
 * The page at the link (wired by the console) shows the alarm on GET and acknowledges only on a POST from its
 * one-click confirm button: mail scanners and link previews fetch URLs with GET, and must not acknowledge a page.
 */

/** What the store keeps for one link. Never the token itself. */
export interface AckTokenRecord {
  /** Random, public enough to look the record up; proves nothing on its own. */
  selector: string;
  /** hex SHA-256 of the verifier half of the token. */
  verifierHash: string;
  alarmId: string;
  recipient: string;
  /** ms since the epoch. */
  expiresAt: number;
  createdAt: number;
  /** ms since the epoch when it was redeemed; null while unused. */
  usedAt: number | null;
}

/**
 * Where link records live (the console's database; ./ack-link.ts has an in-memory one for tests). `take` is a
 * compare-and-set so that two clicks racing each other acknowledge once: in SQL,
 * `UPDATE ack_tokens SET used_at = ? WHERE selector = ? AND used_at IS NULL` and report whether one row changed.
 */
export interface AckTokenStore {
  save(record: AckTokenRecord): Promise<void>;
  get(selector: string): Promise<AckTokenRecord | undefined>;
  /** Mark the link used if nobody has; true when this call did it. */
  take(selector: string, usedAt: number): Promise<boolean>;
}

export interface AckLinkRedeemed {
  alarmId: string;
  recipient: string;
}

/** Links live at most a week: an old page in someone's mailbox should not acknowledge a new alarm's history. */
export const maxAckLinkLifetimeMs = 7 * 24 * 60 * 60 * 1000;

/** 18 random bytes (144 bits) each, base64url: 24 characters per half. */
const tokenPattern = /^([A-Za-z0-9_-]{24})\.([A-Za-z0-9_-]{24})$/;

const createSchema = z.object({
  alarmId: z.string().min(1).max(64),
  recipient: z.string().min(1).max(320).regex(/^[^\p{Cc}\u2028\u2029]*$/u, 'no control characters'),
  expiresAt: z.number().int(),
});

export interface AckLinksOptions {
  /** The console's public origin (`https://console.example:8443`), as config.ts publicOrigin() gives it. */
  publicOrigin: string;
  store: AckTokenStore;
  now?: () => number;
}

export class AckLinks {
  readonly #origin: string;
  readonly #store: AckTokenStore;
  readonly #now: () => number;

  constructor(options: AckLinksOptions) {
    let origin: URL;
    try {
      origin = new URL(options.publicOrigin);
    } catch {
      throw new GatehouseError('invalid-params', 'The public origin must be an http(s) URL');
    }
    if (origin.protocol !== 'https:' && origin.protocol !== 'http:') {
      throw new GatehouseError('invalid-params', 'The public origin must be an http(s) URL');
    }
    this.#origin = origin.origin;
    this.#store = options.store;
    this.#now = options.now ?? Date.now;
  }

  /** A new link for one recipient of one alarm, valid until `expiresAt` (ms), at most a week ahead. */
  async createAckLink(input: { alarmId: string; recipient: string; expiresAt: number }): Promise<URL> {
    const parsed = createSchema.safeParse(input);
    if (!parsed.success) throw new GatehouseError('invalid-params', `Bad acknowledge link request: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    const now = this.#now();
    const { alarmId, recipient, expiresAt } = parsed.data;
    if (expiresAt <= now) throw new GatehouseError('invalid-params', 'An acknowledge link must expire in the future', { alarmId });
    if (expiresAt - now > maxAckLinkLifetimeMs) throw new GatehouseError('invalid-params', 'An acknowledge link may live at most 7 days', { alarmId });
    const selector = randomBytes(18).toString('base64url');
    const verifier = randomBytes(18).toString('base64url');
    await this.#store.save({ selector, verifierHash: sha256Hex(verifier), alarmId, recipient, expiresAt, createdAt: now, usedAt: null });
    return new URL(`/ack/${selector}.${verifier}`, this.#origin);
  }

  /** What a link is for, without using it: the GET page shows this and asks for the one-click confirm. */
  async checkAckLink(token: string, now: number): Promise<AckLinkRedeemed> {
    const { record } = await this.#find(token, now);
    return { alarmId: record.alarmId, recipient: record.recipient };
  }

  /**
   * Use a link once: the alarm and the recipient to record as the one who acknowledged. Fails with `not-found`
   * (unknown or tampered), `conflict` (already used) or `unauthorized` (expired).
   */
  async redeemAckLink(token: string, now: number): Promise<AckLinkRedeemed> {
    const { record } = await this.#find(token, now);
    if (!(await this.#store.take(record.selector, now))) {
      throw new GatehouseError('conflict', 'This acknowledge link has already been used', { alarmId: record.alarmId });
    }
    return { alarmId: record.alarmId, recipient: record.recipient };
  }

  async #find(token: string, now: number): Promise<{ record: AckTokenRecord }> {
    // One answer for "no such link" and "wrong verifier": a prober learns nothing about which selectors exist.
    const notFound = new GatehouseError('not-found', 'This acknowledge link is not valid');
    const match = typeof token === 'string' ? tokenPattern.exec(token) : null;
    if (!match) throw notFound;
    const [, selector = '', verifier = ''] = match;
    const record = await this.#store.get(selector);
    if (!record) throw notFound;
    const expected = Buffer.from(record.verifierHash, 'hex');
    const actual = Buffer.from(sha256Hex(verifier), 'hex');
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) throw notFound;
    if (record.usedAt !== null) throw new GatehouseError('conflict', 'This acknowledge link has already been used', { alarmId: record.alarmId });
    if (now >= record.expiresAt) throw new GatehouseError('unauthorized', 'This acknowledge link has expired', { alarmId: record.alarmId });
    return { record };
  }
}

/** For tests and a single-process console without a database. */
export class MemoryAckTokenStore implements AckTokenStore {
  readonly #records = new Map<string, AckTokenRecord>();

  async save(record: AckTokenRecord): Promise<void> {
    if (this.#records.has(record.selector)) throw new GatehouseError('exists', 'Acknowledge token selector already stored');
    this.#records.set(record.selector, { ...record });
  }

  async get(selector: string): Promise<AckTokenRecord | undefined> {
    const record = this.#records.get(selector);
    return record ? { ...record } : undefined;
  }

  async take(selector: string, usedAt: number): Promise<boolean> {
    const record = this.#records.get(selector);
    if (!record || record.usedAt !== null) return false;
    record.usedAt = usedAt;
    return true;
  }

  /** For tests: what is stored, to check that no token is. */
  all(): AckTokenRecord[] {
    return [...this.#records.values()].map((r) => ({ ...r }));
  }
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
