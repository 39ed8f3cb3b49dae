import { z } from 'zod';
import { GatehouseError } from '../../../modules/kernel/errors.js';

/**
 * The small schemas every on-call file shares, and the one way they turn bad input into an error: a GatehouseError
 * 'invalid-params' whose message names the key (`primary.handover.at`), never echoing the (possibly huge) value.
 */

const noControlCharacters = /^[^\p{Cc}\u2028\u2029]*$/u;

/** A person as schedules and policies name them; the notify configuration maps the name to addresses. */
export const personNameSchema = z.string().min(1).max(100).regex(noControlCharacters, 'no control characters');

/** A team (routes send to teams; an escalation step may page a whole team). */
export const teamNameSchema = z.string().min(1).max(100).regex(noControlCharacters, 'no control characters');

/** Ids of schedules, policies and routes: short, so they fit in URLs and logs. */
export const idSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, "_", "." and "-", at most 64');


/** A wall-clock time of day, `HH:MM`, 00:00 to 23:59. `24:00` and `25:00` are refused rather than wrapped. */
export const localTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a local time from 00:00 to 23:59 (HH:MM)');

/** A calendar date, `YYYY-MM-DD`, that exists (no 2026-02-30), within years the arithmetic is tested for. */
export const localDateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD').refine((text) => {
  const [y, m, d] = text.split('-').map(Number) as [number, number, number];
  if (y < 2000 || y > 2200) return false;
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}, 'a calendar date between 2000 and 2200');

/** An instant with its offset (`2026-03-29T06:00:00+02:00` or `…Z`): without one, "when" would depend on the server. */
export const instantSchema = z.iso.datetime({ offset: true });

/** Parse `input` with `schema`, or throw 'invalid-params' naming the first bad key. `what` says which object it was. */
export function parseParams<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = (issue?.path ?? []).map(String);
  if (issue?.code === 'unrecognized_keys') path.push(String(issue.keys[0]).slice(0, 64));
  const key = path.join('.') || '(top level)';
  throw new GatehouseError('invalid-params', `${what}: "${key}" ${issue?.message ?? 'is invalid'}`, { key });
}

/** Refuse an invalid Date (new Date('nonsense')) before it turns arithmetic into NaN. */
export function checkDate(value: Date, key: string): number {
  const ms = value instanceof Date ? value.getTime() : Number.NaN;
  if (!Number.isFinite(ms)) throw new GatehouseError('invalid-params', `"${key}" is not a valid date`, { key });
  return ms;
}
