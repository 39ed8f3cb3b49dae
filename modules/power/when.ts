/**
 * When a reboot or shutdown should happen, as a person types it: `now`, `HH:MM` (the next time the clock
 * reads that, as shutdown(8) has it), `+N` minutes, or an ISO 8601 time. Never more than 7 days ahead, so a
 * typo cannot plant a reboot nobody remembers. Plain functions without zod, so the page uses them as well.
 */
export const maxDelayMinutes = 7 * 24 * 60;

export type When =
  | { kind: 'now' }
  | { kind: 'clock'; hour: number; minute: number }
  | { kind: 'minutes'; minutes: number }
  | { kind: 'instant'; at: Date };

/** Parse a time, or say in words why it is not one. `now` is injected for tests. */
export function parseWhen(text: string, now: Date = new Date()): When | string {
  if (text.length > 40) return 'Too long for a time.';
  if (text === 'now') return { kind: 'now' };
  const clock = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  if (clock) return { kind: 'clock', hour: Number(clock[1]), minute: Number(clock[2]) };
  const plus = /^\+(\d{1,5})$/.exec(text);
  if (plus) {
    const minutes = Number(plus[1]);
    if (minutes < 1) return 'Use "now" for no delay; +minutes starts at +1.';
    if (minutes > maxDelayMinutes) return `At most ${maxDelayMinutes} minutes (7 days) ahead.`;
    return { kind: 'minutes', minutes };
  }
  // ISO 8601 with a date, a time and a zone (Z or ±hh:mm): a bare local time would be read in the agent's zone.
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) {
    const at = new Date(text);
    if (Number.isNaN(at.getTime())) return 'Not a real date and time.';
    if (at.getTime() <= now.getTime()) return 'That time has already passed.';
    if (at.getTime() - now.getTime() > maxDelayMinutes * 60_000) return 'At most 7 days ahead.';
    return { kind: 'instant', at };
  }
  return 'Use "now", HH:MM (24-hour), +minutes, or an ISO time with a zone such as 2026-05-01T03:00:00Z.';
}

/** The argument shutdown(8) takes for this time: `now`, `HH:MM` or `+minutes` (rounded up to whole minutes). */
export function shutdownTimeArgument(when: When, now: Date = new Date()): string {
  switch (when.kind) {
    case 'now':
      return 'now';
    case 'clock':
      return `${String(when.hour).padStart(2, '0')}:${String(when.minute).padStart(2, '0')}`;
    case 'minutes':
      return `+${when.minutes}`;
    case 'instant':
      return `+${Math.max(1, Math.ceil((when.at.getTime() - now.getTime()) / 60_000))}`;
  }
}
