import { z } from 'zod';

/** IANA time zone names this Node.js knows (`Europe/Berlin`); anything else is refused, not guessed. */
export const timeZoneSchema = z.string().max(64).refine((zone) => {
  // The length check above does not stop this refinement from running; keep Intl away from huge strings.
  if (zone.length > 64 || zone.length === 0) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, 'not a known IANA time zone (e.g. "Europe/Berlin")');
