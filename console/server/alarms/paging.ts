/**
 * Paging: alarms to people. The alarm service calls `onTransition` after it has stored each transition; from there
 * a raised alarm is routed (oncall/routing.ts), grouped into messages for the route's team (oncall/grouping.ts), and,
 * where the route has an escalation policy, paged to whoever is on call, step after step (oncall/escalation.ts),
 * until someone acknowledges. The notify/ dispatcher sends, retries and records every attempt in the alarm store.
 *
 * Work is done one step at a time in order (a chain of promises), so an acknowledgement that arrives while a step
 * is being paged is handled after it, and stops the next. One timer wakes the pager for the earliest of: the next
 * escalation step, the grouping's next message, the dispatcher's next retry — all on the pager's clock, which tests
 * replace.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Alarm, AlarmTransition } from '../../../modules/kernel/alarm-model.js';
import { log } from '../log.js';
import { AckLinks } from '../notify/ack-link.js';
import type { DeliveryAttempt } from '../notify/attempt-log.js';
import { NotificationDispatcher } from '../notify/dispatcher.js';
import { EmailChannel } from '../notify/email-channel.js';
import type { Channel, NotificationEvent } from '../notify/notification.js';
import { cut } from '../notify/text.js';
import { type PageTarget, nextEscalation } from '../oncall/escalation.js';
import { AlarmGrouping, type GroupMessage, defaultGroupTiming } from '../oncall/grouping.js';
import { type RouteDecision, type Routing, routeAlarm } from '../oncall/routing.js';
import { EscalationStore } from './escalations-store.js';
import { type Contact, type Notifications, buildChannel } from './paging-config.js';
import type { AlarmStore } from './store.js';

export interface AlarmPagerOptions {
  /** The `notifications` configuration; undefined: nothing is recorded and nothing sent. */
  config: Notifications | undefined;
  /** Attempt log and acknowledge-link store. */
  store: AlarmStore;
  /** For `alarm_escalations` (migration 009). */
  db: Kysely<any>;
  hostName(hostId: string): string | undefined;
  /** The host's groups, for routing (`match.hostGroups`). */
  hostTags(hostId: string): readonly string[];
  siteName(siteId: string): string | undefined;
  /** The maintenance window the alarm's source is in now, if any: then nobody is paged. */
  inMaintenance(alarm: Alarm): { reason: string; to: string } | null;
  /** The console's public origin, for acknowledge links. */
  publicOrigin(): string;
  now?: () => number;
  /** Tests may pass their own; by default they are built from `config.channels`. */
  channels?: Channel[];
}

/** One escalation being paged: an alarm on one route. */
interface RunningEscalation {
  alarmId: string;
  route: string;
  raisedAt: number;
  handledUntil: number | null;
  /** ms of the next step; null when nothing more is planned. */
  nextAt: number | null;
}

/** Who a message goes to: a person (or a team) and the ways to reach them. */
interface Addressee {
  name: string;
  contacts: readonly Contact[];
}

/** The pager never wakes later than this, so a changed wall clock or a lost timer costs at most a minute. */
const maxTimerDelayMs = 60_000;

export class AlarmPager {
  /** The time zone messages and the acknowledge page show times in. */
  readonly timeZone: string;
  readonly now: () => number;
  readonly #config: Notifications | undefined;
  readonly #options: AlarmPagerOptions;
  readonly #store: AlarmStore;
  readonly #escalations: EscalationStore;
  readonly #channels: Channel[];
  readonly #dispatcher: NotificationDispatcher;
  readonly #grouping: AlarmGrouping;
  /** The latest record of every alarm the pager has heard of: messages are about these. */
  readonly #alarms = new Map<string, Alarm>();
  readonly #running = new Map<string, RunningEscalation>();
  readonly #pending = new Set<Promise<unknown>>();
  #links: AckLinks | undefined;
  #chain: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  #started = false;
  #stopped = false;

  constructor(options: AlarmPagerOptions) {
    this.#options = options;
    this.#config = options.config;
    this.#store = options.store;
    this.#escalations = new EscalationStore(options.db);
    this.now = options.now ?? Date.now;
    this.timeZone = options.config?.timeZone ?? 'UTC';
    this.#channels = options.channels ?? (options.config?.channels ?? []).map((c) => buildChannel(c, this.now));
    this.#dispatcher = new NotificationDispatcher({
      channels: this.#channels,
      log: options.store,
      ...(options.config ? { retry: options.config.retry } : {}),
      onLogError: (err, attempt) => log.error('a notification attempt could not be recorded', { alarmId: attempt.alarmId, message: (err as Error).message }),
    });
    const timing = new Map<string, RouteDecision['grouping']>();
    for (const route of options.config?.routing?.routes ?? []) timing.set(route.id, route.grouping);
    if (options.config?.routing) timing.set('fallback', options.config.routing.fallback.grouping);
    this.#grouping = new AlarmGrouping((route) => timing.get(route) ?? defaultGroupTiming);
  }

  /**
   * Single-use acknowledge links, for the page at /ack/<token>. Made on first use, so the console's public origin
   * need not be known when the pager is built.
   */
  get links(): AckLinks {
    this.#links ??= new AckLinks({ publicOrigin: this.#options.publicOrigin(), store: this.#store, now: this.now });
    return this.#links;
  }

  /** Called after a transition is stored. Never throws: the work is queued, and failures are logged. */
  onTransition(alarm: Alarm, transition: AlarmTransition): void {
    if (!this.#config || this.#stopped) return;
    this.#alarms.set(alarm.id, alarm);
    void this.#enqueue(`transition ${transition.cause}`, alarm.id, () => this.#transition(alarm, transition));
  }

  /**
   * An alarm that no longer exists (its rule was removed or replaced): stop paging about it and take it out of its
   * groups, so nobody is woken for a rule an engineer just deleted.
   */
  forget(alarmId: string): void {
    if (!this.#config || this.#stopped) return;
    void this.#enqueue('forget', alarmId, async () => {
      const now = this.now();
      this.#alarms.delete(alarmId);
      await this.#sendGroupMessages(this.#grouping.alarmCleared(alarmId, new Date(now)), now);
      await this.#stopPaging(alarmId, 'rule removed', now, 'its rule was removed or replaced');
    });
  }

  /** Resume escalations that were running when the console stopped, then keep time. */
  async start(): Promise<void> {
    if (!this.#config || this.#started) return;
    this.#started = true;
    await this.#enqueue('start', undefined, () => this.#resume());
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.settled();
    for (const channel of this.#channels) if (channel instanceof EmailChannel) channel.close();
  }

  /** Do now whatever is due by the pager's clock (the timer calls this; tests with a fake clock do too). */
  runDue(): Promise<void> {
    return this.#enqueue('timer', undefined, () => this.#due());
  }

  /** Resolves when every queued step, database write and send due so far is done (tests). */
  async settled(): Promise<void> {
    for (;;) {
      const chain = this.#chain;
      await chain;
      await Promise.allSettled([...this.#pending]);
      if (chain === this.#chain && this.#pending.size === 0) return;
    }
  }

  /** What a link is for and until when, without using it (the acknowledge page's GET). */
  async describeAckLink(token: string): Promise<{ alarmId: string; recipient: string; expiresAt: number | null }> {
    const link = await this.links.checkAckLink(token, this.now());
    const record = await this.#store.get(token.split('.')[0] ?? '');
    return { ...link, expiresAt: record?.expiresAt ?? null };
  }

  /** The names people know an alarm's site and host by. */
  names(alarm: Alarm): { site: string | undefined; host: string | undefined } {
    const { siteId, hostId } = alarm.source;
    return { site: siteId === undefined ? undefined : this.#options.siteName(siteId), host: hostId === undefined ? undefined : this.#options.hostName(hostId) };
  }

  // The steps.

  async #transition(alarm: Alarm, t: AlarmTransition): Promise<void> {
    const now = this.now();
    if (t.to === 'unacknowledged') return this.#raised(alarm, now);
    if (t.cause === 'acknowledge') await this.#stopPaging(alarm.id, 'acknowledged', now, `acknowledged by ${t.user ?? 'someone'}`);
    // Acknowledged alarms still fire: the team's messages keep them until they clear or are held.
    if (t.to === 'acknowledged') return;
    await this.#sendGroupMessages(this.#grouping.alarmCleared(alarm.id, new Date(now)), now);
    if (t.cause !== 'acknowledge') await this.#stopPaging(alarm.id, t.cause, now, `${t.cause.replace(/-/g, ' ')}: now ${t.to}`);
  }

  async #raised(alarm: Alarm, now: number): Promise<void> {
    const routing = this.#config?.routing;
    if (!routing) return;
    const maintenance = this.#options.inMaintenance(alarm);
    if (maintenance) {
      await this.#note(alarm.id, 'raised', now, `not notified: maintenance window until ${maintenance.to} (${maintenance.reason})`, 'cancelled');
      return;
    }
    const hostGroups = alarm.source.hostId === undefined ? [] : this.#options.hostTags(alarm.source.hostId);
    for (const decision of routeAlarm(routing, alarm, hostGroups)) {
      const messages = this.#grouping.alarmRaised({ route: decision.route, groupKey: decision.groupKey, alarmId: alarm.id }, new Date(now));
      await this.#sendGroupMessages(messages, now);
      if (decision.escalationPolicy === undefined) continue;
      // Dated by when the console learned of it: replayed data raised hours ago must not page every step at once.
      await this.#escalations.start(alarm.id, decision.route, now);
      const run: RunningEscalation = { alarmId: alarm.id, route: decision.route, raisedAt: now, handledUntil: null, nextAt: now };
      this.#running.set(runKey(alarm.id, decision.route), run);
      await this.#step(run, now);
    }
  }

  async #due(): Promise<void> {
    const now = this.now();
    for (const run of [...this.#running.values()]) if (run.nextAt !== null && run.nextAt <= now) await this.#step(run, now);
    await this.#sendGroupMessages(this.#grouping.tick(new Date(now)), now);
  }

  /** Page what the policy has due for one escalation, and remember how far it got. */
  async #step(run: RunningEscalation, now: number): Promise<void> {
    const alarm = this.#alarms.get(run.alarmId);
    const route = this.#route(run.route);
    const policy = route?.escalationPolicy === undefined ? undefined : this.#config?.escalationPolicies.find((p) => p.id === route.escalationPolicy);
    if (!alarm || alarm.state !== 'unacknowledged' || !policy) {
      this.#running.delete(runKey(run.alarmId, run.route));
      await this.#escalations.handled(run.alarmId, run.route, run.handledUntil ?? now, alarm?.state === 'acknowledged' ? 'acknowledged' : !policy ? 'route changed' : (alarm?.state ?? 'alarm gone'));
      return;
    }
    const schedule = route?.schedule === undefined ? null : (this.#config?.schedules.find((s) => s.id === route.schedule) ?? null);
    const decision = nextEscalation(policy, new Date(run.raisedAt), null, new Date(now), schedule, run.handledUntil === null ? null : new Date(run.handledUntil));
    for (const page of decision.due) await this.#page(alarm, page, now);
    run.handledUntil = now;
    run.nextAt = decision.nextAt?.getTime() ?? null;
    if (decision.stopped) this.#running.delete(runKey(run.alarmId, run.route));
    await this.#escalations.handled(run.alarmId, run.route, now, decision.stopped);
  }

  async #page(alarm: Alarm, page: PageTarget, now: number): Promise<void> {
    const event: NotificationEvent = page.page === 1 ? 'raised' : 'escalated';
    const addressees = page.person !== undefined ? [this.#person(page.person)] : page.team !== undefined ? this.#team(page.team) : [];
    if (page.nobody !== undefined || addressees.length === 0) {
      const who = typeof page.notify === 'string' ? page.notify : (page.person ?? page.team ?? '-');
      await this.#note(alarm.id, event, now, `step ${page.step}: nobody paged: ${page.nobody ?? `${who} has no contacts`}`, 'failed', who);
      return;
    }
    // Notification.escalationStep stops at 100; a 20-step policy repeated ten times goes further.
    for (const addressee of addressees) await this.#sendTo(alarm, event, addressee, now, Math.min(page.page, 100));
  }

  /** One message per alarm about a group: raised for the alarms new (or all, on a repeat), cleared for those gone. */
  async #sendGroupMessages(messages: GroupMessage[], now: number): Promise<void> {
    for (const message of messages) {
      const route = this.#route(message.route);
      // Where the route pages people through an escalation policy, the team's own channel (a chat room) hears the
      // group; its members are not mailed the same alarm twice.
      const addressees = route === undefined ? [] : route.escalationPolicy !== undefined ? this.#teamChannel(route.team) : this.#team(route.team, true);
      const raised = message.kind === 'repeat' ? message.firing : message.added;
      for (const [ids, event] of [[raised, 'raised'], [message.cleared, 'cleared']] as const) {
        for (const id of ids) {
          const alarm = this.#alarms.get(id);
          if (alarm) for (const addressee of addressees) await this.#sendTo(alarm, event, addressee, now);
        }
      }
    }
  }

  /** Queue one message to each of a person's (or team's) contacts, each with its own acknowledge link. */
  async #sendTo(alarm: Alarm, event: NotificationEvent, addressee: Addressee, now: number, escalationStep?: number): Promise<void> {
    const names = this.names(alarm);
    const acknowledgeable = event !== 'cleared' && (alarm.state === 'unacknowledged' || alarm.state === 'returned-unacknowledged');
    for (const contact of addressee.contacts) {
      try {
        const expiresAt = now + (this.#config?.ackLinkMinutes ?? 240) * 60_000;
        const ack = acknowledgeable ? { url: (await this.links.createAckLink({ alarmId: alarm.id, recipient: addressee.name, expiresAt })).href, expiresAt } : undefined;
        this.#dispatcher.enqueue(
          {
            id: randomUUID(),
            event,
            alarm,
            recipient: { name: addressee.name, channel: contact.channel, ...(contact.address === undefined ? {} : { address: contact.address }) },
            site: { ...(names.site === undefined ? {} : { name: cut(names.site, 100) }), timeZone: this.timeZone },
            ...(names.host === undefined ? {} : { hostName: cut(names.host, 255) }),
            ...(escalationStep === undefined ? {} : { escalationStep }),
            ...(ack ? { ack } : {}),
            createdAt: now,
          },
          now,
        );
      } catch (err) {
        await this.#note(alarm.id, event, now, `not sent: ${(err as Error).message}`, 'failed', addressee.name, contact.channel);
      }
    }
  }

  async #stopPaging(alarmId: string, reason: string, now: number, cancelReason: string): Promise<void> {
    for (const [key, run] of this.#running) if (run.alarmId === alarmId) this.#running.delete(key);
    await this.#escalations.stop(alarmId, reason);
    await this.#dispatcher.cancelForAlarm(alarmId, now, cancelReason);
  }

  /** Carry on with the escalations the last run left going; only steps that fell due meanwhile are paged. */
  async #resume(): Promise<void> {
    for (const { alarm } of await this.#store.loadAlarms()) if (!this.#alarms.has(alarm.id)) this.#alarms.set(alarm.id, alarm);
    const now = this.now();
    for (const row of await this.#escalations.running()) {
      const run: RunningEscalation = { ...row, nextAt: now };
      this.#running.set(runKey(row.alarmId, row.route), run);
      await this.#step(run, now);
    }
  }

  /** An attempt that never reached a channel (maintenance, nobody on call), so the alarm shows why. */
  async #note(alarmId: string, event: NotificationEvent, now: number, detail: string, status: DeliveryAttempt['status'], recipient = '-', channel = '-'): Promise<void> {
    await this.#store.record({ notificationId: randomUUID(), alarmId, event, channel, recipient, attempt: 0, at: now, status, detail: cut(detail, 300), nextAttemptAt: null });
  }

  // Configuration lookups.

  #route(id: string): Routing['fallback'] | undefined {
    const routing = this.#config?.routing;
    if (!routing) return undefined;
    return id === 'fallback' ? routing.fallback : routing.routes.find((r) => r.id === id);
  }

  #person(name: string): Addressee {
    return { name, contacts: this.#config?.people.find((p) => p.name === name)?.contacts ?? [] };
  }

  /** A team's members for an escalation page; for its grouped messages (`shared`), its own contacts first. */
  /** The team's shared contacts alone (a chat webhook, a list address); none if it has none. */
  #teamChannel(name: string): Addressee[] {
    const team = this.#config?.teams.find((t) => t.name === name);
    return team && team.contacts.length > 0 ? [{ name: team.name, contacts: team.contacts }] : [];
  }

  #team(name: string, shared = false): Addressee[] {
    const team = this.#config?.teams.find((t) => t.name === name);
    if (!team) return [];
    if (shared && team.contacts.length > 0) return [{ name: team.name, contacts: team.contacts }];
    if (team.members.length === 0) return [{ name: team.name, contacts: team.contacts }];
    return team.members.map((member) => this.#person(member));
  }

  // Keeping time.

  #enqueue(what: string, alarmId: string | undefined, work: () => Promise<void>): Promise<void> {
    const step = this.#chain.then(work).catch((err: unknown) => {
      log.error('paging step failed', { step: what, alarmId, message: err instanceof Error ? err.message : String(err) });
    });
    this.#chain = step.then(() => this.#afterStep());
    return this.#chain;
  }

  /** Send what the dispatcher has due, and set the timer for whatever comes next. */
  #afterStep(): void {
    const now = this.now();
    const due = this.#dispatcher.nextDueAt();
    if (due !== null && due <= now) this.#track(this.#dispatcher.runDue(now).then(() => this.#arm()));
    this.#arm();
  }

  #track(work: Promise<unknown>): void {
    const tracked = work.catch((err: unknown) => log.error('sending notifications failed', { message: err instanceof Error ? err.message : String(err) }));
    this.#pending.add(tracked);
    void tracked.finally(() => this.#pending.delete(tracked));
  }

  #arm(): void {
    if (!this.#started || this.#stopped) return;
    const times = [...this.#running.values()].map((r) => r.nextAt);
    times.push(this.#grouping.nextWakeAt()?.getTime() ?? null, this.#dispatcher.nextDueAt());
    const next = times.reduce<number | null>((first, t) => (t !== null && (first === null || t < first) ? t : first), null);
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (next === null) return;
    // At least a few ms apart, so a step that keeps failing cannot spin the event loop.
    const delay = Math.min(maxTimerDelayMs, Math.max(20, next - this.now()));
    this.#timer = setTimeout(() => void this.runDue(), delay);
    this.#timer.unref();
  }
}

function runKey(alarmId: string, route: string): string {
  return JSON.stringify([alarmId, route]);
}
