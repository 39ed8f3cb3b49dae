import nodemailer, { type Transporter } from 'nodemailer';
import { z } from 'zod';
import { GatehouseError } from '../../../modules/kernel/errors.js';
import { isLoopbackHost } from './endpoint.js';
import { type Channel, type DeliveryOutcome, type Notification, channelIdSchema, delivered, failed } from './notification.js';
import { renderAlarmMessage } from './templates.js';

/**
 * E-mail over SMTP with nodemailer: text/plain UTF-8 (and the same words as escaped HTML). Addresses are checked
 * strictly before nodemailer sees them — one address, no display-name tricks, no CR/LF — because a newline in an
 * address or a subject is how extra headers and extra recipients get in.
 */

/** local@domain, with nothing that could start a second address, a comment, a header or a route. */
const addressPattern = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*$/;

export function isMailAddress(address: string): boolean {
  return address.length <= 254 && addressPattern.test(address);
}

export const emailConfigSchema = z.object({
  id: channelIdSchema,
  host: z.string().min(1).max(255),
  port: z.number().int().min(1).max(65535),
  /**
   * `tls`: TLS from the first byte (port 465). `starttls`: plain, then STARTTLS is required (port 587).
   * `none`: no encryption at all — only to a relay on this machine (127.0.0.1, ::1, localhost).
   * Certificates are always verified; `ca` (PEM) adds a private CA.
   */
  security: z.enum(['tls', 'starttls', 'none']),
  ca: z.string().max(20_000).optional(),
  auth: z.object({ user: z.string().min(1).max(256), pass: z.string().min(1).max(256) }).optional(),
  from: z.string().refine(isMailAddress, 'from: one plain address (name@example.org)'),
  /** Also send the HTML part (same words, escaped). */
  html: z.boolean().default(true),
  timeoutMs: z.number().int().min(1000).max(120_000).default(30_000),
});
export type EmailConfig = z.input<typeof emailConfigSchema>;

export class EmailChannel implements Channel {
  readonly id: string;
  readonly #from: string;
  readonly #html: boolean;
  readonly #transport: Transporter;

  constructor(config: EmailConfig) {
    const parsed = emailConfigSchema.safeParse(config);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new GatehouseError('invalid-params', `E-mail configuration: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
    }
    const c = parsed.data;
    if (c.security === 'none' && !isLoopbackHost(c.host)) {
      throw new GatehouseError('invalid-params', 'E-mail configuration: security "none" is only allowed to a relay on this machine; use tls or starttls');
    }
    if (c.security === 'none' && c.auth) {
      throw new GatehouseError('invalid-params', 'E-mail configuration: a password is never sent without TLS');
    }
    this.id = c.id;
    this.#from = c.from;
    this.#html = c.html;
    this.#transport = nodemailer.createTransport({
      host: c.host,
      port: c.port,
      secure: c.security === 'tls',
      requireTLS: c.security === 'starttls',
      // A local relay often offers STARTTLS with a self-signed certificate; with "none" we do not try it at all
      // rather than try it unverified.
      ignoreTLS: c.security === 'none',
      ...(c.auth ? { auth: { user: c.auth.user, pass: c.auth.pass } } : {}),
      tls: { rejectUnauthorized: true, minVersion: 'TLSv1.2', ...(c.ca ? { ca: c.ca } : {}) },
      connectionTimeout: c.timeoutMs,
      greetingTimeout: c.timeoutMs,
      socketTimeout: c.timeoutMs,
      // Nothing in a message may make nodemailer read a file or fetch a URL.
      disableFileAccess: true,
      disableUrlAccess: true,
    });
  }

  async send(message: Notification): Promise<DeliveryOutcome> {
    const to = message.recipient.address ?? '';
    if (!isMailAddress(to)) return failed('not a plain e-mail address', false);
    const rendered = renderAlarmMessage(message);
    try {
      const info = await this.#transport.sendMail({
        from: this.#from,
        to,
        subject: rendered.subject,
        text: rendered.text,
        ...(this.#html ? { html: rendered.html } : {}),
        textEncoding: 'quoted-printable',
        headers: { 'X-Gatehouse-Alarm': message.alarm.id.replace(/[^A-Za-z0-9_.:-]/g, '') },
        disableFileAccess: true,
        disableUrlAccess: true,
      });
      if ((info.rejected ?? []).length > 0) return failed(`recipient refused: ${String(info.response ?? '')}`, false);
      return delivered(String(info.response ?? 'accepted'));
    } catch (err) {
      return smtpFailure(err);
    }
  }

  /** Close pooled connections (the console on shutdown; tests). */
  close(): void {
    this.#transport.close();
  }
}

/** SMTP 4xx and connection trouble pass; 5xx (no such mailbox, relay denied) will not pass by waiting. */
function smtpFailure(err: unknown): DeliveryOutcome {
  const e = err as { responseCode?: number; code?: string; response?: string; message?: string };
  if (typeof e.responseCode === 'number') return failed(`SMTP ${e.responseCode} ${e.response ?? ''}`, e.responseCode < 500);
  const transient = ['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ECONNREFUSED', 'ECONNRESET'];
  if (e.code === 'EAUTH' || e.code === 'ETLS') return failed(`${e.code}: ${e.message ?? ''}`, false);
  return failed(`${e.code ?? 'error'}: ${e.message ?? String(err)}`, transient.includes(e.code ?? ''));
}
