import { faultGrade } from '../../../modules/kernel/alarm-model.js';
import type { Notification } from './notification.js';
import { cut, escapeHtml, formatTime, plainLine } from './text.js';

/**
 * The words an on-call person reads on a phone at 3 a.m.: what, where, how bad, since when, and the one link to
 * acknowledge. Plain text is the message; the HTML part says the same, escaped. The SMS text is the first lines,
 * cut to the gateway's length.
 */
export interface RenderedMessage {
  /** One line, no control characters: safe as a mail Subject. */
  subject: string;
  text: string;
  html: string;
  /** For SMS: the essentials in a few short lines, without the link (the SMS channel cuts this, never the link). */
  short: string;
}

const headline: Record<Notification['event'], string> = {
  raised: 'ALARM',
  escalated: 'ALARM NOT ACKNOWLEDGED',
  cleared: 'CLEARED',
};

export function renderAlarmMessage(message: Notification): RenderedMessage {
  const { alarm, site } = message;
  const grade = faultGrade[alarm.priority];
  const siteName = plainLine(site.name ?? alarm.source.siteId ?? 'no site', 80);
  const host = plainLine(message.hostName ?? alarm.source.hostId ?? '', 80);
  const tag = plainLine(alarm.source.tag ?? '', 64);
  const what = plainLine(alarm.message, 300);
  const sourceLine = [host && `host ${host}`, tag && `tag ${tag}`].filter(Boolean).join(', ') || 'the console';
  const title =
    message.event === 'escalated' && message.escalationStep !== undefined
      ? `${headline.escalated} (step ${message.escalationStep})`
      : headline[message.event];
  const time = (iso: string | null): string => {
    const ms = iso === null ? Number.NaN : Date.parse(iso);
    return Number.isNaN(ms) ? 'unknown' : formatTime(ms, site.timeZone);
  };

  const rows: Array<[string, string]> = [
    ['Priority', `${alarm.priority} (grade ${grade})`],
    ['Site', siteName],
    ['Source', sourceLine],
    ['What', what],
    ['Value', `${formatValue(alarm.value)} (limit ${formatValue(alarm.limit)}, ${alarm.kind})`],
    ['Raised', time(alarm.raisedAt)],
  ];
  if (message.event === 'cleared') rows.push(['Cleared', time(alarm.clearedAt)]);
  if (alarm.acknowledgedBy) rows.push(['Acknowledged', `${plainLine(alarm.acknowledgedBy, 64)}, ${time(alarm.acknowledgedAt)}`]);

  const subject = plainLine(`${title} ${grade}/${alarm.priority}: ${siteName} · ${tag || host || alarm.kind} · ${what}`, 150);
  const ackLines = message.ack
    ? [
        'Acknowledge (opens a page; one tap there confirms):',
        message.ack.url,
        `The link works once and expires ${formatTime(message.ack.expiresAt, site.timeZone)}.`,
      ]
    : [];
  const text = [`${title} — ${alarm.priority} priority, grade ${grade}`, '', ...rows.map(([k, v]) => `${`${k}:`.padEnd(14)}${v}`), '', ...ackLines, '', `Alarm ${alarm.id}`].join('\n').replace(/\n{3,}/g, '\n\n');

  const htmlRows = rows.map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('');
  const htmlAck = message.ack
    ? `<p><a href="${escapeHtml(message.ack.url)}">Acknowledge</a> (opens a page; one tap there confirms).<br>` +
      `The link works once and expires ${escapeHtml(formatTime(message.ack.expiresAt, site.timeZone))}.</p>`
    : '';
  const html = `<!doctype html><html><body><h2>${escapeHtml(title)}</h2><table>${htmlRows}</table>${htmlAck}<p>Alarm ${escapeHtml(alarm.id)}</p></body></html>`;

  // An SMS leaves about 75 characters beside the link: how bad, when, where and the value first, the words last.
  const raisedMs = Date.parse(alarm.raisedAt);
  const shortTime = Number.isNaN(raisedMs) ? '' : ` ${formatTime(raisedMs, site.timeZone).replace(/^\S+ (\d\d:\d\d):\d\d (\S+).*$/, '$1 $2')}`;
  const short = [
    `${title} ${grade}/${alarm.priority}${shortTime}`,
    `${cut(siteName, 30)} ${tag || host || alarm.kind}: ${formatValue(alarm.value)} (${alarm.kind} ${formatValue(alarm.limit)})`,
    what,
  ].join('\n');
  return { subject, text, html, short };
}

function formatValue(value: number | boolean | null): string {
  if (value === null) return 'no value';
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
}
