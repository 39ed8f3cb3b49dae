import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startWebhookSink, type WebhookSink } from '../../../test/support/webhook-sink.js';
import { GatehouseError } from '../../../modules/kernel/errors.js';
import { MemoryAttemptLog } from './attempt-log.js';
import { notificationSchema } from './notification.js';
import { NotificationDispatcher } from './dispatcher.js';
import { sampleNotification } from './sample-notification.js';
import { WebhookChannel, type WebhookBody } from './webhook-channel.js';
import { verifyWebhook } from './webhook-signature.js';

const secret = 'whsec-0123456789abcdef0123456789abcdef';
const t0 = Date.parse('2026-11-24T02:12:00Z');
let sink: WebhookSink;

beforeAll(async () => {
  sink = await startWebhookSink();
});
afterAll(async () => {
  await sink.stop();
});
beforeEach(() => {
  sink.requests.length = 0;
  sink.failNext(0);
});

/** A dispatcher with a webhook whose clock the test moves; jitter fixed at its maximum. */
function setup(maxAttempts = 5) {
  let now = t0;
  const webhook = new WebhookChannel({ id: 'ops-webhook', url: `${sink.url}/hooks/alarms`, secret }, () => now);
  const log = new MemoryAttemptLog();
  const dispatcher = new NotificationDispatcher({ channels: [webhook], log, retry: { maxAttempts, firstDelayMs: 30_000 }, random: () => 1 });
  const notification = sampleNotification({ id: 'hook-1', recipient: { name: 'ops room', channel: 'ops-webhook' } });
  /** Run what is due at `at` with the webhook's clock at `at` too. */
  const runAt = async (at: number) => {
    now = at;
    return dispatcher.runDue(at);
  };
  return { dispatcher, log, notification, runAt };
}

const check = (i: number, withSecret = secret, now = t0) => {
  const r = sink.requests[i];
  if (!r) throw new Error(`no request ${i}`);
  return verifyWebhook({
    secret: withSecret,
    body: r.body,
    timestamp: r.headers['x-gatehouse-timestamp'] as string | undefined,
    signature: r.headers['x-gatehouse-signature'] as string | undefined,
    now,
  });
};

describe('webhook channel against a real HTTP receiver', () => {
  it('POSTs the alarm as JSON with a signature the receiver can verify, and a wrong secret cannot', async () => {
    const { dispatcher, notification, runAt } = setup();
    dispatcher.enqueue(notification, t0);
    await runAt(t0);
    expect(sink.requests).toHaveLength(1);
    const r = sink.requests[0]!;
    expect(r.method).toBe('POST');
    expect(r.path).toBe('/hooks/alarms');
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    expect(r.headers['x-gatehouse-delivery']).toBe('hook-1');
    expect(r.headers['x-gatehouse-timestamp']).toBe(String(t0 / 1000));
    expect(r.headers['x-gatehouse-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    const body = JSON.parse(r.body) as WebhookBody;
    expect(body).toMatchObject({ type: 'alarm.raised', notificationId: 'hook-1', recipient: 'ops room', ackUrl: notification.ack?.url });
    expect(body.alarm.id).toBe('alarm-42');
    expect(body.text).toContain('Value:        4.82 (limit 4.5, HH)');
    expect(r.body).not.toContain(secret);

    expect(check(0)).toEqual({ ok: true });
    // What a receiver in another language computes, from the documented recipe alone.
    const recipe = createHmac('sha256', secret).update(`${r.headers['x-gatehouse-timestamp'] as string}.${r.body}`).digest('hex');
    expect(r.headers['x-gatehouse-signature']).toBe(`sha256=${recipe}`);
    expect(check(0, 'whsec-the-wrong-secret-0123456789abcdef')).toEqual({ ok: false, reason: 'signature does not match' });
    // The same request replayed ten minutes later is outside the window.
    expect(check(0, secret, t0 + 10 * 60_000)).toEqual({ ok: false, reason: 'timestamp outside the replay window' });
    // A body changed in transit no longer matches.
    const tampered = verifyWebhook({
      secret,
      body: r.body.replace('4.82', '1.00'),
      timestamp: r.headers['x-gatehouse-timestamp'] as string,
      signature: r.headers['x-gatehouse-signature'] as string,
      now: t0,
    });
    expect(tampered.ok).toBe(false);
  });

  it('retries after a 500 with backoff, re-signed with the new time, then delivers', async () => {
    const { dispatcher, log, notification, runAt } = setup();
    sink.failNext(1, 500);
    dispatcher.enqueue(notification, t0);
    await runAt(t0);
    expect(sink.requests.map((r) => r.answered)).toEqual([500]);
    // Not yet due: nothing is sent early.
    expect(await runAt(t0 + 29_999)).toBe(0);
    expect(dispatcher.nextDueAt()).toBe(t0 + 30_000);
    await runAt(t0 + 30_000);
    expect(sink.requests.map((r) => r.answered)).toEqual([500, 200]);
    expect(sink.requests[1]?.headers['x-gatehouse-delivery']).toBe('hook-1');
    expect(check(1, secret, t0 + 30_000)).toEqual({ ok: true });
    expect(sink.requests[1]?.headers['x-gatehouse-timestamp']).toBe(String((t0 + 30_000) / 1000));
    expect(dispatcher.pending()).toEqual([]);
    const attempts = await log.forAlarm('alarm-42');
    expect(attempts.map((a) => [a.attempt, a.status, a.detail, a.nextAttemptAt])).toEqual([
      [1, 'will-retry', 'HTTP 500', t0 + 30_000],
      [2, 'delivered', 'HTTP 200', null],
    ]);
  });

  it('does not retry a 400', async () => {
    const { dispatcher, log, notification, runAt } = setup();
    sink.failNext(1, 400);
    dispatcher.enqueue(notification, t0);
    await runAt(t0);
    expect(await runAt(t0 + 3_600_000)).toBe(0);
    expect(sink.requests).toHaveLength(1);
    expect((await log.forAlarm('alarm-42')).map((a) => [a.status, a.detail])).toEqual([['failed', 'HTTP 400']]);
  });

  it('gives up after the last attempt, with every attempt logged and the delays doubling', async () => {
    const { dispatcher, log, notification, runAt } = setup(4);
    sink.failNext(10, 503);
    dispatcher.enqueue(notification, t0);
    for (let i = 0; i < 10 && dispatcher.nextDueAt() !== null; i++) await runAt(dispatcher.nextDueAt()!);
    expect(sink.requests).toHaveLength(4);
    const attempts = await log.forAlarm('alarm-42');
    expect(attempts.map((a) => a.status)).toEqual(['will-retry', 'will-retry', 'will-retry', 'failed']);
    expect(attempts.map((a) => a.at - t0)).toEqual([0, 30_000, 90_000, 210_000]);
    expect(attempts.every((a) => a.detail === 'HTTP 503' && a.channel === 'ops-webhook' && a.recipient === 'ops room')).toBe(true);
    expect(dispatcher.pending()).toEqual([]);
  });

  it('a receiver that is down is retried', async () => {
    const down = new WebhookChannel({ id: 'down', url: 'http://127.0.0.1:1/x', secret, timeoutMs: 2000 });
    const outcome = await down.send(notificationSchema.parse(sampleNotification()));
    expect(outcome).toMatchObject({ delivered: false, retryable: true });
  });

  it('refuses credentials in the URL, plain http across the network, and short secrets', () => {
    expect(() => new WebhookChannel({ id: 'w', url: 'https://user:pw@hooks.example/x', secret })).toThrow(GatehouseError);
    expect(() => new WebhookChannel({ id: 'w', url: 'http://hooks.example/x', secret })).toThrow(/https/);
    expect(() => new WebhookChannel({ id: 'w', url: 'https://hooks.example/x', secret: 'short' })).toThrow(/32 characters/);
    expect(() => new WebhookChannel({ id: 'w', url: 'file:///etc/passwd', secret })).toThrow(GatehouseError);
    expect(() => new WebhookChannel({ id: 'w', url: 'https://hooks.example/x', secret })).not.toThrow();
  });
});
