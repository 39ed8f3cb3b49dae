/**
 * What the alarm engine is fed, from every corner of the console: gateway telemetry as it is stored, host metrics
 * as agents push them (named `cpu.percent`, `memory.used.percent`, …), heartbeats of connected agents, failed
 * terminal recordings, failed logins (a count over 10 minutes), logins outside the working hours, the audit chain's
 * check (at start and daily) and drift from approved baselines (every `driftEveryMs`, for hosts a drift rule
 * covers). Each source plugs in here and nowhere else.
 */
import type { MetricsSample } from '../../../modules/kernel/metrics-sample.js';
import { consoleConditionTags, consoleHostId, consoleMetrics, type AlarmRule } from '../../../modules/kernel/alarm-rules.js';
import type { TagSample } from '../../../modules/kernel/telemetry.js';
import type { AgentHub } from '../agents/hub.js';
import type { Baselines } from '../drift/baselines.js';
import type { ConsoleEvents, LoginFailure, OffHoursLogin } from '../events.js';
import type { HostDirectory } from '../hosts.js';
import { log } from '../log.js';
import type { Caller } from '../relay.js';
import type { SiteService } from '../sites/sites.js';
import type { TelemetryIntake } from '../sites/telemetry-intake.js';
import type { Storage } from '../storage/types.js';
import type { AlarmEvaluator } from './evaluator.js';

/** The metric names rules can watch, from one pushed sample: the figures people set thresholds on. */
export function metricTags(sample: MetricsSample): TagSample[] {
  const ts = Date.parse(sample.at);
  if (!Number.isFinite(ts)) return [];
  const percent = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 10_000) / 100 : 0);
  const tag = (name: string, value: number): TagSample => ({ tag: name, ts, value, quality: 'good' });
  const out = [
    tag('cpu.percent', sample.cpu.total),
    tag('load.1', sample.load[0]),
    tag('load.5', sample.load[1]),
    tag('load.15', sample.load[2]),
    tag('memory.used.percent', percent(sample.memory.used, sample.memory.total)),
    tag('swap.used.percent', percent(sample.memory.swapUsed, sample.memory.swapTotal)),
  ];
  let worst = 0;
  for (const disk of sample.disks) {
    const used = percent(disk.used, disk.total);
    worst = Math.max(worst, used);
    out.push(tag(`disk.used.percent:${disk.mount}`.slice(0, 64), used));
  }
  out.push(tag('disk.used.percent', worst));
  if (sample.temperatures.length > 0) out.push(tag('temperature.max', Math.max(...sample.temperatures.map((t) => t.celsius))));
  return out;
}

export interface AlarmInputOptions {
  evaluator: AlarmEvaluator;
  hub: AgentHub;
  hosts: HostDirectory;
  intake: TelemetryIntake;
  sites: SiteService;
  events: ConsoleEvents;
  storage: Storage;
  baselines: Baselines;
  /** Who the periodic drift check runs as (it reads the host's facts through the relay, audited). */
  system: Caller;
  now?: () => number;
  heartbeatEveryMs?: number;
  auditCheckEveryMs?: number;
  driftEveryMs?: number;
}

/** Connect every source to the engine; returns what disconnects them. */
export async function connectAlarmInputs(options: AlarmInputOptions): Promise<() => void> {
  const { evaluator, hub, intake, sites, events, storage } = options;
  const now = options.now ?? Date.now;
  const feed = (hostId: string, samples: TagSample[]) => {
    try {
      evaluator.onSamples(hostId, sites.siteOf(hostId), samples);
    } catch (err) {
      log.error('alarm evaluation failed', { host: hostId, message: (err as Error).message });
    }
  };

  const onSamples = (hostId: string, samples: TagSample[]) => feed(hostId, samples);
  const onMetrics = (hostId: string, samples: MetricsSample[]) => {
    for (const sample of samples) feed(hostId, metricTags(sample));
  };
  const heartbeat = (hostId: string) => evaluator.onHeartbeat(hostId, sites.siteOf(hostId), now());
  const onOnline = (link: { info: { hostId: string } }) => heartbeat(link.info.hostId);
  // A failed recording is an event, not a condition: raised and cleared at once, it waits for acknowledgement.
  const onRecordingFailed = (failure: { hostId: string; at: string }) => {
    const ts = Number.isFinite(Date.parse(failure.at)) ? Date.parse(failure.at) : now();
    const tag = consoleConditionTags['recording-failed'];
    feed(failure.hostId, [
      { tag, ts, value: true, quality: 'good' },
      { tag, ts: ts + 1, value: false, quality: 'good' },
    ]);
  };
  // Failed logins over the last 10 minutes, as a figure a metric rule can set a limit on (someone guessing).
  const loginFailureWindowMs = 10 * 60_000;
  const loginFailures: number[] = [];
  const feedLoginFailures = () => {
    const at = now();
    while (loginFailures.length > 0 && loginFailures[0]! <= at - loginFailureWindowMs) loginFailures.shift();
    feed(consoleHostId, [{ tag: consoleMetrics.loginFailures, ts: at, value: loginFailures.length, quality: 'good' }]);
  };
  const onLoginFailed = (_failure: LoginFailure) => {
    loginFailures.push(now());
    feedLoginFailures();
  };
  // A login outside the working hours is an event like a failed recording: raised and cleared at once.
  const onOffHoursLogin = (login: OffHoursLogin) => {
    const ts = Number.isFinite(Date.parse(login.at)) ? Date.parse(login.at) : now();
    const tag = consoleConditionTags['login-off-hours'];
    feed(consoleHostId, [
      { tag, ts, value: true, quality: 'good' },
      { tag, ts: ts + 1, value: false, quality: 'good' },
    ]);
  };
  const checkAuditChain = async () => {
    try {
      const result = await storage.verifyAudit();
      if (!result.ok) log.error('audit chain broken', { firstBadId: result.firstBadId, reason: result.reason });
      feed(consoleHostId, [{ tag: consoleConditionTags['audit-chain'], ts: now(), value: !result.ok, quality: 'good' }]);
    } catch (err) {
      log.error('could not verify the audit chain', { message: (err as Error).message });
    }
  };
  const checkDrift = async () => {
    const driftRules = evaluator.rules().filter((r): r is Extract<AlarmRule, { type: 'drift' }> => r.type === 'drift');
    if (driftRules.length === 0) return;
    for (const hostId of hub.onlineHostIds()) {
      const siteId = sites.siteOf(hostId);
      const covered = driftRules.some((r) => r.target.allHosts === true || r.target.hostId === hostId || (r.target.hostId === undefined && r.target.siteId === siteId));
      if (!covered) continue;
      try {
        const report = await options.baselines.report(options.system, hostId);
        if (report.baseline) evaluator.onDrift(hostId, siteId, now(), report.changes);
      } catch (err) {
        log.warn('drift check failed', { host: hostId, message: (err as Error).message });
      }
    }
  };

  intake.on('samples', onSamples);
  hub.on('metrics', onMetrics);
  hub.on('online', onOnline);
  events.on('recording-failed', onRecordingFailed);
  events.on('login-failed', onLoginFailed);
  events.on('login-off-hours', onOffHoursLogin);
  // Every agent host known gets a heartbeat now: one that never comes back after a console restart still alarms.
  for (const host of await options.hosts.list()) if (host.connection === 'agent' && host.state === 'approved') heartbeat(host.id);
  const heartbeats = setInterval(() => {
    for (const hostId of hub.onlineHostIds()) heartbeat(hostId);
    // The count falls as failures age out of the window, so the alarm clears without a new login.
    if (loginFailures.length > 0) feedLoginFailures();
  }, options.heartbeatEveryMs ?? 1000);
  void checkAuditChain();
  const auditTimer = setInterval(() => void checkAuditChain(), options.auditCheckEveryMs ?? 86_400_000);
  const driftTimer = setInterval(() => void checkDrift(), options.driftEveryMs ?? 30 * 60_000);
  for (const timer of [heartbeats, auditTimer, driftTimer]) timer.unref();

  return () => {
    intake.off('samples', onSamples);
    hub.off('metrics', onMetrics);
    hub.off('online', onOnline);
    events.off('recording-failed', onRecordingFailed);
    events.off('login-failed', onLoginFailed);
    events.off('login-off-hours', onOffHoursLogin);
    clearInterval(heartbeats);
    clearInterval(auditTimer);
    clearInterval(driftTimer);
  };
}
