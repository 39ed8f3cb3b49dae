/**
 * The page behind an acknowledge link (`/ack/<token>`), as one self-contained HTML document: no script, one nonce'd
 * style block, readable on a phone at 3 a.m. — large text, one column, calm colours, the priority as a coloured band.
 * Everything from the alarm (message, tag, host and site names) came from agents and is escaped (SECURITY.md rule 5).
 */
import { type Alarm, type AlarmPriority, faultGrade } from '../../../modules/kernel/alarm-model.js';
import { escapeHtml, formatTime, plainLine } from '../notify/text.js';

export interface AckPageAlarm {
  alarm: Alarm;
  site: string | undefined;
  host: string | undefined;
}

export interface AckPageContent {
  /** The heading: what this page is about in a few words. */
  title: string;
  /** One or two sentences under it. */
  lead?: string;
  tone: 'ask' | 'done' | 'info' | 'problem';
  alarm?: AckPageAlarm;
  /** Whom the link was sent to. */
  recipient?: string;
  expiresAt?: number | null;
  /** Show the one-button form that acknowledges (a POST to this same address). */
  form?: boolean;
  timeZone: string;
}

/** No script at all, styles only from this page's nonce, forms only back to the console, never framed. */
export function ackPageContentSecurityPolicy(nonce: string): string {
  return ["default-src 'none'", `style-src 'nonce-${nonce}'`, "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'"].join('; ');
}

const band: Record<AlarmPriority, string> = { critical: '#b3261e', high: '#c4510a', medium: '#9a7300', low: '#4a6572' };
const toneColour: Record<AckPageContent['tone'], string> = { ask: '#1f3a5f', done: '#1e6b3a', info: '#1f3a5f', problem: '#7a2e2e' };

export function renderAckPage(content: AckPageContent, nonce: string): string {
  const alarm = content.alarm?.alarm;
  const colour = alarm ? band[alarm.priority] : toneColour[content.tone];
  const parts = [
    `<div class="band">${alarm ? escapeHtml(`${alarm.priority.toUpperCase()} · grade ${faultGrade[alarm.priority]}`) : 'Gatehouse'}</div>`,
    '<main>',
    `<h1 class="${content.tone}">${escapeHtml(content.title)}</h1>`,
    content.lead ? `<p class="lead">${escapeHtml(content.lead)}</p>` : '',
    content.alarm ? details(content.alarm, content.timeZone) : '',
    content.form ? form() : '',
    linkFacts(content),
    '</main>',
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="same-origin">
<title>${escapeHtml(content.title)} · Gatehouse</title>
<style nonce="${escapeHtml(nonce)}">${styles(colour)}</style>
</head>
<body>
${parts.filter(Boolean).join('\n')}
</body>
</html>`;
}

function details({ alarm, site, host }: AckPageAlarm, timeZone: string): string {
  const time = (iso: string | null) => {
    const ms = iso === null ? Number.NaN : Date.parse(iso);
    return Number.isNaN(ms) ? '—' : formatTime(ms, timeZone);
  };
  const rows: Array<[string, string]> = [
    ['What', plainLine(alarm.message, 300)],
    ['Site', plainLine(site ?? alarm.source.siteId ?? '—', 100)],
    ['Host', plainLine(host ?? alarm.source.hostId ?? '—', 100)],
  ];
  if (alarm.source.tag) rows.push(['Tag', plainLine(alarm.source.tag, 64)]);
  rows.push(
    ['Value', `${formatValue(alarm.value)} (limit ${formatValue(alarm.limit)}, ${alarm.kind})`],
    ['Raised', time(alarm.raisedAt)],
    ['State now', stateText(alarm, time)],
  );
  const list = rows.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('');
  return `<dl>${list}</dl>`;
}

/** The state in words an on-call person would use. */
export function stateText(alarm: Alarm, time: (iso: string | null) => string): string {
  switch (alarm.state) {
    case 'unacknowledged':
      return 'active, not acknowledged';
    case 'acknowledged':
      return `acknowledged by ${plainLine(alarm.acknowledgedBy ?? 'someone', 64)}, ${time(alarm.acknowledgedAt)}`;
    case 'returned-unacknowledged':
      return `cleared ${time(alarm.clearedAt)}, not acknowledged`;
    case 'latched':
      return 'cleared, waiting for a reset';
    case 'shelved':
      return `shelved until ${time(alarm.shelvedUntil)}`;
    case 'suppressed':
      return 'suppressed';
    case 'out-of-service':
      return 'out of service';
    case 'normal':
      return alarm.acknowledgedBy ? `back to normal (acknowledged by ${plainLine(alarm.acknowledgedBy, 64)})` : 'back to normal';
  }
}

function form(): string {
  // No action attribute: the form posts to this page's own address, the link itself.
  return `<form method="post">
<label for="comment">Comment (optional)</label>
<textarea id="comment" name="comment" maxlength="1000" rows="3" placeholder="e.g. on my way, 20 minutes"></textarea>
<button type="submit">Acknowledge</button>
</form>`;
}

function linkFacts(content: AckPageContent): string {
  const facts: string[] = [];
  if (content.recipient) facts.push(`This link was sent to ${plainLine(content.recipient, 64)}.`);
  if (content.expiresAt) facts.push(`It works once and expires ${formatTime(content.expiresAt, content.timeZone)}.`);
  return facts.length > 0 ? `<p class="facts">${escapeHtml(facts.join(' '))}</p>` : '';
}

function formatValue(value: number | boolean | null): string {
  if (value === null) return 'no value';
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
}

function styles(colour: string): string {
  return `
*{box-sizing:border-box}
html{font-size:112.5%;-webkit-text-size-adjust:100%}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;line-height:1.45;color:#1d232b;background:#f4f5f7}
.band{background:${colour};color:#fff;font-weight:700;letter-spacing:.04em;padding:.9rem 1.1rem;font-size:1.05rem}
main{max-width:34rem;margin:0 auto;padding:1.1rem}
h1{font-size:1.6rem;line-height:1.25;margin:.4rem 0 .6rem}
h1.done{color:#1e6b3a}h1.problem{color:#7a2e2e}
.lead{font-size:1.1rem;margin:0 0 1rem}
dl{background:#fff;border-radius:.6rem;padding:.4rem 1rem;margin:0 0 1.2rem;border:1px solid #dde1e6}
dt{font-size:.85rem;color:#5b6470;margin-top:.6rem}
dd{margin:0 0 .4rem;font-size:1.1rem;overflow-wrap:anywhere}
label{display:block;font-size:.95rem;margin-bottom:.3rem;color:#3a424c}
textarea{width:100%;font:inherit;font-size:1.05rem;padding:.6rem;border:1px solid #b9c0c8;border-radius:.5rem;margin-bottom:1rem}
button{display:block;width:100%;font:inherit;font-size:1.35rem;font-weight:700;padding:1.1rem;border:0;border-radius:.7rem;background:#1f5f99;color:#fff}
button:focus{outline:3px solid #f0b429;outline-offset:2px}
.facts{font-size:.9rem;color:#5b6470;margin-top:1.2rem}
`;
}
