import { EventEmitter } from 'node:events';
import type { Alarm, AlarmTransition } from '../../../modules/kernel/alarm-model.js';
import { GatehouseError } from '../../../modules/kernel/errors.js';
import type { TagSample } from '../../../modules/kernel/telemetry.js';
import {
  alarmRuleSchema,
  evaluateDrift,
  evaluateHeartbeat,
  evaluateSample,
  evaluateTime,
  initialCondition,
  ruleInput,
  ruleKind,
  ruleLimit,
  ruleMessage,
  type AlarmRule,
  type ConditionState,
  type Evaluation,
} from './rules.js';
import { normalCore, transition, type AlarmCore, type AlarmEvent } from './state-machine.js';
import { FloodDetector, type Flood } from './floods.js';

export type { Flood } from './floods.js';

/**
 * The alarm engine in memory: rules applied to hosts and sites, fed samples, heartbeats, drift counts and clock
 * ticks, producing ISA-18.2 transitions as events. Storage and notification listen to `transition`; nothing here
 * does input/output. One alarm is one rule on one host.
 *
 * Speed: a sample looks up only the rules for its (host, tag) and (site, tag) in two maps, so 10,000 rules cost
 * a sample no more than the handful that name its tag.
 *
 * Floods: a comm-loss alarm inhibits (suppresses) the alarms of the tags behind its device, and a host-offline
 * alarm every other alarm of its host, so a gateway dropping off gives one alarm, not fifty. Too many alarms at a
 * site in ten minutes is a flood (floods.ts), reported once as it starts.
 */


type AlarmRecord = {
  id: string;
  rule: AlarmRule;
  hostId: string;
  siteId: string | undefined;
  core: AlarmCore;
  condition: ConditionState;
  suppressedByDesign: boolean;
  /** Ids of the comm-loss / host-offline alarms now inhibiting this one. */
  inhibitedBy: Set<string>;
  changedAt: number;
};

type EvaluatorEvents = { transition: [Alarm, AlarmTransition]; flood: [Flood] };

const maxUser = 64;
const maxComment = 1000;

const key = (a: string, b: string): string => `${a}\u0000${b}`;

/** The host key of rules for every host (`target.allHosts`): never a host id, which starts with a letter or digit. */
const allHosts = '*';

function push<K, V>(map: Map<K, V[]>, k: K, v: V): void {
  const list = map.get(k);
  if (list) list.push(v);
  else map.set(k, [v]);
}

function pull<K, V>(map: Map<K, V[]>, k: K, v: V): void {
  const list = map.get(k)?.filter((x) => x !== v);
  if (list && list.length > 0) map.set(k, list);
  else map.delete(k);
}

function text(value: unknown, what: string, max: number, required: boolean): string | undefined {
  if (value === undefined || value === null || value === '') {
    if (required) throw new GatehouseError('invalid-params', `${what} is required`);
    return undefined;
  }
  if (typeof value !== 'string' || value.length > max) throw new GatehouseError('invalid-params', `${what} must be text of at most ${max} characters`);
  return value;
}

export class AlarmEvaluator extends EventEmitter<EvaluatorEvents> {
  readonly #now: () => number;
  readonly #siteOf: (hostId: string) => string | undefined;
  readonly #rules = new Map<string, AlarmRule>();
  readonly #alarms = new Map<string, AlarmRecord>();
  /** (host or site, input tag) → rules it drives. */
  readonly #byHostTag = new Map<string, AlarmRule[]>();
  readonly #bySiteTag = new Map<string, AlarmRule[]>();
  /** (host or site, tag) → rules it suppresses by design. */
  readonly #suppressorsByHost = new Map<string, AlarmRule[]>();
  readonly #suppressorsBySite = new Map<string, AlarmRule[]>();
  /** Rules driven by heartbeats, drift or silence, by host and by site. */
  readonly #hostRules = new Map<string, AlarmRule[]>();
  readonly #siteRules = new Map<string, AlarmRule[]>();
  readonly #alarmsByHost = new Map<string, Set<AlarmRecord>>();
  readonly #floods = new FloodDetector();
  readonly #tagSets = new WeakMap<AlarmRule, Set<string>>();
  /** While restoring stored alarms: their transitions are already stored, so none is emitted. */
  #restoring = false;

  /**
   * `siteOf` names the site of a host for alarms born without a sample to say it (a host's silence watched from
   * the moment its rule is added), so they route and count with their site.
   */
  constructor(options: { now?: () => number; siteOf?: (hostId: string) => string | undefined } = {}) {
    super();
    this.#now = options.now ?? Date.now;
    this.#siteOf = options.siteOf ?? (() => undefined);
  }

  /** Add or replace a rule (validated; a replaced rule's alarms start again from normal). */
  addRule(input: unknown): AlarmRule {
    const parsed = alarmRuleSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new GatehouseError('invalid-params', `Alarm rule: ${issue?.path.join('.') || 'rule'}: ${issue?.message ?? 'invalid'}`);
    }
    const rule = parsed.data;
    if (this.#rules.has(rule.id)) this.removeRule(rule.id);
    this.#rules.set(rule.id, rule);
    const { hostId, siteId } = rule.target;
    const input_ = ruleInput(rule);
    const where = hostId !== undefined || siteId === undefined ? [this.#byHostTag, this.#suppressorsByHost, this.#hostRules, hostId ?? allHosts] as const : [this.#bySiteTag, this.#suppressorsBySite, this.#siteRules, siteId] as const;
    if (input_ !== null) push(where[0], key(where[3], input_), rule);
    else push(where[2], where[3], rule);
    if (rule.suppressedWhen) push(where[1], key(where[3], rule.suppressedWhen.tag), rule);
    // A host's silence must alarm even if it never says a word: watch from now.
    if (input_ === null && hostId !== undefined && rule.type !== 'drift') this.#record(rule, hostId, siteId);
    return rule;
  }

  removeRule(id: string): void {
    const rule = this.#rules.get(id);
    if (!rule) throw new GatehouseError('not-found', `No alarm rule ${id.slice(0, 64)}`);
    this.#rules.delete(id);
    const { hostId, siteId } = rule.target;
    const input = ruleInput(rule);
    const where = hostId !== undefined || siteId === undefined ? [this.#byHostTag, this.#suppressorsByHost, this.#hostRules, hostId ?? allHosts] as const : [this.#bySiteTag, this.#suppressorsBySite, this.#siteRules, siteId] as const;
    if (input !== null) pull(where[0], key(where[3], input), rule);
    else pull(where[2], where[3], rule);
    if (rule.suppressedWhen) pull(where[1], key(where[3], rule.suppressedWhen.tag), rule);
    for (const record of [...this.#alarms.values()]) {
      if (record.rule !== rule) continue;
      if (record.condition.active) this.#inhibit(record, false, this.#now());
      this.#alarms.delete(record.id);
      this.#alarmsByHost.get(record.hostId)?.delete(record);
      for (const other of this.#alarms.values()) other.inhibitedBy.delete(record.id);
    }
  }

  rules(): AlarmRule[] {
    return [...this.#rules.values()];
  }

  /** Samples from one host (a gateway) at a site, in any order; each touches only the rules that name its tag. */
  onSamples(hostId: string, siteId: string | undefined, samples: readonly TagSample[]): void {
    if (typeof hostId !== 'string' || !Array.isArray(samples)) throw new GatehouseError('invalid-params', 'onSamples needs a host id and an array of samples');
    const silenceRules = this.#silenceRules(hostId, siteId);
    for (const sample of samples) {
      const tag = sample.tag;
      const byHost = this.#byHostTag.get(key(hostId, tag));
      if (byHost) for (const rule of byHost) this.#apply(this.#record(rule, hostId, siteId), (c) => evaluateSample(rule, c, sample));
      const byFleet = this.#byHostTag.get(key(allHosts, tag));
      if (byFleet) for (const rule of byFleet) this.#apply(this.#record(rule, hostId, siteId), (c) => evaluateSample(rule, c, sample));
      if (siteId !== undefined) {
        const bySite = this.#bySiteTag.get(key(siteId, tag));
        if (bySite) for (const rule of bySite) this.#apply(this.#record(rule, hostId, siteId), (c) => evaluateSample(rule, c, sample));
        const suppressors = this.#suppressorsBySite.get(key(siteId, tag));
        if (suppressors) for (const rule of suppressors) this.#suppressByDesign(this.#record(rule, hostId, siteId), sample);
      }
      for (const at of [hostId, allHosts]) {
        const suppressors = this.#suppressorsByHost.get(key(at, tag));
        if (suppressors) for (const rule of suppressors) this.#suppressByDesign(this.#record(rule, hostId, siteId), sample);
      }
      for (const rule of silenceRules) {
        if (rule.type === 'comm-loss' && (rule.tags.length === 0 || this.#deviceTags(rule).has(tag))) {
          this.#apply(this.#record(rule, hostId, siteId), (c) => evaluateSample(rule, c, sample));
        }
      }
    }
  }

  /** A heartbeat from a host (for host-offline rules), at the host's time `ts`. */
  onHeartbeat(hostId: string, siteId: string | undefined, ts: number): void {
    for (const rule of this.#silenceRules(hostId, siteId)) {
      if (rule.type === 'host-offline') this.#apply(this.#record(rule, hostId, siteId), (c) => evaluateHeartbeat(rule, c, ts));
    }
  }

  /** A drift check's result for a host: how many changes from its approved baseline. */
  onDrift(hostId: string, siteId: string | undefined, ts: number, changes: number): void {
    for (const rule of this.#silenceRules(hostId, siteId)) {
      if (rule.type === 'drift') this.#apply(this.#record(rule, hostId, siteId), (c) => evaluateDrift(rule, c, ts, changes));
    }
  }

  /** The passing of time: delays completing, comm loss, missed heartbeats, shelves expiring, floods ending. */
  tick(now: number = this.#now()): void {
    for (const record of [...this.#alarms.values()]) {
      this.#apply(record, (c) => evaluateTime(record.rule, c, now));
      if (record.core.shelvedUntil !== null && record.core.shelvedUntil <= now) this.#event(record, { type: 'shelve-expired' }, now);
    }
    this.#floods.tick(now);
  }

  acknowledge(alarmId: string, user: string, comment?: string): Alarm {
    return this.#operator(alarmId, { type: 'acknowledge', user: text(user, 'user', maxUser, true)!, comment: text(comment, 'comment', maxComment, false) });
  }

  /** Shelve until a time (ms) or one-shot (until the condition clears), never beyond the rule's maximum. */
  shelve(alarmId: string, user: string, reason: string, until: { until: number } | { oneShot: true }): Alarm {
    const record = this.#find(alarmId);
    const event: AlarmEvent = {
      type: 'shelve',
      user: text(user, 'user', maxUser, true)!,
      reason: text(reason, 'reason', maxComment, true)!,
      maxShelveMs: record.rule.maxShelveMinutes * 60_000,
      ...('oneShot' in until ? { oneShot: true } : { until: until.until }),
    };
    return this.#operator(alarmId, event);
  }

  unshelve(alarmId: string, user: string, comment?: string): Alarm {
    return this.#operator(alarmId, { type: 'unshelve', user: text(user, 'user', maxUser, true)!, comment: text(comment, 'comment', maxComment, false) });
  }

  removeFromService(alarmId: string, user: string, reason: string): Alarm {
    return this.#operator(alarmId, { type: 'remove-from-service', user: text(user, 'user', maxUser, true)!, reason: text(reason, 'reason', maxComment, true)! });
  }

  returnToService(alarmId: string, user: string, reason?: string): Alarm {
    return this.#operator(alarmId, { type: 'return-to-service', user: text(user, 'user', maxUser, true)!, reason: text(reason, 'reason', maxComment, false) });
  }

  reset(alarmId: string, user: string, comment?: string): Alarm {
    return this.#operator(alarmId, { type: 'reset', user: text(user, 'user', maxUser, true)!, comment: text(comment, 'comment', maxComment, false) });
  }

  /**
   * Current alarms in any state but normal. A suppressed alarm is left out when its condition is not active, or when
   * it is a comm-loss watch held behind a wider one: behind a lost gateway fifty tags are suppressed, and listing
   * them would be the flood we set out to prevent. Suppressed alarms whose condition is active are listed.
   */
  alarms(): Alarm[] {
    const out: Alarm[] = [];
    for (const record of this.#alarms.values()) {
      const { state, active } = record.core;
      // A narrower silence held behind a wider one (a tag's behind its lost gateway): the wider alarm speaks for it.
      if (state === 'normal' || (state === 'suppressed' && (!active || (record.inhibitedBy.size > 0 && record.rule.type === 'comm-loss')))) continue;
      out.push(this.#view(record));
    }
    return out;
  }

  alarm(alarmId: string): Alarm {
    return this.#view(this.#find(alarmId));
  }

  /** The state machine's record of an alarm, to store beside it so a restart carries on. */
  core(alarmId: string): AlarmCore {
    return { ...this.#find(alarmId).core };
  }

  /** The rule of an alarm. */
  ruleOf(alarmId: string): AlarmRule {
    return this.#find(alarmId).rule;
  }

  /**
   * Carry on after a restart from the stored alarms (their rules added first): each alarm's state, and a condition
   * that matches it, so an active alarm clears on the next normal sample. Silence is measured again from `now`.
   * Emits nothing: these transitions are already stored. Alarms of rules that no longer exist or no longer apply
   * to their host are skipped. Returns how many were restored.
   */
  restore(stored: readonly { alarm: Alarm; core: AlarmCore }[], now: number = this.#now()): number {
    let restored = 0;
    this.#restoring = true;
    try {
      for (const { alarm, core } of stored) {
        const rule = this.#rules.get(alarm.ruleId);
        const hostId = alarm.source.hostId;
        if (!rule || hostId === undefined) continue;
        const applies = rule.target.allHosts === true || (rule.target.hostId !== undefined ? rule.target.hostId === hostId : rule.target.siteId === alarm.source.siteId);
        if (!applies) continue;
        const record = this.#record(rule, hostId, alarm.source.siteId);
        record.core = { ...core, latched: rule.latching };
        const silent = ruleInput(rule) === null && rule.type !== 'drift';
        record.condition = { ...initialCondition(), raw: core.active, rawSince: core.active ? (core.raisedAt ?? now) : null, active: core.active, lastGoodTs: silent ? now : null, value: core.value };
        record.inhibitedBy.clear();
        restored += 1;
      }
      for (const source of this.#alarms.values()) {
        if (!source.condition.active || (source.rule.type !== 'comm-loss' && source.rule.type !== 'host-offline')) continue;
        for (const target of this.#alarmsByHost.get(source.hostId) ?? []) if (this.#inhibits(source, target)) target.inhibitedBy.add(source.id);
      }
      // Held without a lost device to blame: it was suppressed by design, until a sample says otherwise.
      for (const record of this.#alarms.values()) if (record.core.suppressed && record.inhibitedBy.size === 0) record.suppressedByDesign = true;
    } finally {
      this.#restoring = false;
    }
    return restored;
  }

  /** Floods seen, newest last (open ones have `endedAt` null). */
  floods(): Flood[] {
    return this.#floods.floods();
  }

  #silenceRules(hostId: string, siteId: string | undefined): AlarmRule[] {
    const byHost = this.#hostRules.get(hostId);
    const bySite = siteId === undefined ? undefined : this.#siteRules.get(siteId);
    const byFleet = this.#hostRules.get(allHosts);
    if (!bySite && !byFleet) return byHost ?? [];
    return [...(byHost ?? []), ...(bySite ?? []), ...(byFleet ?? [])];
  }

  #find(alarmId: string): AlarmRecord {
    const record = typeof alarmId === 'string' ? this.#alarms.get(alarmId) : undefined;
    if (!record) throw new GatehouseError('not-found', `No alarm ${String(alarmId).slice(0, 130)}`);
    return record;
  }

  #record(rule: AlarmRule, hostId: string, siteId: string | undefined): AlarmRecord {
    const id = `${rule.id}@${hostId}`;
    let record = this.#alarms.get(id);
    if (record) return record;
    record = {
      id,
      rule,
      hostId,
      siteId: siteId ?? this.#siteOf(hostId),
      core: normalCore(rule.latching),
      condition: initialCondition(),
      suppressedByDesign: false,
      inhibitedBy: new Set(),
      changedAt: this.#now(),
    };
    this.#alarms.set(id, record);
    let onHost = this.#alarmsByHost.get(hostId);
    if (!onHost) this.#alarmsByHost.set(hostId, (onHost = new Set()));
    onHost.add(record);
    // Born behind a device already lost: inhibited from the start.
    for (const other of onHost) if (other !== record && other.condition.active && this.#inhibits(other, record)) record.inhibitedBy.add(other.id);
    if (record.inhibitedBy.size > 0) this.#event(record, { type: 'suppress' }, this.#now());
    return record;
  }

  #apply(record: AlarmRecord, evaluate: (condition: ConditionState) => Evaluation): void {
    const { state, change } = evaluate(record.condition);
    record.condition = state;
    if (!change) return;
    this.#event(record, change.active ? { type: 'condition-active', value: change.value } : { type: 'condition-cleared', value: change.value }, change.at);
    if (record.rule.type === 'comm-loss' || record.rule.type === 'host-offline') this.#inhibit(record, change.active, change.at);
  }

  /** Whether `source` (an active comm-loss or host-offline alarm) speaks for `target`. */
  #inhibits(source: AlarmRecord, target: AlarmRecord): boolean {
    if (source.hostId !== target.hostId || source === target) return false;
    if (source.rule.type === 'host-offline') return target.rule.type !== 'host-offline';
    if (source.rule.type !== 'comm-loss') return false;
    if (target.rule.type === 'comm-loss') {
      // Narrower watches behind this one (a device behind its gateway, a tag behind its device) say nothing new.
      const narrower = target.rule.tags;
      if (narrower.length === 0) return false;
      if (source.rule.tags.length === 0) return true;
      const covered = this.#deviceTags(source.rule);
      return narrower.length < covered.size && narrower.every((tag) => covered.has(tag));
    }
    const tag = ruleInput(target.rule);
    return tag !== null && (source.rule.tags.length === 0 || this.#deviceTags(source.rule).has(tag));
  }

  /** A comm-loss rule's tags as a set: a gateway may list thousands, and every sample asks. */
  #deviceTags(rule: Extract<AlarmRule, { type: 'comm-loss' }>): Set<string> {
    let tags = this.#tagSets.get(rule);
    if (!tags) this.#tagSets.set(rule, (tags = new Set(rule.commTag === undefined ? rule.tags : [...rule.tags, rule.commTag])));
    return tags;
  }

  #inhibit(source: AlarmRecord, on: boolean, at: number): void {
    for (const target of this.#alarmsByHost.get(source.hostId) ?? []) {
      if (!this.#inhibits(source, target)) continue;
      if (on) target.inhibitedBy.add(source.id);
      else target.inhibitedBy.delete(source.id);
      if (!on && target.inhibitedBy.size === 0 && target.rule.type === 'comm-loss' && target.condition.active) {
        // The wider silence explained this one; its watch starts again from the return, rather than raising a
        // burst of stale alarms that the very next samples clear.
        target.condition = { ...target.condition, active: false, raw: false, rawSince: at, lastGoodTs: at };
        this.#event(target, { type: 'condition-cleared', value: null }, at);
      }
      this.#applySuppression(target, at);
    }
  }

  #suppressByDesign(record: AlarmRecord, sample: TagSample): void {
    const when = record.rule.suppressedWhen;
    if (!when || sample.quality !== 'good' || sample.value === null) return; // bad quality: keep what we knew
    record.suppressedByDesign = sample.value === when.equals;
    this.#applySuppression(record, sample.ts);
  }

  #applySuppression(record: AlarmRecord, at: number): void {
    const wanted = record.suppressedByDesign || record.inhibitedBy.size > 0;
    if (wanted !== record.core.suppressed) this.#event(record, { type: wanted ? 'suppress' : 'unsuppress' }, at);
  }

  #operator(alarmId: string, event: AlarmEvent): Alarm {
    const record = this.#find(alarmId);
    this.#event(record, event, this.#now());
    return this.#view(record);
  }

  #event(record: AlarmRecord, event: AlarmEvent, at: number): void {
    const { core, transitions } = transition(record.core, event, at);
    record.core = core;
    if (transitions.length === 0) return;
    record.changedAt = at;
    if (this.#restoring) return;
    const view = this.#view(record);
    for (const t of transitions) {
      const flood = t.to === 'unacknowledged' && record.siteId !== undefined ? this.#floods.raised(record.siteId, at) : null;
      if (flood) this.emit('flood', flood);
      this.emit('transition', view, t);
    }
  }

  #view(record: AlarmRecord): Alarm {
    const { core, rule } = record;
    const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
    const tag = ruleInput(rule);
    return {
      id: record.id,
      ruleId: rule.id,
      state: core.state,
      active: core.active,
      priority: rule.priority,
      kind: ruleKind(rule),
      source: { hostId: record.hostId, ...(record.siteId !== undefined ? { siteId: record.siteId } : {}), ...(tag !== null ? { tag } : {}) },
      message: ruleMessage(rule),
      value: core.value,
      limit: ruleLimit(rule),
      raisedAt: iso(core.raisedAt ?? record.changedAt)!,
      clearedAt: iso(core.clearedAt),
      acknowledgedAt: iso(core.acknowledgedAt),
      acknowledgedBy: core.acknowledgedBy,
      shelvedUntil: iso(core.shelvedUntil),
    };
  }
}
