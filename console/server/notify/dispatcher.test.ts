import { describe, expect, it } from 'vitest';
import { MemoryAttemptLog, type AttemptLog } from './attempt-log.js';
import { NotificationDispatcher, retryDelay, retryPolicySchema } from './dispatcher.js';
import { type Channel, type DeliveryOutcome, type Notification, delivered, failed } from './notification.js';
import { sampleNotification } from './sample-notification.js';

/**
 * The queue's own rules, with channels written in the test (the real channels are tested against real servers in
 * their own files): each one answers from a script and counts what it was asked to send.
 */
function scriptedChannel(id: string, answers: Array<DeliveryOutcome | Error>, gate?: Promise<void>): Channel & { sent: Notification[] } {
  const sent: Notification[] = [];
  return {
    id,
    sent,
    async send(message) {
      sent.push(message);
      if (gate) await gate;
      const answer = answers.shift() ?? delivered('ok');
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
}

const t0 = Date.parse('2026-11-24T02:12:00Z');
const email = (id: string) => sampleNotification({ id });

describe('notification dispatcher', () => {
  it('refuses malformed messages and unknown channels when they are queued, not later', () => {
    const dispatcher = new NotificationDispatcher({ channels: [scriptedChannel('email', [])], log: new MemoryAttemptLog() });
    expect(() => dispatcher.enqueue(sampleNotification({ recipient: { channel: 'pager', address: 'x' } }), t0)).toThrow(
      expect.objectContaining({ code: 'unknown-channel' }),
    );
    expect(() => dispatcher.enqueue({ ...email('n-1'), alarm: { id: 'a' } } as never, t0)).toThrow(expect.objectContaining({ code: 'invalid-params' }));
    expect(() => dispatcher.enqueue(email('bad id with spaces'), t0)).toThrow(expect.objectContaining({ code: 'invalid-params' }));
    dispatcher.enqueue(email('n-1'), t0);
    expect(() => dispatcher.enqueue(email('n-1'), t0)).toThrow(expect.objectContaining({ code: 'exists' }));
  });

  it('backs off exponentially, capped, with jitter between half and all of the delay', () => {
    const policy = retryPolicySchema.parse({ firstDelayMs: 30_000, maxDelayMs: 300_000 });
    expect([1, 2, 3, 4, 5, 6].map((n) => retryDelay(policy, n, 1))).toEqual([30_000, 60_000, 120_000, 240_000, 300_000, 300_000]);
    expect(retryDelay(policy, 1, 0)).toBe(15_000);
    expect(retryDelay(policy, 40, 0.5)).toBe(225_000);
  });

  it('a channel that throws is recorded as failed and not retried', async () => {
    const channel = scriptedChannel('email', [new Error('bug')]);
    const log = new MemoryAttemptLog();
    const dispatcher = new NotificationDispatcher({ channels: [channel], log });
    dispatcher.enqueue(email('n-1'), t0);
    await dispatcher.runDue(t0);
    expect(log.all().map((a) => [a.status, a.detail])).toEqual([['failed', 'internal error: bug']]);
    expect(dispatcher.nextDueAt()).toBeNull();
  });

  it('never sends one message twice when runs overlap', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const channel = scriptedChannel('email', [], gate);
    const dispatcher = new NotificationDispatcher({ channels: [channel], log: new MemoryAttemptLog(), concurrency: 2 });
    for (let i = 0; i < 5; i++) dispatcher.enqueue(email(`n-${i}`), t0);
    const first = dispatcher.runDue(t0);
    const second = dispatcher.runDue(t0);
    open();
    expect(await first).toBe(5);
    expect(await second).toBe(0);
    expect(channel.sent.map((m) => m.id).sort()).toEqual(['n-0', 'n-1', 'n-2', 'n-3', 'n-4']);
  });

  it('keeps retrying a message when the attempt log itself fails, and says so', async () => {
    const broken: AttemptLog = {
      record: async () => {
        throw new Error('disk full');
      },
      forAlarm: async () => [],
    };
    const errors: string[] = [];
    const channel = scriptedChannel('email', [failed('HTTP 503', true), delivered('ok')]);
    const dispatcher = new NotificationDispatcher({ channels: [channel], log: broken, random: () => 1, onLogError: (err) => errors.push((err as Error).message) });
    dispatcher.enqueue(email('n-1'), t0);
    await dispatcher.runDue(t0);
    await dispatcher.runDue(dispatcher.nextDueAt()!);
    expect(channel.sent).toHaveLength(2);
    expect(errors).toEqual(['disk full', 'disk full']);
    expect(dispatcher.pending()).toEqual([]);
  });

  it('each message keeps its own schedule: one delivered, one retrying, one given up', async () => {
    const channel = scriptedChannel('email', [delivered('250 ok'), failed('SMTP 451', true), failed('SMTP 550', false)]);
    const log = new MemoryAttemptLog();
    const dispatcher = new NotificationDispatcher({ channels: [channel], log, concurrency: 1, random: () => 1 });
    for (const id of ['n-a', 'n-b', 'n-c']) dispatcher.enqueue(email(id), t0);
    await dispatcher.runDue(t0);
    expect(log.all().map((a) => [a.notificationId, a.status])).toEqual([
      ['n-a', 'delivered'],
      ['n-b', 'will-retry'],
      ['n-c', 'failed'],
    ]);
    expect(dispatcher.pending()).toEqual([{ notificationId: 'n-b', alarmId: 'alarm-42', channel: 'email', attempts: 1, nextAttemptAt: t0 + 30_000 }]);
  });
});

describe('notification dispatcher: the page stops', () => {
  it('drops queued retries about an acknowledged alarm and records why; an attempt under way is not retried', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const slow = scriptedChannel('sms', [failed('HTTP 503', true)], gate);
    const email = scriptedChannel('email', [failed('SMTP 451', true)]);
    const log = new MemoryAttemptLog();
    const dispatcher = new NotificationDispatcher({ channels: [slow, email], log, random: () => 1 });
    dispatcher.enqueue(sampleNotification({ id: 'mail' }), t0);
    await dispatcher.runDue(t0);
    dispatcher.enqueue(sampleNotification({ id: 'text', recipient: { channel: 'sms', address: '+491701234567' } }), t0);
    dispatcher.enqueue(sampleNotification({ id: 'other', alarm: { id: 'alarm-7' } }), t0 + 1);
    const running = dispatcher.runDue(t0);
    expect(await dispatcher.cancelForAlarm('alarm-42', t0 + 5, 'acknowledged by ana')).toBe(2);
    open();
    await running;
    expect(dispatcher.pending().map((p) => p.notificationId)).toEqual(['other']);
    expect(log.all().map((a) => [a.notificationId, a.attempt, a.status, a.detail])).toEqual([
      ['mail', 1, 'will-retry', 'SMTP 451'],
      ['mail', 1, 'cancelled', 'acknowledged by ana'],
      ['text', 1, 'failed', 'HTTP 503'],
    ]);
  });
});
