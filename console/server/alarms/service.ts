/**
 * The console's alarms: the engine (evaluator.ts) with its rules from the database, every transition stored before
 * anyone is told (the live socket at once, the pager once it is stored), and what operators do to alarms —
 * acknowledge, shelve, take out of service, reset — checked by the state machine and audited.
 */
import { EventEmitter } from 'node:events';
import type { Kysely } from 'kysely';
import type { Alarm, AlarmState, AlarmTransition } from '../../../modules/kernel/alarm-model.js';
import { alarmPriorities } from '../../../modules/kernel/alarm-model.js';
import type { AcknowledgeManyResult, AlarmDetail, AlarmRuleView, MaintenanceWindow } from '../../../modules/kernel/alarm-api.js';
import { alarmRuleSchema, consoleConditionTags, consoleHostId, consoleMetrics, type AlarmRule, type AlarmRuleInput } from '../../../modules/kernel/alarm-rules.js';
import { GatehouseError } from '../../../modules/kernel/errors.js';
import type { AuditTrail } from '../audit.js';
import { log } from '../log.js';
import { AlarmEvaluator, type Flood } from './evaluator.js';
import { AlarmRuleStore, type StoredRule } from './rule-store.js';
import type { AlarmStore } from './store.js';

/** Who acts on an alarm: a person from their session, or the recipient of an acknowledge link. */
export interface AlarmActor {
  username: string;
  address: string | null;
}

/** Whoever sends notifications (paging.ts): told of each transition once it is stored. */
export interface TransitionListener {
  onTransition(alarm: Alarm, transition: AlarmTransition): void;
  /** The alarm is gone (its rule was removed or replaced): stop paging about it. */
  forget?(alarmId: string): void;
}

export interface AlarmServiceEvents {
  /** An alarm changed (before it is stored: for live pages, which must not wait on the disk). */
  changed: [Alarm];
  flood: [Flood];
}

/** Rules a console starts with when it has none: what every fleet wants watched. */
export const builtInRules: AlarmRuleInput[] = [
  { id: 'audit-chain', type: 'audit-chain', priority: 'critical', target: { hostId: consoleHostId }, maxShelveMinutes: 0 },
  { id: 'recording-failed', type: 'recording-failed', priority: 'high', target: { allHosts: true } },
  { id: 'host-offline', type: 'host-offline', priority: 'medium', heartbeatS: 30, missed: 3, target: { allHosts: true } },
  {
    id: 'login-failures',
    type: 'metric',
    metric: consoleMetrics.loginFailures,
    limit: 'H',
    setpoint: 20,
    deadband: 10,
    priority: 'high',
    message: 'Many failed logins in 10 minutes: someone may be guessing passwords',
    target: { hostId: consoleHostId },
  },
  {
    id: 'login-off-hours',
    type: 'digital',
    tag: consoleConditionTags['login-off-hours'],
    alarmWhen: true,
    priority: 'medium',
    message: 'Someone logged in outside the working hours',
    target: { hostId: consoleHostId },
  },
];

/** The order of the alarm list: what needs someone first. */
const stateRank: Record<AlarmState, number> = {
  unacknowledged: 0,
  'returned-unacknowledged': 1,
  acknowledged: 2,
  latched: 3,
  suppressed: 4,
  shelved: 5,
  'out-of-service': 6,
  normal: 7,
};

export function compareAlarms(a: Alarm, b: Alarm): number {
  return (
    stateRank[a.state] - stateRank[b.state] ||
    alarmPriorities.indexOf(a.priority) - alarmPriorities.indexOf(b.priority) ||
    b.raisedAt.localeCompare(a.raisedAt) ||
    a.id.localeCompare(b.id)
  );
}

export class AlarmService extends EventEmitter<AlarmServiceEvents> {
  readonly evaluator: AlarmEvaluator;
  readonly #store: AlarmStore;
  readonly #rules: AlarmRuleStore;
  readonly #audit: AuditTrail;
  readonly #now: () => number;
  readonly #ruleRecords = new Map<string, StoredRule>();
  #maintenanceFor: (alarm: Alarm) => MaintenanceWindow | null = () => null;
  #listener: TransitionListener | undefined;
  /** Transitions are stored one after another, in the order they happened. */
  #saving: Promise<void> = Promise.resolve();
  #ticker: NodeJS.Timeout | undefined;
  readonly #onTransition = (alarm: Alarm, transition: AlarmTransition) => this.#transitioned(alarm, transition);
  readonly #onFlood = (flood: Flood) => {
    log.warn('alarm flood', { site: flood.siteId, raised: flood.raised });
    this.emit('flood', flood);
  };

  constructor(options: { db: Kysely<any>; store: AlarmStore; audit: AuditTrail; siteOf?: (hostId: string) => string | undefined; now?: () => number }) {
    super();
    this.#now = options.now ?? Date.now;
    this.evaluator = new AlarmEvaluator({ now: this.#now, ...(options.siteOf ? { siteOf: options.siteOf } : {}) });
    this.#store = options.store;
    this.#rules = new AlarmRuleStore(options.db);
    this.#audit = options.audit;
  }

  /** Who is told of stored transitions (the pager); one. */
  setTransitionListener(listener: TransitionListener): void {
    this.#listener = listener;
  }

  /** How to tell whether an alarm's source is in a maintenance window (maintenance.ts). */
  setMaintenanceLookup(lookup: (alarm: Alarm) => MaintenanceWindow | null): void {
    this.#maintenanceFor = lookup;
  }

  /** Load the rules (the built-in ones on a console that has none), carry on from the stored alarms, start the clock. */
  async start(tickMs = 1000): Promise<void> {
    let stored = await this.#rules.list();
    if (stored.length === 0) {
      const at = new Date(this.#now()).toISOString();
      for (const input of builtInRules) await this.#rules.save(alarmRuleSchema.parse(input), 'system', at);
      stored = await this.#rules.list();
    }
    for (const record of stored) {
      try {
        this.evaluator.addRule(record.rule);
        this.#ruleRecords.set(record.rule.id, record);
      } catch (err) {
        log.warn('alarm rule left out', { rule: record.rule.id, message: (err as Error).message });
      }
    }
    const restored = this.evaluator.restore(await this.#store.loadAlarms(), this.#now());
    this.evaluator.on('transition', this.#onTransition);
    this.evaluator.on('flood', this.#onFlood);
    if (tickMs > 0) {
      this.#ticker = setInterval(() => this.tick(), tickMs);
      this.#ticker.unref();
    }
    log.info('alarms started', { rules: this.#ruleRecords.size, restored });
  }

  async stop(): Promise<void> {
    clearInterval(this.#ticker);
    this.evaluator.off('transition', this.#onTransition);
    this.evaluator.off('flood', this.#onFlood);
    await this.settled();
  }

  /** The passing of time (delays, silence, shelves expiring); the service's own timer calls it every second. */
  tick(now = this.#now()): void {
    try {
      this.evaluator.tick(now);
    } catch (err) {
      log.error('alarm tick failed', { message: (err as Error).message });
    }
  }

  /** Wait until every transition so far is stored (tests, shutdown, and operator actions before they answer). */
  async settled(): Promise<void> {
    let current: Promise<void>;
    do {
      current = this.#saving;
      await current;
    } while (current !== this.#saving);
  }

  /** Current alarms (not normal), what needs someone first; optionally of one site or host. */
  list(filter: { siteId?: string; hostId?: string } = {}): Alarm[] {
    return this.evaluator
      .alarms()
      .filter((a) => (filter.siteId === undefined || a.source.siteId === filter.siteId) && (filter.hostId === undefined || a.source.hostId === filter.hostId))
      .sort(compareAlarms);
  }

  alarm(alarmId: string): Alarm {
    return this.evaluator.alarm(alarmId);
  }

  floods(): Flood[] {
    return this.evaluator.floods();
  }

  /** An alarm with its rule, history and notification attempts; also one whose rule has since been removed. */
  async detail(alarmId: string): Promise<AlarmDetail> {
    let alarm: Alarm;
    let rule: AlarmRule | undefined;
    try {
      alarm = this.evaluator.alarm(alarmId);
      rule = this.evaluator.ruleOf(alarmId);
    } catch (err) {
      if (!(err instanceof GatehouseError) || err.code !== 'not-found') throw err;
      const stored = await this.#store.storedAlarm(alarmId);
      if (!stored) throw err;
      alarm = stored;
      rule = this.#ruleRecords.get(stored.ruleId)?.rule;
      if (!rule) throw new GatehouseError('not-found', `The rule of alarm ${alarmId.slice(0, 130)} has been removed`);
    }
    const [history, attempts] = await Promise.all([this.#store.history(alarmId), this.#store.forAlarm(alarmId)]);
    return { alarm, rule, history, attempts, maintenance: this.#maintenanceFor(alarm) };
  }

  async acknowledge(actor: AlarmActor, alarmId: string, comment?: string): Promise<Alarm> {
    return this.#act(actor, 'alarm.acknowledge', alarmId, comment, () => this.evaluator.acknowledge(alarmId, actor.username, comment));
  }

  /** Acknowledge several; each stands alone (one already acknowledged does not stop the others). */
  async acknowledgeMany(actor: AlarmActor, alarmIds: readonly string[], comment?: string): Promise<AcknowledgeManyResult> {
    const result: AcknowledgeManyResult = { acknowledged: [], refused: [] };
    for (const id of new Set(alarmIds)) {
      try {
        await this.acknowledge(actor, id, comment);
        result.acknowledged.push(id);
      } catch (err) {
        if (!(err instanceof GatehouseError)) throw err;
        result.refused.push({ id, code: err.code, message: err.message });
      }
    }
    return result;
  }

  async shelve(actor: AlarmActor, alarmId: string, reason: string, until: { minutes: number } | { oneShot: true }): Promise<Alarm> {
    const when = 'oneShot' in until ? { oneShot: true as const } : { until: this.#now() + until.minutes * 60_000 };
    const detail = 'oneShot' in until ? `one-shot: ${reason}` : `${until.minutes} min: ${reason}`;
    return this.#act(actor, 'alarm.shelve', alarmId, detail, () => this.evaluator.shelve(alarmId, actor.username, reason, when));
  }

  async unshelve(actor: AlarmActor, alarmId: string, comment?: string): Promise<Alarm> {
    return this.#act(actor, 'alarm.unshelve', alarmId, comment, () => this.evaluator.unshelve(alarmId, actor.username, comment));
  }

  async removeFromService(actor: AlarmActor, alarmId: string, reason: string): Promise<Alarm> {
    return this.#act(actor, 'alarm.remove-from-service', alarmId, reason, () => this.evaluator.removeFromService(alarmId, actor.username, reason));
  }

  async returnToService(actor: AlarmActor, alarmId: string, comment?: string): Promise<Alarm> {
    return this.#act(actor, 'alarm.return-to-service', alarmId, comment, () => this.evaluator.returnToService(alarmId, actor.username, comment));
  }

  async reset(actor: AlarmActor, alarmId: string, comment?: string): Promise<Alarm> {
    return this.#act(actor, 'alarm.reset', alarmId, comment, () => this.evaluator.reset(alarmId, actor.username, comment));
  }

  /** The rules with how many of their alarms stand now. */
  ruleViews(): AlarmRuleView[] {
    const standing = new Map<string, number>();
    for (const alarm of this.evaluator.alarms()) standing.set(alarm.ruleId, (standing.get(alarm.ruleId) ?? 0) + 1);
    return [...this.#ruleRecords.values()]
      .sort((a, b) => a.rule.id.localeCompare(b.rule.id))
      .map((r) => ({ rule: r.rule, standing: standing.get(r.rule.id) ?? 0, updatedAt: r.updatedAt, updatedBy: r.updatedBy }));
  }

  /**
   * Add or replace a rule. A replaced rule's alarms start again from normal (their history is kept): a changed
   * setpoint must not leave an alarm standing that the new rule would not raise.
   */
  async saveRule(actor: AlarmActor, ruleId: string, input: unknown): Promise<AlarmRuleView> {
    const parsed = alarmRuleSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new GatehouseError('invalid-params', `Alarm rule: ${issue?.path.join('.') || 'rule'}: ${issue?.message ?? 'invalid'}`);
    }
    const rule = parsed.data;
    if (rule.id !== ruleId) throw new GatehouseError('invalid-params', `Alarm rule: id: must be ${ruleId.slice(0, 64)}, as in the address`);
    const replacing = this.#ruleRecords.has(rule.id);
    const record = await this.#rules.save(rule, actor.username, new Date(this.#now()).toISOString());
    if (replacing) await this.#forgetAlarmsOf(rule.id);
    this.evaluator.addRule(rule);
    this.#ruleRecords.set(rule.id, record);
    await this.#audit.record({ user: actor.username, address: actor.address, action: 'alarm.rule.save', phase: 'event', result: 'ok', detail: `${rule.id} (${rule.type}, ${rule.priority})${replacing ? ' replaced' : ''}` });
    return this.ruleViews().find((v) => v.rule.id === rule.id)!;
  }

  async deleteRule(actor: AlarmActor, ruleId: string): Promise<void> {
    if (!this.#ruleRecords.has(ruleId)) throw new GatehouseError('not-found', `No alarm rule ${ruleId.slice(0, 64)}`);
    await this.#rules.remove(ruleId);
    await this.#forgetAlarmsOf(ruleId);
    this.evaluator.removeRule(ruleId);
    this.#ruleRecords.delete(ruleId);
    await this.#audit.record({ user: actor.username, address: actor.address, action: 'alarm.rule.delete', phase: 'event', result: 'ok', detail: ruleId });
  }

  /** A rule's alarms are about to go: their stored records (history stays) and any paging about them. */
  async #forgetAlarmsOf(ruleId: string): Promise<void> {
    await this.settled();
    const standing = this.evaluator.alarms().filter((a) => a.ruleId === ruleId);
    await this.#store.deleteAlarmsOfRule(ruleId);
    for (const alarm of standing) this.#listener?.forget?.(alarm.id);
  }

  async #act(actor: AlarmActor, action: string, alarmId: string, detail: string | undefined, apply: () => Alarm): Promise<Alarm> {
    const alarm = apply();
    await this.settled();
    await this.#audit.record({
      user: actor.username,
      address: actor.address,
      hostId: alarm.source.hostId ?? null,
      action,
      phase: 'event',
      result: 'ok',
      detail: `${alarmId}: ${alarm.message}${detail ? ` — ${detail}` : ''}`.slice(0, 2000),
    });
    return alarm;
  }

  #transitioned(alarm: Alarm, transition: AlarmTransition): void {
    this.emit('changed', alarm);
    let core;
    try {
      core = this.evaluator.core(alarm.id);
    } catch {
      return; // its rule was removed in the same breath
    }
    this.#saving = this.#saving
      .then(() => this.#store.saveAlarm(alarm, core, [transition], this.#now()))
      .then(
        () => this.#listener?.onTransition(alarm, transition),
        (err: unknown) => log.error('could not store an alarm transition', { alarm: alarm.id, to: transition.to, message: (err as Error).message }),
      );
  }
}
