import { z } from 'zod';
import { alarmSchema } from '../../../modules/kernel/alarm-model.js';
import { timeZoneSchema } from '../time-zone.js';

/**
 * What the notification channels send and what they answer. One `Notification` is one message about one alarm to
 * one recipient over one configured channel; the dispatcher (./dispatcher.ts) queues it, and each channel renders it
 * with the templates in ./templates.ts.
 */

/** The three messages an on-call person gets about an alarm. */
export const notificationEvents = ['raised', 'escalated', 'cleared'] as const;
export type NotificationEvent = (typeof notificationEvents)[number];

/** A configured channel's id, as the notify configuration names it (`email`, `ops-webhook`, `sms-gateway`). */
export const channelIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'a channel id is lower-case letters, digits and dashes');

/**
 * Who gets it. `address` is an e-mail address or a phone number, checked by the channel that uses it (a webhook has
 * its address in its configuration). Control characters are refused here already: they are how header injection
 * starts.
 */
export const recipientSchema = z.object({
  /** The person or team, as the on-call schedule names them; recorded with every attempt. */
  name: z.string().max(100).regex(/^[^\p{Cc}\u2028\u2029]*$/u, 'no control characters').optional(),
  channel: channelIdSchema,
  address: z.string().max(320).regex(/^[^\p{Cc}\u2028\u2029]*$/u, 'no control characters').optional(),
});
export type Recipient = z.infer<typeof recipientSchema>;


export const notificationSchema = z.object({
  /** Unique per message; retries keep it, so a webhook receiver can drop duplicates (X-Gatehouse-Delivery). */
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  event: z.enum(notificationEvents),
  alarm: alarmSchema,
  recipient: recipientSchema,
  /** Names people know the site and host by; the alarm itself carries only ids. */
  site: z.object({ name: z.string().max(100).optional(), timeZone: timeZoneSchema.optional() }).default({}),
  hostName: z.string().max(255).optional(),
  /** For `escalated`: which step of the escalation policy this is (1 = first page). */
  escalationStep: z.number().int().min(1).max(100).optional(),
  /** The signed, single-use acknowledge link (./ack-link.ts); absent on `cleared`. */
  ack: z.object({ url: z.string().url().max(2000), expiresAt: z.number().int() }).optional(),
  /** When the engine made this message (ms). */
  createdAt: z.number().int(),
});
export type Notification = z.infer<typeof notificationSchema>;
/** What callers pass in: defaults (the empty `site`) not yet filled. */
export type NotificationInput = z.input<typeof notificationSchema>;

/**
 * What one send attempt came to. `retryable` says whether trying again later can help (a 503, a refused
 * connection, an SMTP 4xx) or not (a 400, an unknown mailbox, a bad address): the dispatcher retries only the first.
 */
export interface DeliveryOutcome {
  delivered: boolean;
  retryable: boolean;
  /** Short, for people reading the alarm's history: `HTTP 503`, `250 OK: queued`, `ECONNREFUSED`. Never a secret. */
  detail: string;
}

/** One way of reaching people. `send` does one attempt and never throws: failures come back as an outcome. */
export interface Channel {
  readonly id: string;
  send(message: Notification): Promise<DeliveryOutcome>;
}

export function delivered(detail: string): DeliveryOutcome {
  return { delivered: true, retryable: false, detail: oneLine(detail) };
}

export function failed(detail: string, retryable: boolean): DeliveryOutcome {
  return { delivered: false, retryable, detail: oneLine(detail) };
}

/** Outcome details end up in the alarm's history; keep them short and on one line. */
function oneLine(text: string): string {
  return text.replace(/[\p{Cc}\u2028\u2029]+/gu, ' ').trim().slice(0, 300);
}
