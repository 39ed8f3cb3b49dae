/**
 * One audit entry as one RFC 5424 syslog message:
 *
 *   <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [gatehouse@32473 user="…" host="…" …] BOM detail
 *
 * The structured data carries what a SIEM filters on (who, where, what, outcome, and the entry's id and chain hash,
 * so a forwarded copy can be matched against the console's log); the free text is the entry's detail.
 */
import { auditResultClass } from '../../../modules/kernel/audit-search.js';
import type { AuditEntry } from '../storage/types.js';

/** The SD-ID: private, `name@<enterprise number>` as RFC 5424 §7.2.2 asks. */
export const SD_ID = 'gatehouse@32473';

/** Severity by outcome: informational for `ok`, warning when refused, error when it failed. */
const severities = { ok: 6, denied: 4, error: 3 } as const;

export interface SyslogHeader {
  /** 0–23 (16 = local0). */
  facility: number;
  hostname: string;
  appName: string;
  procId: string;
}

/**
 * The message for an entry, at most `maxOctets` bytes of UTF-8: the detail is shortened to fit (UDP receivers
 * need only take 480 octets and should take 2048, RFC 5426 §3.2), never the header or the structured data.
 */
export function formatSyslog(entry: AuditEntry, header: SyslogHeader, maxOctets = 2048): string {
  const pri = header.facility * 8 + severities[auditResultClass(entry.result)];
  const params: [string, string | null][] = [
    ['user', entry.user],
    ['host', entry.hostName ?? entry.hostId],
    ['hostId', entry.hostId],
    ['action', entry.action],
    ['phase', entry.phase],
    ['result', entry.result],
    ['address', entry.address],
    ['id', String(entry.id)],
    ['hash', entry.hash],
  ];
  const sd = `[${SD_ID}${params
    .filter((param): param is [string, string] => param[1] !== null)
    .map(([name, value]) => ` ${name}="${sdValue(value)}"`)
    .join('')}]`;
  const head = [`<${pri}>1`, entry.at, headerField(header.hostname, 255), headerField(header.appName, 48), headerField(header.procId, 128), headerField(entry.action, 32), sd].join(' ');
  const detail = entry.detail === null ? '' : withoutControls(entry.detail);
  if (detail === '') return head;
  // A UTF-8 MSG starts with a byte order mark (RFC 5424 §6.4), which tells the receiver it is not ASCII-only.
  return fitOctets(`${head} \uFEFF`, detail, maxOctets);
}

/** RFC 6587 §3.4.1 / RFC 5425 §4.3 octet-counting framing for TCP and TLS: `LENGTH SP MESSAGE`. */
export function frameOctetCounted(message: string): Buffer {
  const body = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length} `, 'ascii'), body]);
}

/** A PARAM-VALUE: `"`, `\` and `]` escaped with a backslash (§6.3.3); control characters removed. */
export function sdValue(value: string): string {
  return withoutControls(value).replace(/["\\\]]/g, (ch) => `\\${ch}`);
}

/** A header field is printable US-ASCII without spaces (§6.2), or `-` when nothing of it is left. */
function headerField(value: string, maxLength: number): string {
  const printable = value.replace(/[^\x21-\x7e]/g, '').slice(0, maxLength);
  return printable === '' ? '-' : printable;
}

function withoutControls(text: string): string {
  // C0, DEL and C1 controls, and line/paragraph separators: nothing that could end or forge a line at the receiver.
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '');
}

function fitOctets(head: string, detail: string, maxOctets: number): string {
  const room = maxOctets - Buffer.byteLength(head, 'utf8');
  if (Buffer.byteLength(detail, 'utf8') <= room) return head + detail;
  if (room <= 3) return head.slice(0, -2); // no room for any detail: drop the space and the BOM too
  // Cut at a code-point boundary, with an ellipsis that says so.
  let cut = '';
  let used = 0;
  for (const ch of detail) {
    const size = Buffer.byteLength(ch, 'utf8');
    if (used + size > room - 3) break;
    cut += ch;
    used += size;
  }
  return `${head}${cut}…`;
}
