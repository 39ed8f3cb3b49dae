import { z } from 'zod';
import { GatehouseError } from '../../../modules/kernel/errors.js';
import type { AttemptLog, DeliveryAttempt } from './attempt-log.js';
import { type Channel, type DeliveryOutcome, type Notification, type NotificationInput, failed, notificationSchema } from './notification.js';

/**
 * The delivery queue: notifications go in, each is sent through its recipient's channel, failures worth retrying
 * are tried again later with exponential backoff (bounded in number and in delay), and every attempt is written to
 * the attempt log. Time is passed in (`runDue(now)`), so tests step through an hour of retries without sleeping;
 * the console calls `start()`, which does the same on a timer.
 *
 * Example with the defaults (first retry 30 s, doubling, at most 15 min apart, 5 attempts): attempt 1 at 03:12:00
 * fails with HTTP 503 → attempt 2 about 03:12:30 → 3 about 03:13:30 → 4 about 03:15:30 → 5 about 03:19:30, then
 * `failed`. Each delay is scaled by a random factor between 0.5 and 1 so that many queued messages do not all
 * hit a recovering receiver in the same second.
 */
export const retryPolicySchema = z.object({
  maxAttempts: z.number().int().min(1).max(20).default(5),
  firstDelayMs: z.number().int().min(100).max(3_600_000).default(30_000),
  maxDelayMs: z.number().int().min(100).max(86_400_000).default(15 * 60_000),
});
export type RetryPolicy = z.infer<typeof retryPolicySchema>;

export interface DispatcherOptions {
  channels: Channel[];
  log: AttemptLog;
  retry?: z.input<typeof retryPolicySchema>;
  /** How many sends run at once. */
  concurrency?: number;
  /** For the jitter; tests pass a fixed one. */
  random?: () => number;
  /** Told when the attempt log itself fails (the message is still retried or finished as it should be). */
  onLogError?: (err: unknown, attempt: DeliveryAttempt) => void;
}

interface QueuedNotification {
  message: Notification;
  attempts: number;
  nextAttemptAt: number;
  inFlight: boolean;
  /** Set when cancelled during an attempt: that attempt is recorded, but no retry follows it. */
  cancelled: boolean;
}

/** Delay before attempt `attempt + 1`, after `attempt` failed: first·2^(attempt−1), capped, times 0.5…1. */
export function retryDelay(policy: RetryPolicy, attempt: number, random: number): number {
  const base = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.5 + 0.5 * Math.min(1, Math.max(0, random))));
}

export class NotificationDispatcher {
  readonly #channels = new Map<string, Channel>();
  readonly #log: AttemptLog;
  readonly #policy: RetryPolicy;
  readonly #concurrency: number;
  readonly #random: () => number;
  readonly #onLogError: (err: unknown, attempt: DeliveryAttempt) => void;
  readonly #queue = new Map<string, QueuedNotification>();
  #timer: NodeJS.Timeout | undefined;

  constructor(options: DispatcherOptions) {
    for (const channel of options.channels) {
      if (this.#channels.has(channel.id)) throw new GatehouseError('exists', `Two channels are named ${channel.id}`);
      this.#channels.set(channel.id, channel);
    }
    this.#log = options.log;
    this.#policy = retryPolicySchema.parse(options.retry ?? {});
    this.#concurrency = Math.max(1, Math.min(32, options.concurrency ?? 4));
    this.#random = options.random ?? Math.random;
    this.#onLogError = options.onLogError ?? (() => undefined);
  }

  /** Queue one message, first attempt due at `now`. Refuses a malformed message or an unknown channel at once. */
  enqueue(input: NotificationInput, now: number): Notification {
    const parsed = notificationSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new GatehouseError('invalid-params', `Notification: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
    }
    const message = parsed.data;
    if (!this.#channels.has(message.recipient.channel)) {
      throw new GatehouseError('unknown-channel', `No notification channel named ${message.recipient.channel}`, { alarmId: message.alarm.id });
    }
    if (this.#queue.has(message.id)) throw new GatehouseError('exists', `Notification ${message.id} is already queued`);
    this.#queue.set(message.id, { message, attempts: 0, nextAttemptAt: now, inFlight: false, cancelled: false });
    return message;
  }

  /** Make one attempt for every message due at `now`; resolves when they have all answered. Returns how many. */
  async runDue(now: number): Promise<number> {
    const due = [...this.#queue.values()].filter((q) => !q.inFlight && q.nextAttemptAt <= now).sort((a, b) => a.nextAttemptAt - b.nextAttemptAt);
    for (const q of due) q.inFlight = true;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < due.length) {
        const q = due[next++];
        if (q) await this.#attempt(q, now);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#concurrency, due.length) }, worker));
    return due.length;
  }

  /**
   * Stop paging about an alarm (it was acknowledged, or it cleared): queued messages about it that match `events`
   * are dropped and recorded as `cancelled`; one being sent right now finishes, but is not retried. Returns how many.
   */
  async cancelForAlarm(alarmId: string, now: number, reason: string, events: Notification['event'][] = ['raised', 'escalated']): Promise<number> {
    let count = 0;
    for (const q of [...this.#queue.values()]) {
      if (q.message.alarm.id !== alarmId || !events.includes(q.message.event)) continue;
      count += 1;
      if (q.inFlight) {
        q.cancelled = true;
        continue;
      }
      this.#queue.delete(q.message.id);
      await this.#record({ ...this.#attemptBase(q.message), attempt: q.attempts, at: now, status: 'cancelled', detail: failed(reason, false).detail, nextAttemptAt: null });
    }
    return count;
  }

  /** When the next attempt is due (ms), or null with nothing queued. */
  nextDueAt(): number | null {
    let first: number | null = null;
    for (const q of this.#queue.values()) if (!q.inFlight && (first === null || q.nextAttemptAt < first)) first = q.nextAttemptAt;
    return first;
  }

  /** What is waiting: for the alarm page ("retrying the webhook at 03:14"). */
  pending(): Array<{ notificationId: string; alarmId: string; channel: string; attempts: number; nextAttemptAt: number }> {
    return [...this.#queue.values()].map((q) => ({
      notificationId: q.message.id,
      alarmId: q.message.alarm.id,
      channel: q.message.recipient.channel,
      attempts: q.attempts,
      nextAttemptAt: q.nextAttemptAt,
    }));
  }

  /** Run due attempts on a timer with the real clock (the console). */
  start(intervalMs = 1000): void {
    if (this.#timer) return;
    let running = false;
    this.#timer = setInterval(() => {
      if (running) return;
      running = true;
      void this.runDue(Date.now()).finally(() => {
        running = false;
      });
    }, intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #attempt(q: QueuedNotification, now: number): Promise<void> {
    const { message } = q;
    const channel = this.#channels.get(message.recipient.channel);
    let outcome: DeliveryOutcome;
    try {
      outcome = channel ? await channel.send(message) : failed('channel removed', false);
    } catch (err) {
      // Channels answer with outcomes; a throw is a bug in one, and retrying a bug does not help.
      outcome = failed(`internal error: ${(err as Error).message}`, false);
    }
    q.attempts += 1;
    const retry = !outcome.delivered && outcome.retryable && !q.cancelled && q.attempts < this.#policy.maxAttempts;
    const nextAttemptAt = retry ? now + retryDelay(this.#policy, q.attempts, this.#random()) : null;
    const attempt: DeliveryAttempt = {
      ...this.#attemptBase(message),
      attempt: q.attempts,
      at: now,
      status: outcome.delivered ? 'delivered' : retry ? 'will-retry' : 'failed',
      detail: outcome.detail,
      nextAttemptAt,
    };
    if (nextAttemptAt === null) this.#queue.delete(message.id);
    else q.nextAttemptAt = nextAttemptAt;
    q.inFlight = false;
    await this.#record(attempt);
  }

  #attemptBase(message: Notification): Pick<DeliveryAttempt, 'notificationId' | 'alarmId' | 'event' | 'channel' | 'recipient'> {
    return {
      notificationId: message.id,
      alarmId: message.alarm.id,
      event: message.event,
      channel: message.recipient.channel,
      recipient: message.recipient.name ?? message.recipient.address ?? message.recipient.channel,
    };
  }

  async #record(attempt: DeliveryAttempt): Promise<void> {
    try {
      await this.#log.record(attempt);
    } catch (err) {
      this.#onLogError(err, attempt);
    }
  }
}
