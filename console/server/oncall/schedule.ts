import { z } from 'zod';
import { DAY_MS, dateOfDayNumber, dayNumber, describeWallClock, instantOfWallClock } from './local-time.js';
import {
  checkDate,
  idSchema,
  instantSchema,
  localDateSchema,
  localTimeSchema,
  parseParams,
  personNameSchema,
} from './validation.js';
import { timeZoneSchema } from '../time-zone.js';

/**
 * On-call schedules: who is paged for a site at a given moment. A schedule has a primary rotation and optionally a
 * backup rotation; each rotation hands over once a day or once a week at a local time in the schedule's time zone,
 * and stays at that local time across daylight-saving changes. Overrides (holidays, swaps) replace the rotation for
 * a stretch of time.
 */

export const weekdays = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export type Weekday = (typeof weekdays)[number];

/** The layers of a schedule: the person paged first, and the one paged when the first does not answer. */
export const scheduleLayers = ['primary', 'backup'] as const;
export type ScheduleLayer = (typeof scheduleLayers)[number];

function weekdayOfDate(date: string): Weekday {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  // getUTCDay: 0 = Sunday; our list starts on Monday, as rotas do.
  return weekdays[(new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7] as Weekday;
}

export const rotationSchema = z
  .strictObject({
    /** In order of their turns; one person is allowed (they are always on call). */
    people: z.array(personNameSchema).min(1).max(500),
    handover: z.strictObject({
      every: z.enum(['day', 'week']),
      /** Local time in the schedule's zone, `HH:MM`. */
      at: localTimeSchema,
      /** For weekly handovers: must be the start date's weekday; it is there so a reader sees "Monday 08:00". */
      weekday: z.enum(weekdays).optional(),
    }),
    /** The first person's first shift starts on this local date at the handover time. */
    start: localDateSchema,
  })
  .superRefine((rotation, ctx) => {
    const { every, weekday } = rotation.handover;
    if (weekday === undefined) return;
    if (every === 'day') {
      ctx.addIssue({ code: 'custom', path: ['handover', 'weekday'], message: 'only weekly handovers have a weekday' });
    } else if (weekdayOfDate(rotation.start) !== weekday) {
      ctx.addIssue({ code: 'custom', path: ['start'], message: `must fall on the handover weekday (${weekday})` });
    }
  });
export type Rotation = z.infer<typeof rotationSchema>;

export const overrideSchema = z
  .strictObject({
    person: personNameSchema,
    from: instantSchema,
    to: instantSchema,
    layer: z.enum(scheduleLayers).default('primary'),
    reason: z.string().max(200).optional(),
  })
  .refine((o) => Date.parse(o.from) < Date.parse(o.to), { path: ['to'], message: 'must be after "from"' });
export type Override = z.infer<typeof overrideSchema>;

export const scheduleSchema = z.strictObject({
  id: idSchema,
  timeZone: timeZoneSchema,
  primary: rotationSchema,
  backup: rotationSchema.optional(),
  /** Paged by escalation steps that say `manager`. */
  manager: personNameSchema.optional(),
  /** When two overlap, the later one in the list wins. */
  overrides: z.array(overrideSchema).max(1000).default([]),
});
export type Schedule = z.infer<typeof scheduleSchema>;
export type ScheduleInput = z.input<typeof scheduleSchema>;

/** Check a schedule from configuration or the API; throws GatehouseError 'invalid-params' naming the bad key. */
export function parseSchedule(input: unknown): Schedule {
  return parseParams(scheduleSchema, input, 'on-call schedule');
}

/** One person's stretch on call. `until` is null when nothing ends it (a one-person rotation with no override). */
export interface OnCallShift {
  person: string;
  from: Date;
  until: Date | null;
  source: 'rotation' | 'override';
}

export interface OnCallAnswer {
  primary: OnCallShift | null;
  backup: OnCallShift | null;
  /** Why a layer has nobody, in words for the operator; empty when both layers have someone (or no backup exists). */
  nobody: string[];
}

/** Who is on call at `at`, as primary and backup. Never throws for a parsed schedule and a valid date. */
export function whoIsOnCall(schedule: Schedule, at: Date): OnCallAnswer {
  const now = checkDate(at, 'at');
  const nobody: string[] = [];
  const layer = (name: ScheduleLayer, rotation: Rotation | undefined): OnCallShift | null => {
    const override = overrideAt(schedule.overrides, name, now);
    if (override) return override;
    if (!rotation) return null;
    const turn = rotationTurnAt(schedule.timeZone, rotation, now);
    if ('startsAt' in turn) {
      nobody.push(`the ${name} rotation has not started: it starts ${describeWallClock(schedule.timeZone, turn.startsAt)}`);
      return null;
    }
    return turn;
  };
  return { primary: layer('primary', schedule.primary), backup: layer('backup', schedule.backup), nobody };
}

function overrideAt(overrides: Override[], layer: ScheduleLayer, now: number): OnCallShift | null {
  for (let i = overrides.length - 1; i >= 0; i--) {
    const o = overrides[i] as Override;
    const from = Date.parse(o.from);
    const to = Date.parse(o.to);
    if (o.layer === layer && from <= now && now < to) {
      return { person: o.person, from: new Date(from), until: new Date(to), source: 'override' };
    }
  }
  return null;
}

/**
 * The rotation's shift containing `now`, or when it starts. Handover k happens on local date start + k periods at
 * the handover time; we count handovers up to `now` by estimating from elapsed time and correcting by whole steps,
 * which is exact because handover instants only ever increase.
 */
function rotationTurnAt(timeZone: string, rotation: Rotation, now: number): OnCallShift | { startsAt: number } {
  const periodDays = rotation.handover.every === 'day' ? 1 : 7;
  const [y, m, d] = rotation.start.split('-').map(Number) as [number, number, number];
  const [hour, minute] = rotation.handover.at.split(':').map(Number) as [number, number];
  const startDay = dayNumber(y, m, d);
  const handover = (k: number): number =>
    instantOfWallClock(timeZone, { ...dateOfDayNumber(startDay + k * periodDays), hour, minute, second: 0 });

  const first = handover(0);
  if (now < first) return { startsAt: first };
  let k = Math.floor((now - first) / (periodDays * DAY_MS));
  while (k > 0 && handover(k) > now) k--;
  while (handover(k + 1) <= now) k++;

  const people = rotation.people;
  const person = people[k % people.length] as string;
  if (people.length === 1) return { person, from: new Date(first), until: null, source: 'rotation' };
  return { person, from: new Date(handover(k)), until: new Date(handover(k + 1)), source: 'rotation' };
}
