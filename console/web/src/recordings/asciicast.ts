/**
 * Reading an asciicast v2 recording (a JSON header line, then one `[time, code, data]` line per event). The
 * file is data from a shell on a managed host, so every line is checked and anything odd is skipped and
 * counted, never trusted: a broken line costs that line, not the recording.
 */

export type CastEventType = 'o' | 'i' | 'r';

export interface CastEvent {
  /** Seconds from the start, never less than the event before. */
  time: number;
  type: CastEventType;
  data: string;
}

export interface CastHeader {
  width: number;
  height: number;
  /** Unix seconds when recording started, when the header says. */
  timestamp: number | null;
  title: string | null;
}

export interface Cast {
  header: CastHeader;
  events: CastEvent[];
  /** Time of the last event. */
  duration: number;
  /** Lines that were not events we understand (broken JSON, unknown codes, bad sizes). */
  skipped: number;
}

/** Terminal sizes xterm.js and the contract accept. */
export const castSizeLimits = { cols: { min: 2, max: 1000 }, rows: { min: 2, max: 500 } } as const;

function boundedInt(value: unknown, min: number, max: number, fallback: number): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max ? value : fallback;
}

function parseHeader(line: string | undefined): CastHeader | null {
  if (line === undefined) return null;
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return null;
  const header = json as Record<string, unknown>;
  if (header.version !== 2) return null;
  const title = typeof header.title === 'string' ? header.title.slice(0, 200) : null;
  const timestamp = typeof header.timestamp === 'number' && Number.isFinite(header.timestamp) ? header.timestamp : null;
  return {
    width: boundedInt(header.width, castSizeLimits.cols.min, castSizeLimits.cols.max, 80),
    height: boundedInt(header.height, castSizeLimits.rows.min, castSizeLimits.rows.max, 24),
    timestamp,
    title,
  };
}

/** "120x40" → { cols, rows } within limits, or null. */
export function parseResize(data: string): { cols: number; rows: number } | null {
  const match = /^(\d{1,4})x(\d{1,4})$/.exec(data);
  if (!match) return null;
  const cols = Number(match[1]);
  const rows = Number(match[2]);
  if (cols < castSizeLimits.cols.min || cols > castSizeLimits.cols.max) return null;
  if (rows < castSizeLimits.rows.min || rows > castSizeLimits.rows.max) return null;
  return { cols, rows };
}

/** Parse a whole recording. Throws only when the header is missing or not asciicast v2. */
export function parseCast(text: string): Cast {
  const lines = text.split('\n');
  let first = 0;
  while (first < lines.length && lines[first]!.trim() === '') first += 1;
  const header = parseHeader(lines[first]);
  if (!header) throw new Error('This is not an asciicast v2 recording (its first line is not a version 2 header).');

  const events: CastEvent[] = [];
  let skipped = 0;
  let last = 0;
  for (let i = first + 1; i < lines.length; i += 1) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      skipped += 1;
      continue;
    }
    if (!Array.isArray(json) || json.length < 3) {
      skipped += 1;
      continue;
    }
    const [time, type, data] = json as [unknown, unknown, unknown];
    if (typeof time !== 'number' || !Number.isFinite(time) || time < 0 || typeof data !== 'string') {
      skipped += 1;
      continue;
    }
    if (type !== 'o' && type !== 'i' && type !== 'r') {
      // Markers ("m") and future codes: not for the screen.
      skipped += 1;
      continue;
    }
    if (type === 'r' && !parseResize(data)) {
      skipped += 1;
      continue;
    }
    // Out-of-order times would make seeking lie; hold them at the time before.
    last = Math.max(last, time);
    events.push({ time: last, type, data });
  }
  return { header, events, duration: last, skipped };
}

/** Index of the first event after `time` (binary search over the non-decreasing times). */
export function eventIndexAfter(events: readonly CastEvent[], time: number): number {
  let low = 0;
  let high = events.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (events[middle]!.time <= time) low = middle + 1;
    else high = middle;
  }
  return low;
}
