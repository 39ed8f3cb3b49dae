import type { NotificationEvent } from './notification.js';

/**
 * Every notification attempt and its outcome, kept so the alarm can show "paged Ana by SMS at 03:12, gateway
 * answered 503; retried 03:13, delivered". The console stores these in its database; MemoryAttemptLog is for tests.
 */
export interface DeliveryAttempt {
  notificationId: string;
  alarmId: string;
  event: NotificationEvent;
  channel: string;
  /** The recipient's name, or the address when there is no name. */
  recipient: string;
  /** 1 for the first try. */
  attempt: number;
  /** ms. */
  at: number;
  /**
   * `will-retry`: another attempt is queued for `nextAttemptAt`. `failed` is final. `cancelled`: the alarm was
   * acknowledged or cleared before this message went out (`attempt` is then the number already made, maybe 0).
   */
  status: 'delivered' | 'will-retry' | 'failed' | 'cancelled';
  detail: string;
  nextAttemptAt: number | null;
}

export interface AttemptLog {
  record(attempt: DeliveryAttempt): Promise<void>;
  /** Oldest first. */
  forAlarm(alarmId: string): Promise<DeliveryAttempt[]>;
}

export class MemoryAttemptLog implements AttemptLog {
  readonly #attempts: DeliveryAttempt[] = [];

  async record(attempt: DeliveryAttempt): Promise<void> {
    this.#attempts.push({ ...attempt });
  }

  async forAlarm(alarmId: string): Promise<DeliveryAttempt[]> {
    return this.#attempts.filter((a) => a.alarmId === alarmId).map((a) => ({ ...a }));
  }

  all(): DeliveryAttempt[] {
    return this.#attempts.map((a) => ({ ...a }));
  }
}
