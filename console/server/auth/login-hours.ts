/**
 * Working hours for logins (config `loginHours`): a login that succeeds outside them is not refused (the night
 * shift must get in when a pump trips) but is written to the audit log as `off-hours` and raises an alarm, so
 * somebody looks at it in the morning at the latest.
 */
import { z } from 'zod';
import { wallClockAt } from '../oncall/local-time.js';
import { timeZoneSchema } from '../time-zone.js';

export const weekdays = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day as HH:MM (24 h)');

/**
 * `{ "days": ["mon", …, "fri"], "from": "06:00", "to": "20:00", "timeZone": "Europe/Amsterdam" }`: on those days,
 * from `from` up to (not including) `to`, local time. `to` before `from` is a shift past midnight (22:00–06:00),
 * belonging to the day it starts on.
 */
export const loginHoursSchema = z
  .object({
    days: z.array(z.enum(weekdays)).min(1).max(7).default(['mon', 'tue', 'wed', 'thu', 'fri']),
    from: clockTime,
    to: clockTime,
    timeZone: timeZoneSchema.default('UTC'),
  })
  .strict()
  .refine((hours) => hours.from !== hours.to, 'from and to must differ');
export type LoginHours = z.output<typeof loginHoursSchema>;

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** The weekday of a local calendar date (Zeller-free: UTC date arithmetic on the wall clock's fields). */
function weekdayOf(year: number, month: number, day: number): (typeof weekdays)[number] {
  return weekdays[new Date(Date.UTC(year, month - 1, day)).getUTCDay()]!;
}

/** Whether instant `ms` falls inside the working hours. */
export function withinLoginHours(hours: LoginHours, ms: number): boolean {
  const wall = wallClockAt(hours.timeZone, ms);
  const minute = wall.hour * 60 + wall.minute;
  const from = minutesOf(hours.from);
  const to = minutesOf(hours.to);
  const today = weekdayOf(wall.year, wall.month, wall.day);
  if (from < to) return hours.days.includes(today) && minute >= from && minute < to;
  // Past midnight: the evening part belongs to today, the morning part to the shift that started yesterday.
  if (minute >= from) return hours.days.includes(today);
  if (minute < to) return hours.days.includes(weekdayOf(wall.year, wall.month, wall.day - 1));
  return false;
}

/** Whether a login at `ms` is off-hours; never, when no hours are configured. */
export function isOffHours(hours: LoginHours | undefined, ms: number): boolean {
  return hours !== undefined && !withinLoginHours(hours, ms);
}
