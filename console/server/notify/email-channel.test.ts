import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpSink, type SmtpSink } from '../../../test/support/smtp-sink.js';
import { GatehouseError } from '../../../modules/kernel/errors.js';
import { AckLinks, MemoryAckTokenStore } from './ack-link.js';
import { MemoryAttemptLog } from './attempt-log.js';
import { NotificationDispatcher } from './dispatcher.js';
import { EmailChannel } from './email-channel.js';
import { notificationSchema } from './notification.js';
import { sampleNotification } from './sample-notification.js';

let sink: SmtpSink;
let email: EmailChannel;
const t0 = Date.parse('2026-11-24T02:12:00Z');

beforeAll(async () => {
  sink = await startSmtpSink();
  email = new EmailChannel({ id: 'email', host: sink.host, port: sink.port, security: 'none', from: 'gatehouse@plant.example' });
});
afterAll(async () => {
  email.close();
  await sink.stop();
});

const message = (overrides: Parameters<typeof sampleNotification>[0] = {}) => notificationSchema.parse(sampleNotification(overrides));

describe('e-mail channel against a real SMTP server', () => {
  it('delivers the alarm with subject, recipient, body and a working acknowledge link', async () => {
    const store = new MemoryAckTokenStore();
    const links = new AckLinks({ publicOrigin: 'https://console.example:8443', store, now: () => t0 });
    const ackUrl = await links.createAckLink({ alarmId: 'alarm-42', recipient: 'ana', expiresAt: t0 + 4 * 3_600_000 });
    const log = new MemoryAttemptLog();
    const dispatcher = new NotificationDispatcher({ channels: [email], log });
    dispatcher.enqueue(
      sampleNotification({
        id: 'mail-1',
        ack: { url: ackUrl.href, expiresAt: t0 + 4 * 3_600_000 },
        alarm: { message: 'Füllstand Reinwasserbehälter hoch — 4,8 m ✓' },
      }),
      t0,
    );
    expect(await dispatcher.runDue(t0)).toBe(1);

    const mail = await sink.waitFor((m) => m.text.includes(ackUrl.href));
    expect(mail.envelopeTo).toEqual(['ana@example.org']);
    expect(mail.envelopeFrom).toBe('gatehouse@plant.example');
    expect(mail.headers.get('to')).toEqual(['ana@example.org']);
    expect(mail.subject).toBe('ALARM A/critical: North water works · LT-101 · Füllstand Reinwasserbehälter hoch — 4,8 m ✓');
    expect(mail.text).toContain('What:         Füllstand Reinwasserbehälter hoch — 4,8 m ✓');
    expect(mail.text).toContain('Raised:       2026-11-24 03:12:05 CET (Europe/Berlin)');
    expect(mail.html).toContain('Füllstand');
    expect(mail.links).toEqual([ackUrl.href]);

    // The link in the mail is the one that acknowledges.
    const token = new URL(mail.links[0] ?? '').pathname.replace('/ack/', '');
    expect(await links.redeemAckLink(token, t0 + 60_000)).toEqual({ alarmId: 'alarm-42', recipient: 'ana' });

    const attempts = await log.forAlarm('alarm-42');
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ notificationId: 'mail-1', channel: 'email', recipient: 'Ana (on call)', attempt: 1, status: 'delivered' });
    expect(attempts[0]?.detail).toMatch(/^250/);
  });

  it('keeps hostile alarm text inside the subject and the body: no extra headers, no extra recipients', async () => {
    const outcome = await email.send(
      message({
        id: 'mail-2',
        alarm: { message: 'high\r\nBcc: mallory@evil.example\r\n\r\n<b>x</b>', source: { tag: 'LT-101\nX-Injected: 1' } },
        recipient: { channel: 'email', address: 'bob@example.org' },
      }),
    );
    expect(outcome).toMatchObject({ delivered: true });
    const mail = await sink.waitFor((m) => m.envelopeTo.includes('bob@example.org'));
    expect(mail.envelopeTo).toEqual(['bob@example.org']);
    expect(mail.headers.has('bcc')).toBe(false);
    expect(mail.headers.has('x-injected')).toBe(false);
    expect(mail.headers.get('subject')).toHaveLength(1);
    expect(mail.subject).toContain('high Bcc: mallory@evil.example <b>x</b>');
    expect(mail.html).not.toContain('<b>x</b>');
    expect(mail.html).toContain('&#60;b&#62;x&#60;/b&#62;');
  });

  it('refuses an address with a newline, a second address or a display name, before anything is sent', async () => {
    const before = sink.messages.length;
    const dispatcher = new NotificationDispatcher({ channels: [email], log: new MemoryAttemptLog() });
    for (const address of ['ana@example.org\r\nBcc: mallory@evil.example', 'ana@example.org\nRCPT TO:<m@evil.example>']) {
      expect(() => dispatcher.enqueue(sampleNotification({ recipient: { channel: 'email', address } }), t0)).toThrow(
        expect.objectContaining({ code: 'invalid-params' }),
      );
    }
    for (const address of ['ana@example.org, mallory@evil.example', 'Ana <ana@example.org>', 'mallory@evil.example>', '"a b"@example.org', '', 'no-at-sign']) {
      const outcome = await email.send({ ...message(), recipient: { channel: 'email', address } });
      expect(outcome, address).toMatchObject({ delivered: false, retryable: false });
    }
    expect(sink.messages.length).toBe(before);
  });

  it('retries an SMTP 4xx and gives up on a 5xx', async () => {
    sink.refuseRecipients(1, 451);
    expect(await email.send(message({ recipient: { channel: 'email', address: 'carol@example.org' } }))).toMatchObject({ delivered: false, retryable: true });
    sink.refuseRecipients(1, 550);
    const outcome = await email.send(message({ recipient: { channel: 'email', address: 'dave@example.org' } }));
    expect(outcome).toMatchObject({ delivered: false, retryable: false });
    expect(outcome.detail).toContain('550');
  });

  it('a mail server that is not there is worth retrying', async () => {
    const down = new EmailChannel({ id: 'email', host: '127.0.0.1', port: 1, security: 'none', from: 'gatehouse@plant.example' });
    expect(await down.send(message())).toMatchObject({ delivered: false, retryable: true });
    down.close();
  });

  it('has no switch for unencrypted mail across the network, or for passwords without TLS', () => {
    const base = { id: 'email', port: 25, from: 'gatehouse@plant.example' } as const;
    expect(() => new EmailChannel({ ...base, host: 'mail.example.org', security: 'none' })).toThrow(GatehouseError);
    expect(() => new EmailChannel({ ...base, host: '127.0.0.1', security: 'none', auth: { user: 'u', pass: 'p' } })).toThrow(GatehouseError);
    expect(() => new EmailChannel({ ...base, host: 'mail.example.org', security: 'starttls', from: 'x@y\r\nBcc: z@w' })).toThrow(GatehouseError);
    new EmailChannel({ ...base, host: 'mail.example.org', security: 'starttls' }).close();
  });
});
