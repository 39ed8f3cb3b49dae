/**
 * Wall-clock arithmetic in an IANA time zone with Intl alone. Handovers are defined in local time ("Monday 08:00
 * Europe/Berlin"), so they must stay at 08:00 local across daylight-saving changes; adding 7 × 24 hours would not.
 */

export const DAY_MS = 86_400_000;

export interface WallClock {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    // Bounded by the number of zones Intl knows (a few hundred); schemas refuse unknown ones before they get here.
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** What a clock on the wall in `timeZone` shows at instant `ms`. */
export function wallClockAt(timeZone: string, ms: number): WallClock {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(ms))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year ?? 0,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: (parts.hour ?? 0) % 24,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

function wallAsUtc(wall: WallClock): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
}

/** The zone's offset from UTC at instant `ms`, in ms (Berlin in summer: +7,200,000). */
export function offsetAt(timeZone: string, ms: number): number {
  const whole = Math.floor(ms / 1000) * 1000;
  return wallAsUtc(wallClockAt(timeZone, whole)) - whole;
}

/**
 * The instant at which the clock in `timeZone` shows the given wall time. When the time happens twice (autumn), the
 * first; when it never happens (spring, 02:30 in Berlin), the clock's time an hour on (03:30), as Temporal's
 * 'compatible' rule does.
 */
export function instantOfWallClock(timeZone: string, wall: WallClock): number {
  const local = wallAsUtc(wall);
  // Offsets a day either side bracket any transition near this wall time.
  const before = offsetAt(timeZone, local - DAY_MS);
  const after = offsetAt(timeZone, local + DAY_MS);
  const candidates = [local - before, local - after].filter((ms) => wallAsUtc(wallClockAt(timeZone, ms)) === local);
  if (candidates.length > 0) return Math.min(...candidates);
  return local - before;
}

/** Days since 1970-01-01 of a calendar date, so dates can be counted without time zones. */
export function dayNumber(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day) / DAY_MS;
}

export function dateOfDayNumber(days: number): { year: number; month: number; day: number } {
  const date = new Date(days * DAY_MS);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

/** `2026-03-29 08:00 (Europe/Berlin)`, for messages people read. */
export function describeWallClock(timeZone: string, ms: number): string {
  const w = wallClockAt(timeZone, ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${w.year}-${two(w.month)}-${two(w.day)} ${two(w.hour)}:${two(w.minute)} (${timeZone})`;
}
