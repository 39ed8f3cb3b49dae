import { z } from 'zod';
import { GatehouseError } from '../../../modules/kernel/errors.js';
import { checkHttpEndpoint } from './endpoint.js';
import { postOnce } from './http-post.js';
import { type Channel, type DeliveryOutcome, type Notification, channelIdSchema, failed } from './notification.js';
import { renderAlarmMessage } from './templates.js';
import { cut } from './text.js';

/**
 * SMS through whatever HTTP gateway the site has: the body is the operator's template with `{{to}}` and `{{text}}`
 * filled in. The template is parsed first (as JSON, or as a form) and the fields are filled in the parsed
 * structure, then serialized: a quote, a newline or an `&` in alarm text stays inside its field whatever it is.
 */
export const smsConfigSchema = z.object({
  id: channelIdSchema,
  url: z.string().max(2000),
  format: z.enum(['json', 'form']),
  /** e.g. `{"to":"{{to}}","message":"{{text}}","sender":"Gatehouse"}` or `to={{to}}&body={{text}}`. */
  bodyTemplate: z.string().min(1).max(4000),
  /** The gateway's credentials go here (`Authorization: Bearer …`), never in the URL. */
  headers: z
    .record(
      z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'a header name is letters, digits and dashes'),
      z.string().max(2000).regex(/^[^\p{Cc}]*$/u, 'no control characters in a header value'),
    )
    .default({}),
  /** One SMS is 160 characters; two concatenated are 320 (gateways count UCS-2 texts shorter: keep 160 then). */
  maxLength: z.union([z.literal(160), z.literal(320)]).default(160),
  timeoutMs: z.number().int().min(100).max(60_000).default(10_000),
});
export type SmsConfig = z.input<typeof smsConfigSchema>;

/** Loose E.164: an optional +, then 6 to 15 digits. Nothing else reaches a gateway. */
const phonePattern = /^\+?[1-9][0-9]{5,14}$/;
const placeholder = /\{\{\s*(to|text)\s*\}\}/g;
const reservedHeaders = new Set(['host', 'content-length', 'content-type', 'transfer-encoding', 'connection']);

export class SmsChannel implements Channel {
  readonly id: string;
  readonly #url: URL;
  readonly #format: 'json' | 'form';
  readonly #template: string;
  readonly #headers: Record<string, string>;
  readonly #maxLength: number;
  readonly #timeoutMs: number;

  constructor(config: SmsConfig) {
    const parsed = smsConfigSchema.safeParse(config);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new GatehouseError('invalid-params', `SMS configuration: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
    }
    const c = parsed.data;
    this.id = c.id;
    this.#url = checkHttpEndpoint(c.url, `SMS gateway ${c.id}`);
    this.#format = c.format;
    this.#template = c.bodyTemplate;
    for (const name of Object.keys(c.headers)) {
      if (reservedHeaders.has(name.toLowerCase())) throw new GatehouseError('invalid-params', `SMS configuration: header ${name} is set by Gatehouse`);
    }
    this.#headers = c.headers;
    this.#maxLength = c.maxLength;
    this.#timeoutMs = c.timeoutMs;
    // Refuse a template we cannot fill now, at configuration time, not at 3 a.m.
    renderSmsBody(c.format, c.bodyTemplate, { to: '+10000000', text: 'test' });
  }

  async send(message: Notification): Promise<DeliveryOutcome> {
    const to = message.recipient.address ?? '';
    if (!phonePattern.test(to)) return failed('not a phone number (E.164 digits, optional +)', false);
    const body = renderSmsBody(this.#format, this.#template, { to, text: smsText(message, this.#maxLength) });
    const contentType = this.#format === 'json' ? 'application/json; charset=utf-8' : 'application/x-www-form-urlencoded; charset=utf-8';
    return postOnce(this.#url, { ...this.#headers, 'Content-Type': contentType, 'User-Agent': 'Gatehouse-Notify' }, body, this.#timeoutMs);
  }
}

/** The SMS text: the short message cut to fit, and the acknowledge link whole at the end (a cut link is useless). */
export function smsText(message: Notification, maxLength: number): string {
  const short = renderAlarmMessage(message).short;
  const link = message.ack?.url;
  if (!link || link.length > maxLength - 40) return cut(short, maxLength);
  return `${cut(short, maxLength - link.length - 1)}\n${link}`;
}

/** Fill `{{to}}` and `{{text}}` inside the template's string values (JSON) or field values (form). */
export function renderSmsBody(format: 'json' | 'form', template: string, fields: { to: string; text: string }): string {
  const fill = (s: string): string => s.replace(placeholder, (_, name: 'to' | 'text') => fields[name]);
  const used = new Set<string>();
  const note = (s: string): void => {
    for (const m of s.matchAll(placeholder)) used.add(m[1] ?? '');
    if (/\{\{/.test(s.replace(placeholder, ''))) throw new GatehouseError('invalid-params', 'SMS template: only {{to}} and {{text}} can be filled in');
  };
  let body: string;
  if (format === 'json') {
    let tree: unknown;
    try {
      tree = JSON.parse(template);
    } catch {
      throw new GatehouseError('invalid-params', 'SMS template: not valid JSON (put {{to}} and {{text}} inside strings)');
    }
    const walk = (node: unknown): unknown => {
      if (typeof node === 'string') {
        note(node);
        return fill(node);
      }
      if (Array.isArray(node)) return node.map(walk);
      if (node && typeof node === 'object') {
        return Object.fromEntries(
          Object.entries(node).map(([key, value]) => {
            if (/\{\{/.test(key)) throw new GatehouseError('invalid-params', 'SMS template: placeholders belong in values, not keys');
            return [key, walk(value)];
          }),
        );
      }
      return node;
    };
    body = JSON.stringify(walk(tree));
  } else {
    const form = new URLSearchParams(template);
    const out = new URLSearchParams();
    for (const [key, value] of form) {
      if (/\{\{/.test(key)) throw new GatehouseError('invalid-params', 'SMS template: placeholders belong in values, not keys');
      note(value);
      out.append(key, fill(value));
    }
    body = out.toString();
  }
  if (!used.has('to') || !used.has('text')) throw new GatehouseError('invalid-params', 'SMS template: needs both {{to}} and {{text}}');
  return body;
}
