/**
 * Raise-to-notify latency (issue 6 benchmark): from a sample reaching the alarm engine to the notification arriving
 * at a real receiver on loopback — the alarm stored in SQLite, routed, grouped (group wait 0), escalated to the
 * primary on call, an acknowledge link made and stored, and the message sent: a signed webhook to an HTTP receiver
 * and an e-mail to an SMTP server. The console's real AlarmService and AlarmPager; 10,000 other rules loaded so
 * the engine is not empty.
 *
 * Beside it, in the same run, the floor: the same receivers reached directly (one signed POST; one nodemailer
 * send), so the ratio says what the alarm path adds to delivery itself.
 * Run after compiling: `node dist/bench/alarm-notify.js [--alarms 200]`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createTransport } from 'nodemailer';
import { AuditTrail } from '../console/server/audit.js';
import { parseNotifications } from '../console/server/alarms/paging-config.js';
import { AlarmPager } from '../console/server/alarms/paging.js';
import { AlarmService } from '../console/server/alarms/service.js';
import { AlarmStore } from '../console/server/alarms/store.js';
import { signWebhook } from '../console/server/notify/webhook-signature.js';
import { openSqliteStorage } from '../console/server/storage/sqlite.js';
import { startSmtpSink } from '../test/support/smtp-sink.js';
import { startWebhookSink } from '../test/support/webhook-sink.js';

function option(name: string, fallback: number, min: number, max: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`--${name} takes a whole number from ${min} to ${max}`);
  return value;
}

const alarms = option('alarms', 200, 10, 10_000);
const secret = 'bench-secret-of-at-least-32-characters!!';

function quantile(sorted: number[], q: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index]!;
}

function summary(values: number[]): { median: number; p99: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: quantile(sorted, 0.5), p99: quantile(sorted, 0.99) };
}

async function waitUntil(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a notification');
    await new Promise((r) => setImmediate(r));
  }
}

const folder = await mkdtemp(join(tmpdir(), 'gh-bench-alarm-notify-'));
const smtp = await startSmtpSink();
const webhook = await startWebhookSink();
const storage = await openSqliteStorage(join(folder, 'gatehouse.db'));
try {
  const store = new AlarmStore(storage.db);
  const service = new AlarmService({ db: storage.db, store, audit: new AuditTrail(storage) });
  const config = parseNotifications({
    channels: [
      { type: 'email', id: 'email', host: '127.0.0.1', port: smtp.port, security: 'none', from: 'gatehouse@works.example' },
      { type: 'webhook', id: 'hook', url: `${webhook.url}/hook`, secret },
    ],
    people: [{ name: 'ana', contacts: [{ channel: 'email', address: 'ana@works.example' }] }],
    teams: [{ name: 'ops', members: ['ana'], contacts: [{ channel: 'hook' }] }],
    schedules: [{ id: 'works', timeZone: 'UTC', primary: { people: ['ana'], handover: { every: 'week', weekday: 'monday', at: '08:00' }, start: '2026-01-05' } }],
    escalationPolicies: [{ id: 'page', steps: [{ notify: 'primary', waitMinutes: 60 }] }],
    routing: { routes: [], fallback: { team: 'ops', schedule: 'works', escalationPolicy: 'page', grouping: { groupWaitSeconds: 0, groupIntervalSeconds: 1, repeatIntervalSeconds: 3600 } } },
  });
  const pager = new AlarmPager({
    config,
    store,
    db: storage.db,
    hostName: () => 'gateway',
    hostTags: () => [],
    siteName: () => 'Bench works',
    inMaintenance: () => null,
    publicOrigin: () => 'https://console.example',
  });
  service.setTransitionListener(pager);
  await service.start(0);
  await pager.start();
  const system = { username: 'bench', address: null };
  // The engine carries a fleet's rules while we measure.
  for (let i = 0; i < 10_000; i++) service.evaluator.addRule({ id: `other-${i}`, type: 'limit', tag: `FT-${i % 50}`, limit: 'H', setpoint: 1e9, priority: 'low', target: { hostId: `gw${Math.floor(i / 50)}` } });
  for (let i = 0; i < alarms; i++) await service.saveRule(system, `trip-${i}`, { id: `trip-${i}`, type: 'digital', tag: `P-${i}.fault`, alarmWhen: true, priority: 'high', target: { hostId: 'bench-gw' } });

  const hookLatency: number[] = [];
  const mailLatency: number[] = [];
  for (let i = 0; i < alarms; i++) {
    const id = `trip-${i}@bench-gw`;
    const hooksBefore = webhook.requests.length;
    const mailsBefore = smtp.messages.length;
    const started = performance.now();
    service.evaluator.onSamples('bench-gw', undefined, [{ tag: `P-${i}.fault`, ts: Date.now(), value: true, quality: 'good' }]);
    let hookAt = 0;
    let mailAt = 0;
    await waitUntil(() => {
      if (!hookAt && webhook.requests.slice(hooksBefore).some((r) => r.body.includes(id))) hookAt = performance.now();
      if (!mailAt && smtp.messages.length > mailsBefore) mailAt = performance.now();
      return hookAt > 0 && mailAt > 0;
    });
    hookLatency.push(hookAt - started);
    mailLatency.push(mailAt - started);
  }
  await pager.stop();
  await service.stop();

  // The floor: the same receivers, reached directly.
  const bareHook: number[] = [];
  const bareMail: number[] = [];
  const transport = createTransport({ host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true });
  for (let i = 0; i < alarms; i++) {
    const body = JSON.stringify({ type: 'alarm.raised', alarm: { id: `bare-${i}` } });
    const ts = Math.floor(Date.now() / 1000);
    let started = performance.now();
    await fetch(`${webhook.url}/hook`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-gatehouse-timestamp': String(ts), 'x-gatehouse-signature': signWebhook(secret, ts, body) }, body });
    bareHook.push(performance.now() - started);
    const mailsBefore = smtp.messages.length;
    started = performance.now();
    await transport.sendMail({ from: 'gatehouse@works.example', to: 'ana@works.example', subject: `bare ${i}`, text: 'bare' });
    await waitUntil(() => smtp.messages.length > mailsBefore);
    bareMail.push(performance.now() - started);
  }
  transport.close();

  const line = (what: string, ours: number[], floor: number[]) => {
    const a = summary(ours);
    const b = summary(floor);
    console.log(
      `${what.padEnd(8)} raise→received median ${a.median.toFixed(1)} ms, p99 ${a.p99.toFixed(1)} ms | bare send median ${b.median.toFixed(1)} ms, p99 ${b.p99.toFixed(1)} ms | ratio median ${(a.median / b.median).toFixed(1)}×, p99 ${(a.p99 / b.p99).toFixed(1)}×`,
    );
  };
  console.log(`raise-to-notify over ${alarms} alarms, 10,000 other rules loaded, SQLite in ${folder}`);
  line('webhook', hookLatency, bareHook);
  line('e-mail', mailLatency, bareMail);
} finally {
  await storage.close();
  await smtp.stop();
  await webhook.stop();
  await rm(folder, { recursive: true, force: true });
}
