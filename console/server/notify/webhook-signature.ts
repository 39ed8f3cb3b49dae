import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * How Gatehouse signs a webhook, and how a receiver checks it (README.md "Verifying a webhook").
 *
 *   X-Gatehouse-Timestamp: 1795999920            (Unix seconds when this attempt was sent)
 *   X-Gatehouse-Signature: sha256=<hex HMAC-SHA256(secret, `${timestamp}.${rawBody}`)>
 *
 * The timestamp is inside the signed text, so a captured request cannot be replayed with a fresh time; a receiver
 * refuses timestamps outside its window (5 minutes by default) and may drop repeated X-Gatehouse-Delivery ids.
 */

export const timestampHeader = 'X-Gatehouse-Timestamp';
export const signatureHeader = 'X-Gatehouse-Signature';
/** The notification id: the same on every retry of one message. */
export const deliveryHeader = 'X-Gatehouse-Delivery';

export const defaultReplayWindowSeconds = 300;

/** `sha256=<hex>` over `${timestamp}.${body}`. */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export interface WebhookCheck {
  secret: string;
  /** The raw request body, exactly as received (before any JSON parsing). */
  body: string;
  timestamp: string | undefined;
  signature: string | undefined;
  /** The receiver's clock, ms. */
  now: number;
  windowSeconds?: number;
}

/** A receiver's check: the signature matches and the timestamp is within the window. The reason says which failed. */
export function verifyWebhook(check: WebhookCheck): { ok: true } | { ok: false; reason: string } {
  const window = check.windowSeconds ?? defaultReplayWindowSeconds;
  if (!check.timestamp || !/^\d{1,12}$/.test(check.timestamp)) return { ok: false, reason: 'missing or malformed timestamp' };
  const timestamp = Number(check.timestamp);
  if (Math.abs(check.now / 1000 - timestamp) > window) return { ok: false, reason: 'timestamp outside the replay window' };
  if (!check.signature || !/^sha256=[0-9a-f]{64}$/.test(check.signature)) return { ok: false, reason: 'missing or malformed signature' };
  const expected = Buffer.from(signWebhook(check.secret, timestamp, check.body));
  const actual = Buffer.from(check.signature);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return { ok: false, reason: 'signature does not match' };
  return { ok: true };
}
