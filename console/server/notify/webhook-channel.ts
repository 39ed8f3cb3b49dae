import { z } from 'zod';
import { GatehouseError } from '../../../modules/kernel/errors.js';
import { checkHttpEndpoint } from './endpoint.js';
import { postOnce } from './http-post.js';
import { type Channel, type DeliveryOutcome, type Notification, channelIdSchema } from './notification.js';
import { renderAlarmMessage } from './templates.js';
import { deliveryHeader, signatureHeader, signWebhook, timestampHeader } from './webhook-signature.js';

/**
 * Webhooks: the notification as JSON, POSTed and signed (./webhook-signature.ts). Each attempt is signed afresh
 * with its own timestamp, so a retry an hour later still falls inside the receiver's replay window.
 */
export const webhookConfigSchema = z.object({
  id: channelIdSchema,
  url: z.string().max(2000),
  /** Per webhook, random, shared with the receiver only. Sent never; it keys the HMAC. */
  secret: z.string().min(32, 'a webhook secret is at least 32 characters').max(256),
  timeoutMs: z.number().int().min(100).max(60_000).default(10_000),
});
export type WebhookConfig = z.input<typeof webhookConfigSchema>;

/** What a receiver gets. `text` is the same plain text the e-mail carries; the rest is for programs. */
export interface WebhookBody {
  type: `alarm.${Notification['event']}`;
  notificationId: string;
  sentAt: string;
  alarm: Notification['alarm'];
  site: Notification['site'];
  hostName: string | null;
  escalationStep: number | null;
  recipient: string | null;
  ackUrl: string | null;
  subject: string;
  text: string;
}

export class WebhookChannel implements Channel {
  readonly id: string;
  readonly #url: URL;
  readonly #secret: string;
  readonly #timeoutMs: number;
  readonly #now: () => number;

  constructor(config: WebhookConfig, now: () => number = Date.now) {
    const parsed = webhookConfigSchema.safeParse(config);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new GatehouseError('invalid-params', `Webhook configuration: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
    }
    this.id = parsed.data.id;
    this.#url = checkHttpEndpoint(parsed.data.url, `Webhook ${parsed.data.id}`);
    this.#secret = parsed.data.secret;
    this.#timeoutMs = parsed.data.timeoutMs;
    this.#now = now;
  }

  async send(message: Notification): Promise<DeliveryOutcome> {
    const now = this.#now();
    const rendered = renderAlarmMessage(message);
    const payload: WebhookBody = {
      type: `alarm.${message.event}`,
      notificationId: message.id,
      sentAt: new Date(now).toISOString(),
      alarm: message.alarm,
      site: message.site,
      hostName: message.hostName ?? null,
      escalationStep: message.escalationStep ?? null,
      recipient: message.recipient.name ?? null,
      ackUrl: message.ack?.url ?? null,
      subject: rendered.subject,
      text: rendered.text,
    };
    const body = JSON.stringify(payload);
    const timestamp = Math.floor(now / 1000);
    return postOnce(
      this.#url,
      {
        'Content-Type': 'application/json; charset=utf-8',
        'User-Agent': 'Gatehouse-Notify',
        [timestampHeader]: String(timestamp),
        [signatureHeader]: signWebhook(this.#secret, timestamp, body),
        [deliveryHeader]: message.id,
      },
      body,
      this.#timeoutMs,
    );
  }
}
