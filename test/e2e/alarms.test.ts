/**
 * Alarms end to end, every part real: the plant simulator trips a pump, the gateway (a real agent) reads it over
 * Modbus TCP, the console raises the alarm and mails the primary on call through a real SMTP server on loopback;
 * the link in the mail is followed like a phone would (GET shows, POST acknowledges) and the escalation stops.
 * A second trip left alone pages the backup after the policy's wait. The team's webhook is refused once with a 500
 * and retried, each attempt signed. In a real browser an operator acknowledges one alarm from the list and shelves
 * another. Last, the gateway dies with fifty tag watches behind it: one alarm is paged.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { signIn, watchPageErrors } from '../support/terminal-page.js';
import type { Alarm } from '../../modules/kernel/alarm-model.js';
import type { AlarmDetail } from '../../modules/kernel/alarm-api.js';
import { verifyWebhook } from '../../console/server/notify/webhook-signature.js';
import { waitFor } from '../support/console.js';
import { startPlantStack, type PlantStack } from '../support/plant-stack.js';
import { startSmtpSink, type ReceivedMail, type SmtpSink } from '../support/smtp-sink.js';
import { startWebhookSink, type WebhookSink } from '../support/webhook-sink.js';

const webhookSecret = 'a-shared-secret-of-at-least-32-characters!';
/** The escalation policy's wait between the primary and the backup, in minutes (12 s). */
const waitMinutes = 0.2;

function notifications(smtp: SmtpSink, webhook: WebhookSink) {
  return {
    timeZone: 'Europe/Berlin',
    ackLinkMinutes: 60,
    retry: { maxAttempts: 4, firstDelayMs: 300, maxDelayMs: 1000 },
    channels: [
      { type: 'email', id: 'email', host: '127.0.0.1', port: smtp.port, security: 'none', from: 'gatehouse@works.example' },
      { type: 'webhook', id: 'ops-chat', url: `${webhook.url}/hooks/gatehouse`, secret: webhookSecret },
    ],
    people: [
      { name: 'ana', contacts: [{ channel: 'email', address: 'ana@works.example' }] },
      { name: 'ben', contacts: [{ channel: 'email', address: 'ben@works.example' }] },
    ],
    teams: [{ name: 'water-ops', members: ['ana', 'ben'], contacts: [{ channel: 'ops-chat' }] }],
    schedules: [
      {
        id: 'works',
        timeZone: 'Europe/Berlin',
        primary: { people: ['ana'], handover: { every: 'week', weekday: 'monday', at: '08:00' }, start: '2026-01-05' },
        backup: { people: ['ben'], handover: { every: 'week', weekday: 'monday', at: '08:00' }, start: '2026-01-05' },
      },
    ],
    escalationPolicies: [{ id: 'pumps', steps: [{ notify: 'primary', waitMinutes }, { notify: 'backup', waitMinutes }] }],
    routing: {
      routes: [
        {
          id: 'demo',
          match: { sites: ['demo'] },
          team: 'water-ops',
          schedule: 'works',
          escalationPolicy: 'pumps',
          grouping: { groupWaitSeconds: 0, groupIntervalSeconds: 1, repeatIntervalSeconds: 3600 },
        },
      ],
      fallback: { team: 'water-ops' },
    },
  };
}

const to = (mail: ReceivedMail, who: string) => mail.envelopeTo.some((address) => address.startsWith(`${who}@`));

describe('alarms end to end', () => {
  let smtp: SmtpSink;
  let webhook: WebhookSink;
  let stack: PlantStack;
  let browser: Browser;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    webhook = await startWebhookSink();
    browser = await launchChromium();
    stack = await startPlantStack({
      consoleConfig: { notifications: notifications(smtp, webhook) },
      // Every tag refreshed every 5 s and polled every second: silence means something.
      editProfile: (profile) => {
        profile.refreshSeconds = 5;
        profile.pollClasses = { fast: 1, normal: 1, slow: 1 };
      },
    });
    for (const [id, tag, message] of [
      ['p101-trip', 'P-101.fault', 'Intake pump P-101 tripped'],
      ['p102-trip', 'P-102.fault', 'Intake pump P-102 tripped'],
    ] as const) {
      const res = await stack.api.request('PUT', `/api/alarm-rules/${id}`, { id, type: 'digital', tag, alarmWhen: true, priority: 'high', message, target: { siteId: 'demo' } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await smtp?.stop();
    await webhook?.stop();
  });

  const hooksAbout = (alarmId: string) =>
    webhook.requests
      .map((request) => ({ request, ...(JSON.parse(request.body) as { type: string; alarm: { id: string } }) }))
      .filter((h) => h.alarm.id === alarmId);
  const alarmsNow = async () => (await stack.api.get<Alarm[]>('/api/alarms')).body;
  const alarmNamed = (id: string) => waitFor(`alarm ${id}`, async () => (await alarmsNow()).find((a) => a.id === id), 30_000);

  it('a pump trip mails the primary; the link acknowledges it once, and the backup is never paged', async () => {
    await stack.sim.fault({ fault: 'pump1-trip', on: true });
    const id = `p101-trip@${stack.hostId}`;
    const raised = await alarmNamed(id);
    expect(raised).toMatchObject({ state: 'unacknowledged', priority: 'high', source: { hostId: stack.hostId, siteId: 'demo', tag: 'P-101.fault' }, message: 'Intake pump P-101 tripped' });
    expect(Date.parse(raised.raisedAt)).toBeGreaterThan(0);

    const mail = await smtp.waitFor((m) => to(m, 'ana') && m.subject.includes('P-101'), 30_000);
    const link = mail.links.find((l) => l.includes('/ack/'));
    expect(link, mail.text).toBeDefined();
    expect(new URL(link!).origin).toBe(new URL(stack.consoleUrl).origin);

    // A mail scanner fetching the link must not acknowledge anything.
    const scanned = await fetch(link!);
    expect(scanned.status).toBe(200);
    expect(scanned.headers.get('referrer-policy')).toBe('same-origin');
    expect(scanned.headers.get('cache-control')).toContain('no-store');
    expect(await scanned.text()).toMatch(/<form[^>]*method="post"/i);
    expect((await alarmsNow()).find((a) => a.id === id)?.state).toBe('unacknowledged');

    // On the phone: the page shows the alarm; one tap on its button acknowledges (a real browser's form POST).
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await phone.goto(link!);
    await phone.getByText('Intake pump P-101 tripped').first().waitFor();
    await phone.getByLabel(/comment/i).fill('on my way');
    await phone.getByRole('button', { name: 'Acknowledge' }).click();
    await phone.getByText(/acknowledged/i).first().waitFor();
    expect((await alarmsNow()).find((a) => a.id === id)).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'ana' });
    // Used once: the same link again says so, and a replayed POST is refused.
    const origin = new URL(stack.consoleUrl).origin;
    const replay = await fetch(link!, { method: 'POST', headers: { origin, 'content-type': 'application/x-www-form-urlencoded' }, body: 'comment=again' });
    expect(replay.status).toBe(409);
    await phone.close();

    // Past the policy's wait: nothing for the backup about this alarm.
    await new Promise((r) => setTimeout(r, waitMinutes * 60_000 + 4000));
    expect(smtp.messages.filter((m) => to(m, 'ben') && m.subject.includes('P-101'))).toEqual([]);
    const detail = (await stack.api.get<AlarmDetail>(`/api/alarms/${encodeURIComponent(id)}`)).body;
    expect(detail.history.map((t) => `${t.cause}:${t.to}:${t.user ?? ''}:${t.comment ?? ''}`)).toEqual(['condition-active:unacknowledged::', 'acknowledge:acknowledged:ana:on my way']);
    expect(detail.attempts.some((a) => a.recipient === 'ana' && a.channel === 'email' && a.status === 'delivered')).toBe(true);

    // Back to normal: the team hears it cleared.
    await stack.sim.fault({ fault: 'pump1-trip', on: false });
    await waitFor('the team told that P-101 cleared', () => hooksAbout(id).find((h) => h.type === 'alarm.cleared'), 20_000);
  }, 120_000);

  it('a trip nobody acknowledges pages the backup after the wait; the team webhook is retried; the API acknowledges', async () => {
    webhook.failNext(1, 500);
    await stack.sim.fault({ fault: 'pump2-trip', on: true });
    const id = `p102-trip@${stack.hostId}`;
    await alarmNamed(id);
    const primary = await smtp.waitFor((m) => to(m, 'ana') && m.subject.includes('P-102'), 30_000);
    const backup = await smtp.waitFor((m) => to(m, 'ben') && m.subject.includes('P-102'), waitMinutes * 60_000 + 20_000);
    expect(backup.links.some((l) => l.includes('/ack/'))).toBe(true);
    expect(backup.links.find((l) => l.includes('/ack/'))).not.toBe(primary.links.find((l) => l.includes('/ack/')));

    // The team's webhook: refused once with a 500, retried, signed each time with the same delivery id.
    const [first, second] = await waitFor('the raise sent twice to the team webhook', () => {
      const raisedHooks = hooksAbout(id).filter((h) => h.type === 'alarm.raised');
      return raisedHooks.length >= 2 ? raisedHooks.map((h) => h.request) : undefined;
    });
    expect(first!.answered).toBe(500);
    expect(second!.answered).toBe(200);
    expect(second!.headers['x-gatehouse-delivery']).toBe(first!.headers['x-gatehouse-delivery']);
    for (const request of [first!, second!]) {
      const check = verifyWebhook({
        secret: webhookSecret,
        body: request.body,
        timestamp: String(request.headers['x-gatehouse-timestamp']),
        signature: String(request.headers['x-gatehouse-signature']),
        now: Date.now(),
      });
      expect(check).toEqual({ ok: true });
    }
    expect(JSON.parse(second!.body)).toMatchObject({ type: 'alarm.raised', alarm: { id } });
    const detail = (await stack.api.get<AlarmDetail>(`/api/alarms/${encodeURIComponent(id)}`)).body;
    expect(detail.attempts.some((a) => a.channel === 'ops-chat' && a.status === 'will-retry' && a.detail.includes('500'))).toBe(true);
    expect(detail.attempts.some((a) => a.channel === 'ops-chat' && a.status === 'delivered')).toBe(true);
    expect(detail.attempts.some((a) => a.recipient === 'ben' && a.event === 'escalated' && a.status === 'delivered')).toBe(true);

    const res = await stack.api.post<Alarm>(`/api/alarms/${encodeURIComponent(id)}/acknowledge`, { comment: 'reset the motor protection' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, state: 'acknowledged', acknowledgedBy: 'admin' });
    const again = await stack.api.post(`/api/alarms/${encodeURIComponent(id)}/acknowledge`, {});
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: { code: 'conflict' } });
    // Reset: the acknowledged alarm leaves the list once the trip clears.
    await stack.sim.fault({ fault: 'pump2-trip', on: false });
    await waitFor('P-102 back to normal', async () => !(await alarmsNow()).some((a) => a.id === id) || undefined, 20_000);
  }, 120_000);

  it('in the browser, an operator acknowledges one alarm from the list and shelves another', async () => {
    const page: Page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.setDefaultTimeout(20_000);
    const errors: string[] = [];
    watchPageErrors(page, errors);
    await stack.sim.fault({ fault: 'pump1-trip', on: true });
    await stack.sim.fault({ fault: 'pump2-trip', on: true });
    const p101 = `p101-trip@${stack.hostId}`;
    const p102 = `p102-trip@${stack.hostId}`;
    await waitFor('both trips raised', async () => {
      const standing = await alarmsNow();
      return [p101, p102].every((id) => standing.find((a) => a.id === id)?.state === 'unacknowledged') || undefined;
    }, 30_000).catch(async (err: Error) => {
      throw new Error(`${err.message}: ${JSON.stringify(await alarmsNow())} ${JSON.stringify((await stack.tags()).filter((t) => t.name.endsWith('.fault')))}`);
    });

    await signIn(page, stack.consoleUrl);
    await page.getByRole('link', { name: 'Alarms', exact: true }).click();
    const row = (id: string) => page.locator(`[data-alarm-id="${id}"]`).first();
    await row(p101).waitFor();
    expect(await row(p101).getAttribute('data-state')).toBe('unacknowledged');

    // Acknowledge one, with a comment, through "Acknowledge selected".
    await page.getByRole('checkbox', { name: 'Select alarm Intake pump P-101 tripped' }).first().check();
    await page.getByRole('button', { name: 'Acknowledge selected' }).click();
    const ackDialog = page.getByRole('dialog');
    await ackDialog.getByLabel('Comment').fill('Electrician called out');
    await ackDialog.getByRole('button', { name: /^Acknowledge/ }).click();
    await expect.poll(() => row(p101).getAttribute('data-state'), { timeout: 15_000 }).toBe('acknowledged');

    // Shelve the other for an hour, with a reason, from its detail.
    await page.getByRole('button', { name: 'Open alarm Intake pump P-102 tripped' }).first().click();
    await page.getByRole('button', { name: 'Shelve', exact: true }).last().click();
    const shelveDialog = page.getByRole('dialog', { name: /Shelve alarm/ });
    await shelveDialog.getByRole('radio', { name: '1 h' }).check();
    await shelveDialog.getByLabel('Reason').fill('Pump isolated for repair');
    await shelveDialog.getByRole('button', { name: 'Shelve', exact: true }).click();
    await expect.poll(async () => (await alarmsNow()).find((a) => a.id === p102)?.state, { timeout: 15_000 }).toBe('shelved');

    const acknowledged = (await stack.api.get<AlarmDetail>(`/api/alarms/${encodeURIComponent(p101)}`)).body;
    expect(acknowledged.history.at(-1)).toMatchObject({ cause: 'acknowledge', user: 'admin', comment: 'Electrician called out' });
    const shelved = (await stack.api.get<AlarmDetail>(`/api/alarms/${encodeURIComponent(p102)}`)).body;
    expect(shelved.history.at(-1)).toMatchObject({ cause: 'shelve', to: 'shelved', user: 'admin', comment: 'Pump isolated for repair' });
    const until = Date.parse(shelved.alarm.shelvedUntil ?? '');
    expect(Math.abs(until - (Date.now() + 3_600_000))).toBeLessThan(120_000);
    expect(errors).toEqual([]);
    await page.close();
    await stack.sim.clearFaults();
  }, 120_000);

  it('a metric rule for every host raises from the gateway`s own metrics; deleting the rule ends its alarm and its paging', async () => {
    const rule = { id: 'disk-any', type: 'metric', metric: 'disk.used.percent', limit: 'H', setpoint: 0, priority: 'low', message: 'Disk in use', target: { allHosts: true } };
    expect((await stack.api.request('PUT', '/api/alarm-rules/disk-any', rule)).status).toBe(200);
    const alarm = await alarmNamed(`disk-any@${stack.hostId}`);
    expect(alarm).toMatchObject({ kind: 'metric', source: { hostId: stack.hostId, siteId: 'demo' }, limit: 0 });
    expect(typeof alarm.value).toBe('number');
    expect((await stack.api.request('DELETE', '/api/alarm-rules/disk-any')).status).toBe(204);
    expect((await alarmsNow()).some((a) => a.ruleId === 'disk-any')).toBe(false);
    const missing = await stack.api.request('DELETE', '/api/alarm-rules/disk-any');
    expect(missing.status).toBe(404);
  }, 60_000);

  it('a gateway that dies with fifty tag watches behind it gives one alarm, and only that one is paged', async () => {
    const tags = (await stack.tags()).filter((t) => !t.name.endsWith('.comm') && t.quality === 'good').map((t) => t.name);
    const rules = [] as Array<Record<string, unknown>>;
    for (let i = 0; rules.length < 50; i++) {
      const tag = tags[i % tags.length]!;
      rules.push({ id: `silent-${i}`, type: 'comm-loss', periodS: 5, periods: 3 + Math.floor(i / tags.length), tags: [tag], priority: 'low', message: `No reading from ${tag}`, target: { siteId: 'demo' } });
    }
    rules.push({ id: 'gateway-silent', type: 'comm-loss', periodS: 1, periods: 3, priority: 'critical', message: 'Gateway demo-gateway silent', target: { hostId: stack.hostId } });
    for (const rule of rules) {
      const res = await stack.api.request('PUT', `/api/alarm-rules/${rule.id as string}`, rule);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
    // Healthy for a while: none of the watches may fire while the gateway reports.
    await new Promise((r) => setTimeout(r, 8000));
    expect((await alarmsNow()).filter((a) => a.ruleId.startsWith('silent-') || a.ruleId === 'gateway-silent')).toEqual([]);

    const mailsBefore = smtp.messages.length;
    const hooksBefore = webhook.requests.length;
    await stack.agentProcess.stop();
    await alarmNamed(`gateway-silent@${stack.hostId}`);
    // Past every tag watch's own limit (3 × 5 s or 4 × 5 s after its tag's last sample).
    await new Promise((r) => setTimeout(r, 22_000));

    const standing = await alarmsNow();
    expect(standing.filter((a) => a.ruleId.startsWith('silent-'))).toEqual([]);
    expect(standing.find((a) => a.ruleId === 'gateway-silent')).toMatchObject({ state: 'unacknowledged', priority: 'critical', kind: 'comm-loss' });
    const mails = smtp.messages.slice(mailsBefore);
    expect(mails.length).toBeGreaterThan(0);
    // Nothing else either: not the tags behind it, nor the disk alarm whose rule was deleted (its backup step).
    expect(mails.every((m) => m.subject.includes('Gateway demo-gateway silent')), mails.map((m) => m.subject).join('\n')).toBe(true);
    const hooks = webhook.requests.slice(hooksBefore).map((r) => (JSON.parse(r.body) as { alarm: { ruleId: string } }).alarm.ruleId);
    expect(hooks).toContain('gateway-silent');
    expect(hooks.filter((ruleId) => ruleId.startsWith('silent-'))).toEqual([]);
  }, 120_000);
});
