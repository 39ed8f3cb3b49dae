/**
 * A real SMTP server on loopback for tests (the `smtp-server` package): it accepts every message, keeps it, and
 * parses it enough to read what a person would — subject, recipients, the text and HTML parts, and the links in the
 * text. Plain SMTP (STARTTLS and AUTH switched off), so senders must use `security: 'none'` to 127.0.0.1.
 *
 * The MIME reading is deliberately small: headers with folding and RFC 2047 encoded words, multipart by boundary,
 * quoted-printable and base64 bodies, UTF-8 (anything else read as Latin-1). Enough for our own mail, not a library.
 */
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';

export interface ReceivedMail {
  /** The SMTP envelope: MAIL FROM and RCPT TO, as the server saw them. */
  envelopeFrom: string;
  envelopeTo: string[];
  /** Header names lower-cased; values unfolded and decoded. */
  headers: Map<string, string[]>;
  subject: string;
  /** Decoded text/plain part ('' if none). */
  text: string;
  /** Decoded text/html part ('' if none). */
  html: string;
  /** http(s) URLs found in the text part, in order. */
  links: string[];
  raw: string;
}

export interface SmtpSink {
  host: string;
  port: number;
  messages: ReceivedMail[];
  /** Resolves with the first message (already received or still to come) that matches. */
  waitFor(match: (mail: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>;
  /** Answer the next `count` RCPT TO commands with this SMTP code (e.g. 451 = try later, 550 = no such mailbox). */
  refuseRecipients(count: number, code: number): void;
  stop(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: ReceivedMail[] = [];
  const waiters: Array<{ match: (m: ReceivedMail) => boolean; resolve: (m: ReceivedMail) => void }> = [];
  let refusals = 0;
  let refusalCode = 550;

  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    size: 5 * 1024 * 1024,
    onRcptTo(_address, _session, callback) {
      if (refusals > 0) {
        refusals -= 1;
        const err = Object.assign(new Error(refusalCode >= 500 ? 'No such mailbox' : 'Try again later'), { responseCode: refusalCode });
        callback(err);
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('latin1');
        const mail = parseMail(
          raw,
          session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          session.envelope.rcptTo.map((r) => r.address),
        );
        messages.push(mail);
        for (const w of [...waiters]) {
          if (w.match(mail)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(mail);
          }
        }
        callback();
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;

  return {
    host: '127.0.0.1',
    port,
    messages,
    waitFor(match, timeoutMs = 10_000) {
      const found = messages.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = { match, resolve: (m: ReceivedMail) => (clearTimeout(timer), resolve(m)) };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`no matching mail within ${timeoutMs} ms (${messages.length} received)`));
        }, timeoutMs);
        waiters.push(waiter);
      });
    },
    refuseRecipients(count, code) {
      refusals = count;
      refusalCode = code;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Read a raw RFC 5322 message (as Latin-1 so that bytes survive) into what tests look at. */
export function parseMail(raw: string, envelopeFrom: string, envelopeTo: string[]): ReceivedMail {
  const top = parsePart(raw);
  const texts: { plain: string; html: string } = { plain: '', html: '' };
  collectTexts(top, texts);
  const headers = new Map<string, string[]>();
  for (const [name, value] of top.headers) headers.set(name, value.map(decodeEncodedWords));
  return {
    envelopeFrom,
    envelopeTo,
    headers,
    subject: headers.get('subject')?.[0] ?? '',
    text: texts.plain,
    html: texts.html,
    links: [...texts.plain.matchAll(/https?:\/\/[^\s<>"]+/g)].map((m) => m[0]),
    raw,
  };
}

interface Part {
  headers: Map<string, string[]>;
  body: string;
}

function parsePart(raw: string): Part {
  const split = raw.search(/\r?\n\r?\n/);
  const head = split < 0 ? raw : raw.slice(0, split);
  const body = split < 0 ? '' : raw.slice(split).replace(/^\r?\n\r?\n/, '');
  const headers = new Map<string, string[]>();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), line.slice(colon + 1).trim()]);
  }
  return { headers, body };
}

function collectTexts(part: Part, out: { plain: string; html: string }): void {
  const contentType = part.headers.get('content-type')?.[0] ?? 'text/plain';
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? 'text/plain';
  const param = (name: string): string | undefined => new RegExp(`${name}="?([^";]+)"?`, 'i').exec(contentType)?.[1];
  if (type.startsWith('multipart/')) {
    const boundary = param('boundary');
    if (!boundary) return;
    // The line break before a boundary belongs to the boundary (RFC 2046), not to the part before it.
    const sections = `\r\n${part.body}`.split(new RegExp(`\\r?\\n--${boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`)).slice(1);
    for (const section of sections) {
      if (section.startsWith('--')) break;
      collectTexts(parsePart(section.replace(/^[ \t]*\r?\n/, '')), out);
    }
    return;
  }
  const encoding = (part.headers.get('content-transfer-encoding')?.[0] ?? '7bit').toLowerCase();
  const bytes = decodeBody(part.body, encoding);
  const charset = (param('charset') ?? 'utf-8').toLowerCase();
  const text = charset === 'utf-8' || charset === 'utf8' ? bytes.toString('utf8') : bytes.toString('latin1');
  if (type === 'text/plain' && !out.plain) out.plain = text.replace(/\r\n/g, '\n');
  if (type === 'text/html' && !out.html) out.html = text;
}

function decodeBody(body: string, encoding: string): Buffer {
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64');
  if (encoding === 'quoted-printable') {
    const unfolded = body.replace(/=\r?\n/g, '');
    return Buffer.from(unfolded.replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1');
  }
  return Buffer.from(body, 'latin1');
}

/** RFC 2047: `=?UTF-8?Q?…?=` and `=?UTF-8?B?…?=`; whitespace between two encoded words is dropped. */
function decodeEncodedWords(value: string): string {
  return value
    .replace(/(\?=)\s+(=\?)/g, '$1$2')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_, charset: string, kind: string, data: string) => {
      const bytes =
        kind.toUpperCase() === 'B'
          ? Buffer.from(data, 'base64')
          : Buffer.from(data.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (__, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1');
      return /^utf-?8$/i.test(charset) ? bytes.toString('utf8') : bytes.toString('latin1');
    });
}
