import { z } from 'zod';
import { checkDate, parseParams } from './validation.js';

/**
 * Grouping related alarms into one message per (route, group key), with three timers named after Prometheus
 * Alertmanager's (README.md has a timeline for each):
 *
 * - groupWait: after a group's first alarm, wait this long for its siblings, then send one message about all of them.
 * - groupInterval: after a message, changes (alarms added or cleared) wait until this long after it, then go out in
 *   one message; if that moment has already passed, they go out at once.
 * - repeatInterval: while alarms are still firing and nothing changed, re-send the group this long after the last
 *   message, so a page nobody acted on is not forgotten.
 *
 * The state machine holds no timers: the console feeds it events and `tick`s it at `nextWakeAt()`. Its `now` is
 * the console's clock, not the alarms' own times, because replayed data must not send messages into the past.
 */

export const groupTimingSchema = z
  .strictObject({
    groupWaitSeconds: z.number().int().min(0).max(3600).default(30),
    groupIntervalSeconds: z.number().int().min(1).max(86_400).default(300),
    repeatIntervalSeconds: z.number().int().min(60).max(7 * 86_400).default(4 * 3600),
  })
  .refine((t) => t.repeatIntervalSeconds >= t.groupIntervalSeconds, {
    path: ['repeatIntervalSeconds'],
    message: 'must be at least groupIntervalSeconds (a repeat sooner than an update would never be seen)',
  });
export type GroupTiming = z.infer<typeof groupTimingSchema>;
export type GroupTimingInput = z.input<typeof groupTimingSchema>;

export function parseGroupTiming(input: unknown): GroupTiming {
  return parseParams(groupTimingSchema, input ?? {}, 'grouping');
}

export const defaultGroupTiming: GroupTiming = parseGroupTiming({});

/** One message the console should render and send to the route's team. */
export interface GroupMessage {
  route: string;
  groupKey: string;
  /** first: after groupWait; update: something was added or cleared; repeat: nothing new, still firing; resolved: all cleared. */
  kind: 'first' | 'update' | 'repeat' | 'resolved';
  at: Date;
  /** Every alarm of the group still firing, oldest first. */
  firing: string[];
  /** Firing alarms not in the previous message (all of them in a first message). */
  added: string[];
  /** Alarms in the previous message that have cleared since. */
  cleared: string[];
}

interface Group {
  route: string;
  groupKey: string;
  createdAt: number;
  /** alarm id → when the grouping learned it fired; a Map keeps insertion order, so "oldest first" is free. */
  firing: Map<string, number>;
  /** What the last message said was firing. */
  notified: Set<string>;
  lastSentAt: number | null;
  changed: boolean;
}

/** Above this many groups a flood is under way; further new groups fold into one per route, so nothing is lost. */
const DEFAULT_MAX_GROUPS = 10_000;
export const OVERFLOW_GROUP_KEY = '(too many groups: flood)';

export interface AlarmRaisedEvent {
  route: string;
  groupKey: string;
  alarmId: string;
}

export class AlarmGrouping {
  private readonly groups = new Map<string, Group>();
  /** alarm id → ids of the groups it is in (one per route it matched). */
  private readonly alarmGroups = new Map<string, Set<string>>();
  private latest = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly timingFor: (route: string) => GroupTiming = () => defaultGroupTiming,
    private readonly maxGroups = DEFAULT_MAX_GROUPS,
  ) {}

  /** An alarm fired (or was routed again); returns any messages due by `now` (a groupWait of 0 sends at once). */
  alarmRaised(event: AlarmRaisedEvent, now: Date): GroupMessage[] {
    const at = this.advance(now);
    let groupKey = event.groupKey;
    let id = groupId(event.route, groupKey);
    if (!this.groups.has(id) && this.groups.size >= this.maxGroups) {
      groupKey = OVERFLOW_GROUP_KEY;
      id = groupId(event.route, groupKey);
    }
    let group = this.groups.get(id);
    if (!group) {
      group = { route: event.route, groupKey, createdAt: at, firing: new Map(), notified: new Set(), lastSentAt: null, changed: false };
      this.groups.set(id, group);
    }
    if (!group.firing.has(event.alarmId)) {
      group.firing.set(event.alarmId, at);
      group.changed = true;
      let memberOf = this.alarmGroups.get(event.alarmId);
      if (!memberOf) this.alarmGroups.set(event.alarmId, (memberOf = new Set()));
      memberOf.add(id);
    }
    return this.tick(new Date(at));
  }

  /** An alarm's condition cleared (or it was shelved, suppressed, taken out of service): it leaves every group. */
  alarmCleared(alarmId: string, now: Date): GroupMessage[] {
    const at = this.advance(now);
    for (const id of this.alarmGroups.get(alarmId) ?? []) {
      const group = this.groups.get(id);
      if (group?.firing.delete(alarmId)) group.changed = true;
    }
    this.alarmGroups.delete(alarmId);
    return this.tick(new Date(at));
  }

  /** Messages due by `now`, at most one per group; groups with nothing left to say are forgotten. */
  tick(now: Date): GroupMessage[] {
    const at = this.advance(now);
    const messages: GroupMessage[] = [];
    for (const [id, group] of this.groups) {
      const due = this.dueAt(group);
      if (due === null) {
        this.groups.delete(id);
        continue;
      }
      if (due > at) continue;
      const message = this.compose(group, at);
      if (message) messages.push(message);
      if (group.firing.size === 0) this.groups.delete(id);
    }
    return messages;
  }

  /** When the console should call `tick` next; null when no group is waiting for anything. */
  nextWakeAt(): Date | null {
    let earliest: number | null = null;
    for (const group of this.groups.values()) {
      const due = this.dueAt(group);
      if (due !== null && (earliest === null || due < earliest)) earliest = due;
    }
    return earliest === null ? null : new Date(earliest);
  }

  /** How many groups are open (for the alarm system's health page). */
  get size(): number {
    return this.groups.size;
  }

  private dueAt(group: Group): number | null {
    const timing = this.timingFor(group.route);
    if (group.lastSentAt === null) {
      // Alarms that came and went inside groupWait are in the alarm list; a page about nothing firing is noise.
      return group.firing.size > 0 ? group.createdAt + timing.groupWaitSeconds * 1000 : null;
    }
    if (group.changed) return group.lastSentAt + timing.groupIntervalSeconds * 1000;
    if (group.firing.size > 0) return group.lastSentAt + timing.repeatIntervalSeconds * 1000;
    return null;
  }

  private compose(group: Group, at: number): GroupMessage | null {
    const firing = [...group.firing.keys()];
    const added = firing.filter((alarm) => !group.notified.has(alarm));
    const cleared = [...group.notified].filter((alarm) => !group.firing.has(alarm));
    let kind: GroupMessage['kind'];
    if (group.lastSentAt === null) kind = 'first';
    else if (firing.length === 0) kind = 'resolved';
    else if (added.length > 0 || cleared.length > 0) kind = 'update';
    else if (group.changed) {
      // Something came and went between messages without changing what was last said: not worth a message, and
      // the repeat clock keeps counting from the last one.
      group.changed = false;
      return null;
    } else kind = 'repeat';
    if (kind === 'resolved' && cleared.length === 0) return null;
    group.notified = new Set(firing);
    group.lastSentAt = at;
    group.changed = false;
    return { route: group.route, groupKey: group.groupKey, kind, at: new Date(at), firing, added, cleared };
  }

  /** Never let the clock run backwards inside the machine: a late event counts as happening at the latest time seen. */
  private advance(now: Date): number {
    const ms = checkDate(now, 'now');
    if (ms > this.latest) this.latest = ms;
    return this.latest;
  }
}

function groupId(route: string, groupKey: string): string {
  return JSON.stringify([route, groupKey]);
}
