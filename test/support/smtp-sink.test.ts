import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpSink, type SmtpSink } from './smtp-sink.js';

let sink: SmtpSink;
beforeAll(async () => {
  sink = await startSmtpSink();
});
afterAll(async () => {
  await sink.stop();
});

describe('SMTP sink', () => {
  it('decodes base64 bodies, encoded subjects and multipart messages sent by a real client', async () => {
    const transport = nodemailer.createTransport({ host: sink.host, port: sink.port, secure: false, ignoreTLS: true });
    await transport.sendMail({
      from: 'a@example.org',
      to: ['b@example.org', 'c@example.org'],
      subject: Array(4).fill('Grüße — 漢字 😀').join(' '),
      text: 'Zeile 1 ✓\nsee https://console.example/ack/abc.def and http://x.example/y',
      html: '<p>hi</p>',
      textEncoding: 'base64',
    });
    transport.close();
    const mail = await sink.waitFor((m) => m.envelopeTo.includes('c@example.org'));
    expect(mail.envelopeTo).toEqual(['b@example.org', 'c@example.org']);
    expect(mail.subject).toBe(Array(4).fill('Grüße — 漢字 😀').join(' '));
    expect(mail.text).toBe('Zeile 1 ✓\nsee https://console.example/ack/abc.def and http://x.example/y');
    expect(mail.html).toBe('<p>hi</p>');
    expect(mail.links).toEqual(['https://console.example/ack/abc.def', 'http://x.example/y']);
  });

  it('refuses recipients when told to, with the code given', async () => {
    const transport = nodemailer.createTransport({ host: sink.host, port: sink.port, secure: false, ignoreTLS: true });
    sink.refuseRecipients(1, 550);
    await expect(transport.sendMail({ from: 'a@example.org', to: 'd@example.org', text: 'x' })).rejects.toMatchObject({ responseCode: 550 });
    transport.close();
    expect(sink.messages.some((m) => m.envelopeTo.includes('d@example.org'))).toBe(false);
  });
});
