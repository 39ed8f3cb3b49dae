import { describe, expect, it } from 'vitest';
import { notificationSchema } from './notification.js';
import { sampleNotification } from './sample-notification.js';
import { renderAlarmMessage } from './templates.js';

const render = (input = sampleNotification()) => renderAlarmMessage(notificationSchema.parse(input));

describe('alarm message templates', () => {
  it('says what, where, how bad and when, in the site time zone, with the acknowledge link', () => {
    const m = render();
    expect(m.subject).toBe('ALARM A/critical: North water works · LT-101 · Clear water tank level high high');
    expect(m.text).toContain('Priority:     critical (grade A)');
    expect(m.text).toContain('Site:         North water works');
    expect(m.text).toContain('Source:       host plc-gateway-1, tag LT-101');
    expect(m.text).toContain('Value:        4.82 (limit 4.5, HH)');
    // 02:12:05 UTC is 03:12:05 in Berlin in November (CET).
    expect(m.text).toContain('Raised:       2026-11-24 03:12:05 CET (Europe/Berlin)');
    expect(m.text).toContain('https://console.example:8443/ack/AAAAAAAAAAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBBBB');
    expect(m.text).toContain('expires 2026-11-24 07:12:00 CET');
    expect(m.short).not.toContain('https://');
  });

  it('uses UTC when the site has no time zone', () => {
    const m = render(sampleNotification({ site: { name: 'South' } }));
    expect(m.text).toContain('Raised:       2026-11-24 02:12:05 UTC');
  });

  it('names the escalation step and the clearing, without a link on cleared', () => {
    expect(render(sampleNotification({ event: 'escalated', escalationStep: 2 })).subject).toMatch(/^ALARM NOT ACKNOWLEDGED \(step 2\) A\/critical/);
    const cleared = render(
      sampleNotification({ event: 'cleared', ack: undefined, alarm: { state: 'normal', active: false, clearedAt: '2026-11-24T02:40:00.000Z', priority: 'low' } }),
    );
    expect(cleared.subject).toMatch(/^CLEARED C\/low/);
    expect(cleared.text).toContain('Cleared:      2026-11-24 03:40:00 CET');
    expect(cleared.text).not.toContain('Acknowledge');
  });

  it('treats agent text as text: no markup in HTML, no control characters in the subject', () => {
    const m = render(
      sampleNotification({
        hostName: 'evil<img src=x onerror=alert(1)>',
        alarm: { message: 'level "high"\r\nBcc: victim@example.org\u001b[31m red\u202e', source: { tag: '<script>alert(1)</script>' } },
      }),
    );
    expect(m.subject).not.toMatch(/[\r\n\u001b\u202e]/);
    expect(m.subject).toContain('level "high" Bcc: victim@example.org [31m red');
    expect(m.html).not.toContain('<script>');
    expect(m.html).not.toContain('<img');
    expect(m.html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(m.text).toContain('tag <script>alert(1)</script>');
    expect(m.text).not.toContain('\u001b');
  });

  it('shows digital values and missing values in words', () => {
    const m = render(sampleNotification({ alarm: { kind: 'digital', value: true, limit: true } }));
    expect(m.text).toContain('Value:        on (limit on, digital)');
    expect(render(sampleNotification({ alarm: { kind: 'comm-loss', value: null, limit: null } })).text).toContain('no value (limit no value, comm-loss)');
  });

  it('refuses an unknown time zone rather than guessing', () => {
    expect(notificationSchema.safeParse(sampleNotification({ site: { timeZone: 'Mars/Olympus' } })).success).toBe(false);
  });
});
