import { describe, expect, it } from 'vitest';
import { isOffHours, loginHoursSchema, withinLoginHours } from './login-hours.js';

const hours = loginHoursSchema.parse({ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '06:00', to: '20:00', timeZone: 'Europe/Amsterdam' });

describe('login hours', () => {
  it('are working days from `from` up to `to`, local time', () => {
    // Tuesday 24 November 2026; Amsterdam is UTC+1 in winter.
    expect(withinLoginHours(hours, Date.parse('2026-11-24T05:00:00Z'))).toBe(true); // 06:00 local
    expect(withinLoginHours(hours, Date.parse('2026-11-24T04:59:00Z'))).toBe(false); // 05:59
    expect(withinLoginHours(hours, Date.parse('2026-11-24T18:59:00Z'))).toBe(true); // 19:59
    expect(withinLoginHours(hours, Date.parse('2026-11-24T19:00:00Z'))).toBe(false); // 20:00
    // Saturday noon.
    expect(withinLoginHours(hours, Date.parse('2026-11-28T11:00:00Z'))).toBe(false);
  });

  it('follow daylight saving time: 06:00 local is 04:00 UTC in summer', () => {
    expect(withinLoginHours(hours, Date.parse('2026-07-07T04:00:00Z'))).toBe(true);
    expect(withinLoginHours(hours, Date.parse('2026-07-07T03:59:00Z'))).toBe(false);
  });

  it('run past midnight when `to` is before `from`, belonging to the day the shift starts', () => {
    const night = loginHoursSchema.parse({ days: ['fri'], from: '22:00', to: '06:00' });
    expect(withinLoginHours(night, Date.parse('2026-11-27T23:00:00Z'))).toBe(true); // Friday 23:00
    expect(withinLoginHours(night, Date.parse('2026-11-28T05:00:00Z'))).toBe(true); // Saturday 05:00, Friday's shift
    expect(withinLoginHours(night, Date.parse('2026-11-28T23:00:00Z'))).toBe(false); // Saturday 23:00
    expect(withinLoginHours(night, Date.parse('2026-11-27T05:00:00Z'))).toBe(false); // Friday 05:00, Thursday's
    expect(withinLoginHours(night, Date.parse('2026-11-27T12:00:00Z'))).toBe(false);
  });

  it('nothing is off-hours without configured hours; bad settings name the problem', () => {
    expect(isOffHours(undefined, Date.parse('2026-11-28T03:00:00Z'))).toBe(false);
    expect(isOffHours(hours, Date.parse('2026-11-28T03:00:00Z'))).toBe(true);
    expect(loginHoursSchema.safeParse({ from: '6:00', to: '20:00' }).success).toBe(false);
    expect(loginHoursSchema.safeParse({ from: '06:00', to: '24:00' }).success).toBe(false);
    expect(loginHoursSchema.safeParse({ from: '06:00', to: '06:00' }).success).toBe(false);
    expect(loginHoursSchema.safeParse({ from: '06:00', to: '20:00', timeZone: 'Mars/Olympus' }).success).toBe(false);
    expect(loginHoursSchema.safeParse({ from: '06:00', to: '20:00', days: ['someday'] }).success).toBe(false);
    expect(loginHoursSchema.parse({ from: '06:00', to: '20:00' })).toMatchObject({ days: ['mon', 'tue', 'wed', 'thu', 'fri'], timeZone: 'UTC' });
  });
});
