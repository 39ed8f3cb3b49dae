/**
 * Text from agents (tag names, alarm messages, host names) is hostile (SECURITY.md rule 5): it is shown as text,
 * never markup, and never carries control characters into a mail header, a terminal or an SMS gateway.
 */

/** C0/C1 controls (ESC starts terminal sequences, CR/LF start new headers), line/paragraph separators, bidi overrides. */
const controlCharacters = /[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069]+/gu;

/** One line of plain text: controls become a space, length bounded (counted in code points, never splitting one). */
export function plainLine(text: string, maxLength = 200): string {
  return cut(text.replace(controlCharacters, ' ').replace(/ {2,}/g, ' ').trim(), maxLength);
}

/** Shorten to at most `maxLength` code points, ending in `…` when something was cut. */
export function cut(text: string, maxLength: number): string {
  const points = Array.from(text);
  if (points.length <= maxLength) return text;
  return points.slice(0, Math.max(0, maxLength - 1)).join('') + '…';
}

/** For the optional text/html part: every character that could open markup or an attribute is escaped. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * `2026-11-24 03:12:05 CET (Europe/Berlin)` — the site's wall clock, which is what the person on call compares with
 * the plant; UTC when the site has no time zone.
 */
export function formatTime(ms: number, timeZone?: string): string {
  const zone = timeZone ?? 'UTC';
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).formatToParts(new Date(ms));
  const part = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
  const stamp = `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}:${part('second')} ${part('timeZoneName')}`;
  return timeZone ? `${stamp} (${zone})` : stamp;
}
