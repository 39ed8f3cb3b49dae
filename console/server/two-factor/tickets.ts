/**
 * Login tickets: what a user holds between "the password was right" and "the second factor was right" (or, for a
 * user who must enrol first, "the enrolment is done"). A ticket is random, lives 5 minutes, belongs to one user and
 * the address that gave the password, survives a few wrong codes (people mistype) and is spent by the one attempt
 * that starts the session. Kept in memory: a console restart costs a user one more password entry, no more; only
 * its SHA-256 is a key, so a heap dump holds no usable ticket.
 */
import { createHash, randomBytes } from 'node:crypto';

export type TicketPurpose = 'second-factor' | 'enrolment';

export const TICKET_LIFETIME_MS = 5 * 60_000;
/** Wrong second factors one ticket survives; then the password must be given again. */
export const TICKET_MAX_FAILURES = 5;
/** Most tickets held at once; past it the oldest go (each costs a right password, so this is generous). */
const MAX_TICKETS = 10_000;

export interface LoginTicket {
  userId: string;
  purpose: TicketPurpose;
  address: string;
  expiresAt: number;
  failures: number;
}

export interface LoginTicketsOptions {
  now?: () => number;
  lifetimeMs?: number;
}

function keyOf(ticket: string): string {
  return createHash('sha256').update(ticket).digest('hex');
}

export class LoginTickets {
  readonly #tickets = new Map<string, LoginTicket>();
  readonly #now: () => number;
  readonly #lifetimeMs: number;

  constructor(options: LoginTicketsOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#lifetimeMs = options.lifetimeMs ?? TICKET_LIFETIME_MS;
  }

  /** A new ticket for `userId`; any earlier ticket of the user stops working (one login in flight per user). */
  issue(userId: string, purpose: TicketPurpose, address: string): string {
    const now = this.#now();
    for (const [key, held] of this.#tickets) {
      if (held.userId === userId || held.expiresAt <= now) this.#tickets.delete(key);
    }
    while (this.#tickets.size >= MAX_TICKETS) this.#tickets.delete(this.#tickets.keys().next().value!);
    const ticket = randomBytes(32).toString('base64url');
    this.#tickets.set(keyOf(ticket), { userId, purpose, address, expiresAt: now + this.#lifetimeMs, failures: 0 });
    return ticket;
  }

  /** The ticket, if it exists, is for `purpose`, was issued to `address` and has not expired. Does not spend it. */
  find(ticket: string, purpose: TicketPurpose, address: string): LoginTicket | undefined {
    const key = keyOf(ticket);
    const held = this.#tickets.get(key);
    if (held === undefined) return undefined;
    if (held.expiresAt <= this.#now()) {
      this.#tickets.delete(key);
      return undefined;
    }
    return held.purpose === purpose && held.address === address ? held : undefined;
  }

  /** Count a wrong second factor against the ticket; the last allowed one voids it. */
  fail(ticket: string): void {
    const key = keyOf(ticket);
    const held = this.#tickets.get(key);
    if (held === undefined) return;
    held.failures += 1;
    if (held.failures >= TICKET_MAX_FAILURES) this.#tickets.delete(key);
  }

  /** Spend the ticket (the session starts); false when it was spent or voided meanwhile. */
  spend(ticket: string): boolean {
    return this.#tickets.delete(keyOf(ticket));
  }

  /** Void every ticket of a user (their password changed, their account was disabled). */
  revokeUser(userId: string): void {
    for (const [key, held] of this.#tickets) if (held.userId === userId) this.#tickets.delete(key);
  }
}
