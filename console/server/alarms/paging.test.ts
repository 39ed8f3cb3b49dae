import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { Alarm, AlarmTransition } from '../../../modules/kernel/alarm-model.js';
import { startSmtpSink, type SmtpSink } from '../../../test/support/smtp-sink.js';
import { startWebhookSink, type WebhookSink } from '../../../test/support/webhook-sink.js';
import { verifyWebhook } from '../notify/webhook-signature.js';
import { migrateToLatest } from '../storage/migrate.js';
import { createSqliteKysely } from '../storage/sqlite.js';
import { type NotificationsInput, parseNotifications } from './paging-config.js';
import { AlarmPager } from './paging.js';
import { type AlarmCore, type AlarmEvent, normalCore, transition } from './state-machine.js';
import { AlarmStore } from './store.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

const secret = 'a-webhook-secret-of-at-least-32-characters';
const start = Date.parse('2026-11-24T02:00:00Z');

function configFor(smtp: SmtpSink, webhook: WebhookSink, changes: Partial<NotificationsInput> = {}): NotificationsInput {
  return {
    timeZone: 'Europe/Berlin',
    retry: { firstDelayMs: 1000, maxDelayMs: 5000 },
    channels: [
      { type: 'email', id: 'email', host: smtp.host, port: smtp.port, security: 'none', from: 'gatehouse@example.org' },
      { type: 'webhook', id: 'ops-chat', url: `${webhook.url}/hooks/gatehouse`, secret },
    ],
    people: [
      { name: 'ana', contacts: [{ channel: 'email', address: 'ana@example.org' }] },
      { name: 'ben', contacts: [{ channel: 'email', address: 'ben@example.org' }] },
    ],
    teams: [{ name: 'operators', members: ['ana', 'ben'], contacts: [{ channel: 'ops-chat' }] }],
    schedules: [
      {
        id: 'plant',
        timeZone: 'Europe/Berlin',
        primary: { people: ['ana'], handover: { every: 'day', at: '08:00' }, start: '2026-01-01' },
        backup: { people: ['ben'], handover: { every: 'day', at: '08:00' }, start: '2026-01-01' },
      },
    ],
    escalationPolicies: [{ id: 'standard', steps: [{ notify: 'primary', waitMinutes: 5 }, { notify: 'backup', waitMinutes: 10 }] }],
    routing: {
      routes: [{ id: 'plant', match: { sites: ['demo'] }, team: 'operators', schedule: 'plant', escalationPolicy: 'standard', grouping: { groupWaitSeconds: 0 } }],
      fallback: { team: 'operators' },
    },
    ...changes,
  };
}

interface Harness {
  pager: AlarmPager;
  store: AlarmStore;
  db: Kysely<any>;
  smtp: SmtpSink;
  webhook: WebhookSink;
  clock: { now: number };
  maintenance: { window: { reason: string; to: string } | null };
  raise(id?: string): Promise<Alarm>;
  act(id: string, event: AlarmEvent): Promise<Alarm>;
  newPager(): AlarmPager;
}

async function harness(changes: Partial<NotificationsInput> = {}, clock = { now: start }): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'gh-paging-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const db = createSqliteKysely(join(dir, 'gatehouse.db'));
  await migrateToLatest(db);
  cleanups.push(() => db.destroy());
  const store = new AlarmStore(db);
  const smtp = await startSmtpSink();
  cleanups.push(() => smtp.stop());
  const webhook = await startWebhookSink();
  cleanups.push(() => webhook.stop());
  const config = parseNotifications(configFor(smtp, webhook, changes));
  const maintenance: Harness['maintenance'] = { window: null };
  const cores = new Map<string, AlarmCore>();

  const newPager = () => {
    const pager = new AlarmPager({
      config,
      store,
      db,
      hostName: (id) => (id === 'h1' ? 'plc-gateway-1' : undefined),
      hostTags: () => ['field-gateway'],
      siteName: (id) => (id === 'demo' ? 'North water works' : undefined),
      inMaintenance: () => maintenance.window,
      publicOrigin: () => 'https://console.example:8443',
      now: () => clock.now,
    });
    cleanups.push(() => pager.stop());
    return pager;
  };
  const h: Harness = {
    pager: newPager(),
    store,
    db,
    smtp,
    webhook,
    clock,
    maintenance,
    newPager,
    raise: (id = 'lt201-low@h1') => h.act(id, { type: 'condition-active', value: 0.4 }),
    async act(id, event) {
      const result = transition(cores.get(id) ?? normalCore(), event, clock.now);
      cores.set(id, result.core);
      const alarm = alarmOf(id, result.core);
      await store.saveAlarm(alarm, result.core, result.transitions, clock.now);
      for (const t of result.transitions) h.pager.onTransition(alarm, t as AlarmTransition);
      await h.pager.settled();
      return alarm;
    },
  };
  return h;
}

function alarmOf(id: string, core: AlarmCore): Alarm {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    id,
    ruleId: id.split('@')[0] ?? id,
    state: core.state,
    active: core.active,
    priority: 'high',
    kind: 'L',
    source: { hostId: 'h1', siteId: 'demo', tag: 'LT-201.level' },
    message: 'Clear-water tank level low',
    value: core.value,
    limit: 0.5,
    raisedAt: iso(core.raisedAt) ?? new Date(start).toISOString(),
    clearedAt: iso(core.clearedAt),
    acknowledgedAt: iso(core.acknowledgedAt),
    acknowledgedBy: core.acknowledgedBy,
    shelvedUntil: iso(core.shelvedUntil),
  };
}

const mailsTo = (smtp: SmtpSink, address: string) => smtp.messages.filter((m) => m.envelopeTo.includes(address));

async function advance(h: Harness, ms: number, pager = h.pager): Promise<void> {
  h.clock.now += ms;
  await pager.runDue();
  await pager.settled();
}

describe('the alarm pager', () => {
  it('stops paging about an alarm whose rule was removed', async () => {
    const h = await harness();
    await h.pager.start();
    await h.raise();
    expect(mailsTo(h.smtp, 'ana@example.org')).toHaveLength(1);
    h.pager.forget('lt201-low@h1');
    await h.pager.settled();
    await advance(h, 10 * 60_000);
    await advance(h, 30 * 60_000);
    expect(mailsTo(h.smtp, 'ben@example.org')).toEqual([]);
  });

  it('pages each person once: a team without a channel of its own is not mailed what the escalation already sends', async () => {
    const h = await harness({ teams: [{ name: 'operators', members: ['ana', 'ben'], contacts: [] }] });
    await h.pager.start();
    await h.raise();
    expect(mailsTo(h.smtp, 'ana@example.org')).toHaveLength(1);
    expect(mailsTo(h.smtp, 'ben@example.org')).toEqual([]);
  });

  it('mails the primary a link, and after an acknowledgement the backup is never paged', async () => {
    const h = await harness();
    await h.pager.start();
    await h.raise();

    const [mail] = mailsTo(h.smtp, 'ana@example.org');
    expect(mail?.subject).toMatch(/^ALARM A\/high: North water works · LT-201\.level · Clear-water tank level low/);
    expect(mail?.text).toContain('plc-gateway-1');
    const link = mail?.links.find((l) => l.includes('/ack/')) ?? '';
    expect(link).toMatch(/^https:\/\/console\.example:8443\/ack\/[A-Za-z0-9_-]{24}\.[A-Za-z0-9_-]{24}$/);
    const token = link.split('/ack/')[1] ?? '';
    expect(await h.pager.describeAckLink(token)).toEqual({ alarmId: 'lt201-low@h1', recipient: 'ana', expiresAt: start + 240 * 60_000 });
    // The team heard of it on its chat webhook too (groupWaitSeconds 0: at once).
    expect(h.webhook.requests.map((r) => JSON.parse(r.body).type)).toEqual(['alarm.raised']);

    h.clock.now += 60_000;
    await h.act('lt201-low@h1', { type: 'acknowledge', user: 'ana', comment: 'on my way' });
    await advance(h, 10 * 60_000);
    await advance(h, 30 * 60_000);
    expect(mailsTo(h.smtp, 'ben@example.org')).toEqual([]);
    expect(h.smtp.messages).toHaveLength(1);
    const attempts = await h.store.forAlarm('lt201-low@h1');
    expect(attempts.filter((a) => a.status === 'delivered').map((a) => [a.event, a.channel, a.recipient])).toEqual([
      ['raised', 'ops-chat', 'operators'],
      ['raised', 'email', 'ana'],
    ]);
    const rows = await h.db.selectFrom('alarm_escalations').selectAll().execute();
    expect(rows.map((r) => [r.route, r.stopped])).toEqual([['plant', 'acknowledged']]);
  });

  it('pages the backup when nobody acknowledges within the wait', async () => {
    const h = await harness();
    await h.pager.start();
    await h.raise();
    await advance(h, 4 * 60_000);
    expect(mailsTo(h.smtp, 'ben@example.org')).toEqual([]);
    await advance(h, 60_000);
    const [mail] = mailsTo(h.smtp, 'ben@example.org');
    expect(mail?.subject).toMatch(/^ALARM NOT ACKNOWLEDGED \(step 2\)/);
    expect(mail?.links.some((l) => l.includes('/ack/'))).toBe(true);
    expect(mailsTo(h.smtp, 'ana@example.org')).toHaveLength(1);
    // The policy is done after its last wait: nothing more, and the row says so.
    await advance(h, 60 * 60_000);
    expect(h.smtp.messages).toHaveLength(2);
    const rows = await h.db.selectFrom('alarm_escalations').selectAll().execute();
    expect(rows.map((r) => r.stopped)).toEqual(['exhausted']);
  });

  it('pages the backup on its own timer after a wait of a few seconds (real clock)', async () => {
    const clock = {
      get now() {
        return Date.now();
      },
    };
    const h = await harness(
      { escalationPolicies: [{ id: 'standard', steps: [{ notify: 'primary', waitMinutes: 0.05 }, { notify: 'backup', waitMinutes: 1 }] }] },
      clock as { now: number },
    );
    await h.pager.start();
    await h.raise();
    expect(mailsTo(h.smtp, 'ana@example.org')).toHaveLength(1);
    const backup = await h.smtp.waitFor((m) => m.envelopeTo.includes('ben@example.org'), 5000);
    expect(backup.subject).toMatch(/NOT ACKNOWLEDGED/);
  });

  it('sends nothing in a maintenance window, and records why', async () => {
    const h = await harness();
    await h.pager.start();
    h.maintenance.window = { reason: 'filter 1 backwash', to: '2026-11-24T06:00:00Z' };
    await h.raise();
    await advance(h, 20 * 60_000);
    expect(h.smtp.messages).toEqual([]);
    expect(h.webhook.requests).toEqual([]);
    expect((await h.store.forAlarm('lt201-low@h1')).map((a) => [a.status, a.channel, a.recipient, a.detail])).toEqual([
      ['cancelled', '-', '-', 'not notified: maintenance window until 2026-11-24T06:00:00Z (filter 1 backwash)'],
    ]);
  });

  it('retries a webhook that answered 500, signed afresh, and the receiver can verify it', async () => {
    const h = await harness();
    await h.pager.start();
    h.webhook.failNext(1, 500);
    await h.raise();
    expect(h.webhook.requests.map((r) => r.answered)).toEqual([500]);
    await advance(h, 1000);
    expect(h.webhook.requests.map((r) => r.answered)).toEqual([500, 200]);
    const [first, second] = h.webhook.requests;
    expect(second?.headers['x-gatehouse-delivery']).toBe(first?.headers['x-gatehouse-delivery']);
    const check = verifyWebhook({
      secret,
      body: second?.body ?? '',
      timestamp: second?.headers['x-gatehouse-timestamp'] as string,
      signature: second?.headers['x-gatehouse-signature'] as string,
      now: h.clock.now,
    });
    expect(check).toEqual({ ok: true });
    expect(JSON.parse(second?.body ?? '{}')).toMatchObject({ type: 'alarm.raised', recipient: 'operators', hostName: 'plc-gateway-1' });
    const webhookAttempts = (await h.store.forAlarm('lt201-low@h1')).filter((a) => a.channel === 'ops-chat');
    expect(webhookAttempts.map((a) => [a.attempt, a.status, a.detail])).toEqual([
      [1, 'will-retry', 'HTTP 500'],
      [2, 'delivered', expect.any(String)],
    ]);
  });

  it('resumes an escalation after a restart without paging its first step again', async () => {
    const h = await harness();
    await h.pager.start();
    await h.raise();
    expect(mailsTo(h.smtp, 'ana@example.org')).toHaveLength(1);
    await h.pager.stop();

    h.clock.now += 2 * 60_000;
    h.pager = h.newPager();
    await h.pager.start();
    await h.pager.settled();
    expect(h.smtp.messages.filter((m) => m.envelopeTo.includes('ana@example.org') || m.envelopeTo.includes('ben@example.org'))).toHaveLength(1);

    await advance(h, 3 * 60_000);
    expect(mailsTo(h.smtp, 'ana@example.org')).toHaveLength(1);
    expect(mailsTo(h.smtp, 'ben@example.org')).toHaveLength(1);
  });

  it('stops a resumed escalation whose alarm was acknowledged while the console was down', async () => {
    const h = await harness();
    await h.pager.start();
    await h.raise();
    await h.pager.stop();
    // Acknowledged by the alarm service of another run: stored, but this pager never heard of it.
    const stopped = h.pager;
    h.pager = { onTransition: () => undefined, settled: async () => undefined } as unknown as AlarmPager;
    await h.act('lt201-low@h1', { type: 'acknowledge', user: 'ana' });
    h.pager = stopped;

    h.clock.now += 20 * 60_000;
    const again = h.newPager();
    await again.start();
    await again.settled();
    expect(mailsTo(h.smtp, 'ben@example.org')).toEqual([]);
    const rows = await h.db.selectFrom('alarm_escalations').selectAll().execute();
    expect(rows.map((r) => r.stopped)).toEqual(['acknowledged']);
  });

  it('records a step with nobody on call as a failed attempt saying why', async () => {
    const h = await harness({
      schedules: [
        {
          id: 'plant',
          timeZone: 'Europe/Berlin',
          primary: { people: ['ana'], handover: { every: 'day', at: '08:00' }, start: '2026-01-01' },
          backup: { people: ['ben'], handover: { every: 'day', at: '08:00' }, start: '2027-01-01' },
        },
      ],
    });
    await h.pager.start();
    await h.raise();
    await advance(h, 5 * 60_000);
    expect(mailsTo(h.smtp, 'ben@example.org')).toEqual([]);
    const failed = (await h.store.forAlarm('lt201-low@h1')).filter((a) => a.status === 'failed');
    expect(failed.map((a) => [a.event, a.recipient, a.detail])).toEqual([
      ['escalated', 'backup', 'step 2: nobody paged: the backup rotation has not started: it starts 2027-01-01 08:00 (Europe/Berlin)'],
    ]);
  });

  it('tells the team when the alarm clears, and stops paging', async () => {
    const h = await harness();
    await h.pager.start();
    await h.raise();
    h.clock.now += 60_000;
    await h.act('lt201-low@h1', { type: 'condition-cleared', value: 0.9 });
    await advance(h, 10 * 60_000);
    expect(h.webhook.requests.map((r) => JSON.parse(r.body).type)).toEqual(['alarm.raised', 'alarm.cleared']);
    expect(mailsTo(h.smtp, 'ben@example.org')).toEqual([]);
  });

  it('records and sends nothing without a configuration', async () => {
    const h = await harness();
    const pager = new AlarmPager({
      config: undefined,
      store: h.store,
      db: h.db,
      hostName: () => undefined,
      hostTags: () => [],
      siteName: () => undefined,
      inMaintenance: () => null,
      publicOrigin: () => 'https://console.example',
    });
    await pager.start();
    h.pager = pager;
    await h.raise();
    await pager.stop();
    expect(await h.store.forAlarm('lt201-low@h1')).toEqual([]);
    expect(h.smtp.messages).toEqual([]);
  });
});

describe('the notifications configuration', () => {
  const base = (): NotificationsInput => ({
    channels: [{ type: 'email', id: 'email', host: 'mail.example.org', port: 587, security: 'starttls', from: 'gatehouse@example.org' }],
    people: [{ name: 'ana', contacts: [{ channel: 'email', address: 'ana@example.org' }] }],
    teams: [{ name: 'operators', members: ['ana'] }],
    escalationPolicies: [{ id: 'p', steps: [{ notify: { person: 'ana' }, waitMinutes: 5 }] }],
    routing: { routes: [], fallback: { team: 'operators', escalationPolicy: 'p' } },
  });
  const keyOf = (input: unknown) => {
    try {
      parseNotifications(input);
      return 'valid';
    } catch (err) {
      return (err as { context: { key: string } }).context.key;
    }
  };

  it('fills documented defaults', () => {
    const parsed = parseNotifications(base());
    expect(parsed).toMatchObject({ timeZone: 'UTC', ackLinkMinutes: 240, retry: { maxAttempts: 5, firstDelayMs: 30_000 }, schedules: [] });
  });

  it('names the key of a contact on an unknown channel, an unknown person, team, policy or schedule', () => {
    expect(keyOf({ ...base(), people: [{ name: 'ana', contacts: [{ channel: 'sms', address: '+4917012345' }] }] })).toBe('people.0.contacts.0.channel');
    expect(keyOf({ ...base(), people: [{ name: 'ana', contacts: [{ channel: 'email' }] }] })).toBe('people.0.contacts.0.address');
    expect(keyOf({ ...base(), teams: [{ name: 'operators', members: ['bob'] }] })).toBe('teams.0.members.0');
    expect(keyOf({ ...base(), routing: { fallback: { team: 'nobody' } } })).toBe('routing.fallback.team');
    expect(keyOf({ ...base(), routing: { fallback: { team: 'operators', escalationPolicy: 'q' } } })).toBe('routing.fallback.escalationPolicy');
    expect(keyOf({ ...base(), routing: { fallback: { team: 'operators', schedule: 's' } } })).toBe('routing.fallback.schedule');
    expect(keyOf({ ...base(), escalationPolicies: [{ id: 'p', steps: [{ notify: 'primary', waitMinutes: 5 }] }] })).toBe('routing.fallback.schedule');
    expect(
      keyOf({
        ...base(),
        schedules: [{ id: 's', timeZone: 'UTC', primary: { people: ['ana', 'zoe'], handover: { every: 'day', at: '08:00' }, start: '2026-01-01' } }],
      }),
    ).toBe('schedules.0.primary.people.1');
  });

  it("runs the channels' own checks: no plain SMTP to another machine, webhooks over https", () => {
    expect(keyOf({ ...base(), channels: [{ type: 'email', id: 'email', host: 'mail.example.org', port: 25, security: 'none', from: 'g@example.org' }] })).toBe('channels.0');
    expect(keyOf({ ...base(), channels: [...(base().channels ?? []), { type: 'webhook', id: 'w', url: 'http://chat.example.org/x', secret }] })).toBe('channels.1');
  });
});
