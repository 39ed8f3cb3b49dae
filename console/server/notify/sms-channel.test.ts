import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startWebhookSink, type WebhookSink } from '../../../test/support/webhook-sink.js';
import { GatehouseError } from '../../../modules/kernel/errors.js';
import { notificationSchema } from './notification.js';
import { sampleNotification } from './sample-notification.js';
import { renderSmsBody, SmsChannel, smsText } from './sms-channel.js';

let sink: WebhookSink;
beforeAll(async () => {
  sink = await startWebhookSink();
});
afterAll(async () => {
  await sink.stop();
});
beforeEach(() => {
  sink.requests.length = 0;
});

const hostile = [
  'quote " backslash \\ end',
  'line one\nline two\r\nthree',
  '{{to}} {{text}} $& $1 ${x}',
  '& to=+4900000000 &text=x',
  '</script><script>alert(1)</script>',
  'ünïcödé 漢字 😀 \u202e evil \u0000 nul',
  'x'.repeat(10 * 1024),
];
/** The alarm text is put in after the schema (which bounds it at 500): the channel must cope with anything. */
const sms = (text: string, address = '+491701234567') => {
  const message = notificationSchema.parse(sampleNotification({ recipient: { channel: 'sms', address } }));
  return { ...message, alarm: { ...message.alarm, message: text } };
};

describe('SMS through an HTTP gateway', () => {
  it('fills a JSON template so that any text stays one string field', () => {
    const template = '{"to":"{{to}}","message":"SMS: {{text}}","from":"Gatehouse","n":1}';
    for (const text of hostile) {
      const body = JSON.parse(renderSmsBody('json', template, { to: '+491701234567', text })) as Record<string, unknown>;
      expect(body).toEqual({ to: '+491701234567', message: `SMS: ${text}`, from: 'Gatehouse', n: 1 });
    }
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => {
        const body = JSON.parse(renderSmsBody('json', template, { to: '+491701234567', text })) as Record<string, unknown>;
        return body.message === `SMS: ${text}` && Object.keys(body).length === 4;
      }),
    );
  });

  it('fills a form template so that any text stays one form field', () => {
    const template = 'to={{to}}&body={{text}}&sender=Gatehouse';
    for (const text of hostile) {
      const form = new URLSearchParams(renderSmsBody('form', template, { to: '+491701234567', text }));
      expect([...form.keys()]).toEqual(['to', 'body', 'sender']);
      expect(form.get('body')).toBe(text);
    }
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 400 }), (text) => {
        const form = new URLSearchParams(renderSmsBody('form', template, { to: '+491701234567', text }));
        return form.get('body') === text && [...form.keys()].length === 3;
      }),
    );
  });

  it('cuts the text to the SMS length but keeps the acknowledge link whole', () => {
    for (const text of hostile) {
      for (const max of [160, 320]) {
        const out = smsText(sms(text), max);
        expect(Array.from(out).length).toBeLessThanOrEqual(max);
        expect(out.endsWith('\nhttps://console.example:8443/ack/AAAAAAAAAAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBBBB')).toBe(true);
        expect(out).not.toMatch(/[\u0000\r\u202e]/);
      }
    }
    // 160 characters with a link leave room for the essentials; the words come last and are cut first.
    expect(smsText(sms('Clear water tank level high high'), 160)).toBe(
      'ALARM A/critical 03:12 CET\nNorth water works LT-101: 4.82 (HH 4.5)\nClear wat…\nhttps://console.example:8443/ack/AAAAAAAAAAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBBBB',
    );
    expect(smsText(sms('Clear water tank level high high'), 320)).toContain('\nClear water tank level high high\nhttps://');
  });

  it('sends to the gateway with its credentials in a header, and the hostile text arrives intact', async () => {
    const channel = new SmsChannel({
      id: 'sms',
      url: `${sink.url}/sms/send`,
      format: 'json',
      bodyTemplate: '{"recipient":"{{to}}","text":"{{text}}"}',
      headers: { Authorization: 'Bearer gw-token-123' },
      maxLength: 320,
    });
    const text = 'Chlorine "dose" high\n{"to":"+000"} 😀';
    expect(await channel.send(sms(text))).toMatchObject({ delivered: true });
    const r = sink.requests[0]!;
    expect(r.path).toBe('/sms/send');
    expect(r.headers.authorization).toBe('Bearer gw-token-123');
    const body = JSON.parse(r.body) as { recipient: string; text: string };
    expect(body.recipient).toBe('+491701234567');
    expect(body.text).toContain('Chlorine "dose" high {"to":"+000"} 😀');
    expect(body.text).toBe(smsText(sms(text), 320));
  });

  it('refuses numbers that are not phone numbers without calling the gateway', async () => {
    const channel = new SmsChannel({ id: 'sms', url: `${sink.url}/sms`, format: 'form', bodyTemplate: 'to={{to}}&body={{text}}' });
    for (const address of ['+49 170 1234567', '0170&to=+1555', '+1555\r\n', 'abc', '', '+' + '1'.repeat(20)]) {
      const message = { ...sms('x'), recipient: { channel: 'sms', address } };
      expect(await channel.send(message), address).toMatchObject({ delivered: false, retryable: false });
    }
    expect(sink.requests).toHaveLength(0);
  });

  it('refuses templates and headers it cannot fill safely, when configured', () => {
    const base = { id: 'sms', url: 'https://gw.example/send' } as const;
    const bad: Array<[string, 'json' | 'form', string]> = [
      ['not JSON', 'json', '{"to":{{to}},"text":{{text}}}'],
      ['no {{to}}', 'json', '{"text":"{{text}}"}'],
      ['unknown field', 'json', '{"to":"{{to}}","text":"{{text}}","x":"{{secret}}"}'],
      ['placeholder in a key', 'json', '{"{{to}}":"{{text}}"}'],
      ['form without text', 'form', 'to={{to}}'],
    ];
    for (const [why, format, bodyTemplate] of bad) {
      expect(() => new SmsChannel({ ...base, format, bodyTemplate }), why).toThrow(GatehouseError);
    }
    expect(() => new SmsChannel({ ...base, format: 'form', bodyTemplate: 'to={{to}}&b={{text}}', headers: { 'X-Key': 'a\r\nX-Evil: 1' } })).toThrow(GatehouseError);
    expect(() => new SmsChannel({ ...base, format: 'form', bodyTemplate: 'to={{to}}&b={{text}}', headers: { Host: 'x' } })).toThrow(GatehouseError);
    expect(() => new SmsChannel({ ...base, url: 'https://gw.example/send?key=secret&user=me@x', format: 'form', bodyTemplate: 'to={{to}}&b={{text}}' })).not.toThrow();
  });
});
